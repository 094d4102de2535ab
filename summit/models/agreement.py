"""Cooperation agreements signed at a summit, their parties, and the append-only follow-up.

``Agreement.status`` and ``Agreement.funds_in_place`` repeat the latest entry of the history so
that the dashboard can group by them in the database; only the agreements service writes them,
in the same transaction as the entry.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import Yuan, enum_column, utcnow
from summit.extensions import db

if TYPE_CHECKING:
    from summit.models.agenda import AgendaItem
    from summit.models.summit import Summit
    from summit.models.user import User


class AgreementKind(enum.Enum):
    STRATEGIC = "strategic"
    FRAMEWORK = "framework"
    PURCHASE = "purchase"
    PLATFORM = "platform"
    INVESTMENT = "investment"
    INTENT = "intent"


class AmountKind(enum.Enum):
    AGREEMENT = "agreement"
    PLANNED_INVESTMENT = "planned_investment"
    PURCHASE_VALUE = "purchase_value"


class AgreementStatus(enum.Enum):
    SIGNED = "signed"
    CONTRACTED = "contracted"
    CONSTRUCTION_STARTED = "construction_started"
    IN_PRODUCTION = "in_production"
    LANDED = "landed"
    TERMINATED = "terminated"


class PartySide(enum.Enum):
    A = "a"
    B = "b"


class UpdateKind(enum.Enum):
    STATUS = "status"
    MILESTONE = "milestone"
    FUNDS = "funds"
    NOTE = "note"


class MilestoneState(enum.Enum):
    SCHEDULED = "scheduled"
    MET = "met"
    NOT_MET = "not_met"
    PARTLY_MET = "partly_met"


class AttachmentKind(enum.Enum):
    SCAN = "scan"
    PHOTO = "photo"


class Agreement(db.Model):
    __tablename__ = "agreements"
    # The dashboard groups by status, county, sector and kind: one covering index each, so
    # every GROUP BY reads an index in order (no table lookups, no sort).
    __table_args__ = (
        Index("ix_agreements_by_status", "summit_id", "superseded", "status", "amount",
              "funds_in_place", "signed_at", "last_activity_at"),
        *(Index(f"ix_agreements_by_{name}", "summit_id", "superseded", name, "status", "amount",
                "funds_in_place", "signed_at") for name in ("county", "sector", "kind")),
        Index("ix_agreements_summit_signed", "summit_id", "signed_at"),
        Index("ix_agreements_activity", "summit_id", "superseded", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AgreementKind] = mapped_column(enum_column(AgreementKind))
    county: Mapped[str] = mapped_column(String(100))
    sector: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Yuan())
    amount_kind: Mapped[AmountKind] = mapped_column(enum_column(AmountKind),
                                                    default=AmountKind.AGREEMENT)
    signed_at: Mapped[datetime]
    on_stage: Mapped[bool] = mapped_column(default=False)
    # One name per line: the leaders who witnessed the signing.
    witnesses: Mapped[str] = mapped_column(Text, default="")
    expected_jobs: Mapped[int | None]
    households_helped: Mapped[int | None]
    # An agreement that upgrades an earlier one; the earlier one is then no longer counted.
    predecessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="SET NULL"), unique=True)
    # Set on the earlier agreement when a later one upgrades it (same transaction): it is then
    # left out of counts and sums, which stay plain column filters for the dashboard.
    superseded: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The signing-ceremony agenda item it was signed at, when there is one (same summit, kind
    # ``signing_ceremony``: the agreements service checks both).
    ceremony_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True)
    status: Mapped[AgreementStatus] = mapped_column(enum_column(AgreementStatus),
                                                    default=AgreementStatus.SIGNED)
    terminated_reason: Mapped[str] = mapped_column(String(500), default="")
    funds_in_place: Mapped[Decimal] = mapped_column(Yuan(), default=Decimal("0.00"))
    # The latest follow-up entry (or the signing): agreements quiet for long are flagged.
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    summit: Mapped[Summit] = relationship()
    created_by: Mapped[User | None] = relationship()
    ceremony_item: Mapped[AgendaItem | None] = relationship()
    predecessor: Mapped[Agreement | None] = relationship(
        remote_side="Agreement.id", foreign_keys=[predecessor_id], back_populates="successor")
    successor: Mapped[Agreement | None] = relationship(back_populates="predecessor",
                                                       foreign_keys=[predecessor_id],
                                                       uselist=False)
    parties: Mapped[list[AgreementParty]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan",
        order_by="(AgreementParty.side, AgreementParty.position)")
    updates: Mapped[list[AgreementUpdate]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan",
        order_by="(AgreementUpdate.recorded_at, AgreementUpdate.id)")
    attachments: Mapped[list[AgreementAttachment]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan",
        order_by="AgreementAttachment.id")

    def parties_on(self, side: PartySide) -> list[AgreementParty]:
        return [party for party in self.parties if party.side is side]

    @property
    def witness_list(self) -> list[str]:
        return [line.strip() for line in self.witnesses.splitlines() if line.strip()]


class AgreementParty(db.Model):
    __tablename__ = "agreement_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"),
                                              index=True)
    side: Mapped[PartySide] = mapped_column(enum_column(PartySide))
    position: Mapped[int] = mapped_column(default=0)
    organisation: Mapped[str] = mapped_column(String(200))
    signatory_name: Mapped[str] = mapped_column(String(100), default="")
    signatory_title: Mapped[str] = mapped_column(String(100), default="")

    agreement: Mapped[Agreement] = relationship(back_populates="parties")


class AgreementUpdate(db.Model):
    """One entry of an agreement's history. Never updated or deleted: a mistake is corrected by
    a later entry."""

    __tablename__ = "agreement_updates"
    __table_args__ = (
        Index("ix_agreement_updates_agreement", "agreement_id", "recorded_at"),
        # Funds by month for the dashboard, read from this index alone (no join).
        Index("ix_agreement_updates_funds", "summit_id", "kind", "agreement_superseded",
              "happened_month", "funds_change", "agreement_signed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    # Copied from the agreement (the service keeps them in step) so that the dashboard's
    # funds-by-month sum filters and groups this table alone.
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    agreement_signed_at: Mapped[datetime]
    agreement_superseded: Mapped[bool] = mapped_column(default=False, server_default="0")
    kind: Mapped[UpdateKind] = mapped_column(enum_column(UpdateKind))
    # The day it happened (the officer may record it later), and when it was recorded.
    happened_on: Mapped[date]
    # "YYYY-MM" of happened_on: the dashboard sums funds by month without date functions.
    happened_month: Mapped[str] = mapped_column(String(7))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status_from: Mapped[AgreementStatus | None] = mapped_column(enum_column(AgreementStatus))
    status_to: Mapped[AgreementStatus | None] = mapped_column(enum_column(AgreementStatus))
    reason: Mapped[str] = mapped_column(String(500), default="")
    milestone_title: Mapped[str] = mapped_column(String(200), default="")
    milestone_due_on: Mapped[date | None]
    milestone_met_on: Mapped[date | None]
    milestone_state: Mapped[MilestoneState | None] = mapped_column(enum_column(MilestoneState))
    # Cumulative funds in place after this entry, and the change it made (summed by month).
    funds_in_place: Mapped[Decimal | None] = mapped_column(Yuan())
    funds_change: Mapped[Decimal | None] = mapped_column(Yuan())
    note: Mapped[str] = mapped_column(Text, default="")

    agreement: Mapped[Agreement] = relationship(back_populates="updates")
    actor: Mapped[User | None] = relationship()
    attachments: Mapped[list[AgreementAttachment]] = relationship(back_populates="update")


class AgreementAttachment(db.Model):
    """A signed scan (PDF) or a photo, stored by ``services.uploads`` under ``token``."""

    __tablename__ = "agreement_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"),
                                              index=True)
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement_updates.id", ondelete="SET NULL"))
    kind: Mapped[AttachmentKind] = mapped_column(enum_column(AttachmentKind))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="attachments")
    update: Mapped[AgreementUpdate | None] = relationship(back_populates="attachments")
