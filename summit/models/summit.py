"""A summit with its organisations, access zones, attendee categories and delegations."""
from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    false as sa_false,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from summit.database import enum_column, utcnow
from summit.extensions import db

if TYPE_CHECKING:
    from summit.models.membership import Membership
    from summit.models.user import User


class OrganisationKind(enum.Enum):
    GOVERNMENT = "government"
    ENTERPRISE = "enterprise"
    ASSOCIATION = "association"
    MEDIA = "media"
    OTHER = "other"


class OrganisationRole(enum.Enum):
    """The part an organisation plays in running a summit."""

    HOST = "host"
    ORGANISER = "organiser"
    SUPPORTER = "supporter"


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind), default=OrganisationKind.OTHER
    )
    county: Mapped[str | None] = mapped_column(String(100))


class Summit(db.Model):
    __tablename__ = "summits"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    theme_zh: Mapped[str] = mapped_column(String(200), default="")
    theme_en: Mapped[str] = mapped_column(String(200), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # Registration: the public form is open between these times; None means no limit.
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    # Delegates may edit their own registration until then.
    edit_deadline: Mapped[datetime | None]
    # Places for registrations holding a place (pending or approved); None is unlimited.
    capacity: Mapped[int | None]
    # Media accreditation: open to applications until the deadline (None: no deadline);
    # press badges print with the category of this code.
    press_enabled: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    press_deadline: Mapped[datetime | None]
    press_category_code: Mapped[str] = mapped_column(String(32), default="press",
                                                     server_default="press")
    # Personal data is anonymised this many days after the summit ends (docs/privacy.md);
    # set once `flask privacy purge --apply` has done it.
    retention_days: Mapped[int] = mapped_column(default=180, server_default="180")
    anonymised_at: Mapped[datetime | None]
    # Aides a delegation's registrar may add per principal (0: only staff add aides), in
    # the category of this code (docs/desk.md).
    registrar_aides: Mapped[int] = mapped_column(default=0, server_default="0")
    registrar_aide_category_code: Mapped[str] = mapped_column(String(32), default="",
                                                              server_default="")
    # Bumped to take a write lock on the summit row before capacity checks (both databases).
    lock_counter: Mapped[int] = mapped_column(default=0, server_default="0")
    # A new random number whenever anything the API's summit read shows changes (the summit,
    # its organisations and their links, zones, categories and their zones): that read's
    # JSON is kept per (summit id, setup_version). Set by ``new_setup_versions`` below.
    setup_version: Mapped[int] = mapped_column(BigInteger, default=lambda: new_version(),
                                               server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisations: Mapped[list[SummitOrganisation]] = relationship(
        back_populates="summit",
        cascade="all, delete-orphan",
        order_by="(SummitOrganisation.role, SummitOrganisation.position)",
    )
    zones: Mapped[list[Zone]] = relationship(
        back_populates="summit", cascade="all, delete-orphan", order_by="Zone.code"
    )
    categories: Mapped[list[AttendeeCategory]] = relationship(
        back_populates="summit",
        cascade="all, delete-orphan",
        order_by="(AttendeeCategory.position, AttendeeCategory.id)",
    )
    delegations: Mapped[list[Delegation]] = relationship(
        back_populates="summit", cascade="all, delete-orphan", order_by="Delegation.name"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="summit", cascade="all, delete-orphan"
    )

    def organisations_in(self, role: OrganisationRole) -> list[Organisation]:
        return [link.organisation for link in self.organisations if link.role is role]

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_zh

    def theme(self, language: str) -> str:
        return self.theme_en if language == "en" and self.theme_en else self.theme_zh

    def description(self, language: str) -> str:
        return (
            self.description_en if language == "en" and self.description_en
            else self.description_zh
        )


class SummitOrganisation(db.Model):
    __tablename__ = "summit_organisations"
    __table_args__ = (UniqueConstraint("summit_id", "organisation_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[OrganisationRole] = mapped_column(enum_column(OrganisationRole))
    position: Mapped[int] = mapped_column(default=0)

    summit: Mapped[Summit] = relationship(back_populates="organisations")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Zone(db.Model):
    """An access zone printed on badges and checked at gates (e.g. MAIN, VIP, PRESS)."""

    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("summit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16))
    label_zh: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100), default="")

    summit: Mapped[Summit] = relationship(back_populates="zones")

    def label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label_zh


category_zones = Table(
    "category_zones",
    db.metadata,
    Column("category_id", ForeignKey("attendee_categories.id", ondelete="CASCADE"),
           primary_key=True),
    Column("zone_id", ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
)


class AttendeeCategory(db.Model):
    __tablename__ = "attendee_categories"
    __table_args__ = (UniqueConstraint("summit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    label_zh: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100), default="")
    colour: Mapped[str] = mapped_column(String(7), default="#1f6feb")
    # Open to the public registration form; otherwise by invitation only.
    public: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    capacity: Mapped[int | None]
    # An ID number is required in this category, and why (shown beside the separate
    # consent box of the registration form).
    id_required: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    id_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")

    summit: Mapped[Summit] = relationship(back_populates="categories")
    zones: Mapped[list[Zone]] = relationship(secondary=category_zones, order_by="Zone.code")

    def label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label_zh


class Delegation(db.Model):
    """A group registered together, usually a county's, with a quota and a liaison."""

    __tablename__ = "delegations"
    __table_args__ = (UniqueConstraint("summit_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    county: Mapped[str] = mapped_column(String(100), default="")
    quota: Mapped[int] = mapped_column(default=10)
    registrar_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    summit: Mapped[Summit] = relationship(back_populates="delegations")
    registrar: Mapped[User | None] = relationship(lazy="joined")


def new_version() -> int:
    """A fresh ``Summit.setup_version``: random rather than counted, so a summit created
    again under a reused id (SQLite reuses the highest) never meets an old kept answer."""
    return secrets.randbits(62) + 1


@event.listens_for(Session, "before_flush")
def new_setup_versions(session: Session, flush_context, instances) -> None:
    """Give each summit whose public set-up this flush changes a new ``setup_version``, in
    the same transaction as the change (one UPDATE; nothing when the flush touches none of
    these models). A Core UPDATE or DELETE of these tables bypasses this: call
    ``touch_setups`` next to it (none exists today)."""
    summit_ids: set[int] = set()
    organisation_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Summit):
            if obj.id is not None:
                summit_ids.add(obj.id)
        elif isinstance(obj, (Zone, AttendeeCategory, SummitOrganisation)):
            summit_id = obj.summit_id if obj.summit_id is not None else \
                (obj.summit.id if obj.summit is not None else None)
            if summit_id is not None:
                summit_ids.add(summit_id)
        elif isinstance(obj, Organisation) and obj.id is not None:
            organisation_ids.add(obj.id)
    if summit_ids or organisation_ids:
        touch_setups(session, summit_ids, organisation_ids)


def touch_setups(session: Session, summit_ids, organisation_ids=()) -> None:
    """A new ``setup_version`` for the summits ``summit_ids`` and those linked to the
    organisations ``organisation_ids``."""
    summits = Summit.__table__
    linked = db.select(SummitOrganisation.summit_id).where(
        SummitOrganisation.organisation_id.in_(list(organisation_ids)))
    session.connection().execute(
        db.update(summits).where(db.or_(summits.c.id.in_(list(summit_ids)),
                                        summits.c.id.in_(linked)))
        .values(setup_version=new_version()))
