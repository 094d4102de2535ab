"""The media officers' queue: press applications of a summit, filtered, searched (outlet, or a
person by name or pinyin), sorted and paged, with counts by status."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from summit.extensions import db
from summit.models import MediaType, PressApplication, PressPerson, PressStatus as P, Summit, User
from summit.permissions import Permission, require
from summit.services.core.errors import ValidationFailed
from summit.services.press.applications import outlet_key

SORTS = {
    "-submitted": (PressApplication.submitted_at.desc(), PressApplication.id.desc()),
    "submitted": (PressApplication.submitted_at, PressApplication.id),
    "outlet": (PressApplication.outlet_key, PressApplication.id),
    "status": (PressApplication.status, PressApplication.id),
}


def queue_query(summit: Summit, *, q: str = "", status: str = "", media_type: str = "",
                warning: bool = False, sort: str = "submitted"):
    query = db.select(PressApplication).where(PressApplication.summit_id == summit.id)
    if status:
        try:
            query = query.where(PressApplication.status == P(status))
        except ValueError:
            raise ValidationFailed(_l("Unknown status."), "status") from None
    else:  # officers do not see drafts until they are submitted
        query = query.where(PressApplication.status != P.DRAFT)
    if media_type:
        try:
            query = query.where(PressApplication.media_type == MediaType(media_type))
        except ValueError:
            raise ValidationFailed(_l("Unknown media type."), "media_type") from None
    if warning:
        query = query.where(PressApplication.card_warning.is_(True))
    q = (q or "").strip()
    if q:
        people = db.select(PressPerson.application_id).where(db.or_(
            PressPerson.name.contains(q, autoescape=True),
            PressPerson.name_pinyin.ilike(f"%{q}%")))
        query = query.where(db.or_(PressApplication.outlet_name.contains(q, autoescape=True),
                                   PressApplication.outlet_key.contains(outlet_key(q),
                                                                        autoescape=True),
                                   PressApplication.id.in_(people)))
    return query.order_by(*SORTS.get(sort, SORTS["submitted"]))


def queue(actor: User, summit: Summit, *, page: int = 1, per_page: int = 50,
          **filters) -> Pagination:
    require(actor, Permission.PRESS_REVIEW, summit)
    query = queue_query(summit, **filters).options(
        db.selectinload(PressApplication.people),
        db.selectinload(PressApplication.requested_zones))
    return db.paginate(query, page=page, per_page=per_page, max_per_page=200, error_out=False)


def counts_by_status(summit: Summit) -> dict[str, int]:
    rows = db.session.execute(
        db.select(PressApplication.status, db.func.count(PressApplication.id))
        .where(PressApplication.summit_id == summit.id)
        .group_by(PressApplication.status)).all()
    return {status.value: count for status, count in rows}
