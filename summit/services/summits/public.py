"""A summit's public set-up as the API shows it (title, dates, organisations, zones,
categories), read with four plain statements whatever the number of summits or rows.

The API's summit reads were the costliest ordinary requests (issue 23): loading the ORM
objects of every organisation, zone and category, and each category's zones one query at a
time, cost 40 times the trivial endpoint's CPU. Columns straight into dictionaries cost a
fraction of that. The API keeps one summit's answer by (summit id, ``setup_version``): the
version changes in the same transaction as any edit of what is shown (models/summit.py,
``new_setup_versions``), so an edit shows at once.
"""
from __future__ import annotations

from collections import defaultdict
from functools import cache

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Organisation,
    OrganisationRole,
    Summit,
    SummitOrganisation,
    Zone,
)
from summit.models.summit import category_zones
from summit.services.core import reads
from summit.services.core.errors import NotFound
from summit.services.summits.settings import SLUG_PATTERN


def setup_of(slug: str) -> dict:
    """The public set-up of the summit at ``slug``; NotFound when there is none."""
    found = setups({"slug": slug}) if SLUG_PATTERN.match(slug or "") else []
    if not found:
        raise NotFound(_l("There is no summit at this address."))
    return found[0]


def version_of(slug: str) -> tuple[int, int] | None:
    """(id, setup_version) of the summit at ``slug``, None when there is none."""
    if not SLUG_PATTERN.match(slug or ""):
        return None
    row = reads.read_connection().execute(version_query(), {"slug": slug}).first()
    return None if row is None else (row.id, row.setup_version)


@cache
def version_query():
    return db.select(Summit.id, Summit.setup_version).where(Summit.slug == db.bindparam("slug"))


def setup_by_id(summit_id: int) -> dict:
    """The public set-up of the summit ``summit_id``; NotFound when there is none."""
    found = setups({"id": summit_id}, by="id")
    if not found:
        raise NotFound(_l("There is no summit at this address."))
    return found[0]


def all_setups() -> list[dict]:
    """Every summit's public set-up, the latest first."""
    return setups(None)


@cache
def summits_query(by: str | None):
    """Built once: building a statement costs more than running it (and a statement used
    again keeps its cache key)."""
    query = db.select(Summit.id, Summit.slug, Summit.title_zh, Summit.title_en,
                      Summit.theme_zh, Summit.theme_en, Summit.city, Summit.venue,
                      Summit.timezone, Summit.starts_on, Summit.ends_on)
    if by is not None:
        query = query.where(getattr(Summit, by) == db.bindparam(by))
    return query.order_by(Summit.starts_on.desc(), Summit.id)


def setups(by_slug: dict | None, by: str = "slug") -> list[dict]:
    # Plain rows through the session's connection: no ORM entity is loaded, so the ORM's
    # execution path (its events, loading context and result wrapping) has nothing to do.
    connection = reads.read_connection()
    summits = connection.execute(summits_query(by if by_slug is not None else None),
                                 by_slug).all()
    if not summits:
        return []
    organisations, zones, categories = defaultdict(list), defaultdict(list), defaultdict(list)
    zones_of = defaultdict(list)
    for row in connection.execute(parts(), {"ids": [s.id for s in summits]}):
        if row.part == ORGANISATIONS:
            organisations[row.summit_id, row.sort].append({"name": row.a, "kind": row.b})
        elif row.part == ZONES:
            zones[row.summit_id].append({"code": row.a, "label": {"zh": row.b, "en": row.c}})
        elif row.part == CATEGORIES:
            categories[row.summit_id].append(
                {"code": row.a, "label": {"zh": row.b, "en": row.c}, "colour": row.d,
                 "public": bool(row.flag), "zones": zones_of[row.owner]})
        else:
            zones_of[row.owner].append(row.a)
    return [{
        "slug": s.slug,
        "title": {"zh": s.title_zh, "en": s.title_en},
        "theme": {"zh": s.theme_zh, "en": s.theme_en},
        "city": s.city,
        "venue": s.venue,
        "timezone": s.timezone,
        "starts_on": s.starts_on.isoformat(),
        "ends_on": s.ends_on.isoformat(),
        "organisations": {role.value: organisations[s.id, role.value]
                          for role in OrganisationRole},
        "zones": zones[s.id],
        "categories": categories[s.id],
    } for s in summits]


ORGANISATIONS, ZONES, CATEGORIES, CATEGORY_ZONES = 1, 2, 3, 4


@cache
def parts():
    """The organisations, zones, categories and categories' zones of the summits ``ids`` in
    one statement (one round trip), each part in the order the models' relationships use:
    rows of (part, summit_id, owner, sort, n1, n2, a, b, c, d, flag)."""
    text, blank, zero = db.String, db.literal(""), db.literal(0)
    ids = db.bindparam("ids", expanding=True)

    def row(part, summit_id, owner, sort, n1, n2, a, b, c, d, flag):
        return db.select(db.literal(part).label("part"), summit_id.label("summit_id"),
                         owner.label("owner"), db.type_coerce(sort, text).label("sort"),
                         n1.label("n1"), n2.label("n2"), db.type_coerce(a, text).label("a"),
                         db.type_coerce(b, text).label("b"), c.label("c"), d.label("d"),
                         flag.label("flag"))

    link = SummitOrganisation
    union = db.union_all(
        row(ORGANISATIONS, link.summit_id, zero, link.role, link.position, link.id,
            Organisation.name, Organisation.kind, blank, blank, zero)
        .join(Organisation, Organisation.id == link.organisation_id)
        .where(link.summit_id.in_(ids)),
        row(ZONES, Zone.summit_id, zero, Zone.code, zero, Zone.id, Zone.code, Zone.label_zh,
            Zone.label_en, blank, zero).where(Zone.summit_id.in_(ids)),
        row(CATEGORIES, AttendeeCategory.summit_id, AttendeeCategory.id, blank,
            AttendeeCategory.position, AttendeeCategory.id, AttendeeCategory.code,
            AttendeeCategory.label_zh, AttendeeCategory.label_en, AttendeeCategory.colour,
            db.case((AttendeeCategory.public, 1), else_=0))
        .where(AttendeeCategory.summit_id.in_(ids)),
        row(CATEGORY_ZONES, AttendeeCategory.summit_id, AttendeeCategory.id, Zone.code, zero,
            Zone.id, Zone.code, blank, blank, blank, zero)
        .join(category_zones, category_zones.c.category_id == AttendeeCategory.id)
        .join(Zone, Zone.id == category_zones.c.zone_id)
        .where(AttendeeCategory.summit_id.in_(ids)),
    ).subquery()
    return db.select(union).order_by(union.c.part, union.c.sort, union.c.n1, union.c.n2)
