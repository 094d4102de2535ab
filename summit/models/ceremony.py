"""Protocol: the signing ceremony's run-sheet settings (order of signings, the convention of
the signing table, witnesses per signing) and the host's script (主持词) as last saved."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import enum_column
from summit.extensions import db
from summit.models.protocol import Convention

if TYPE_CHECKING:
    from summit.models.agenda import AgendaItem
    from summit.models.agreement import Agreement


class SigningOrder(enum.Enum):
    AMOUNT = "amount"        # largest amount first
    ORGANISER = "organiser"  # the organiser's own order
    COUNTY = "county"        # grouped by county, largest amount first within each


class SigningCeremony(db.Model):
    """The run-sheet settings of one signing-ceremony agenda item, and its saved script."""

    __tablename__ = "signing_ceremonies"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"),
                                         unique=True)
    order_by: Mapped[SigningOrder] = mapped_column(enum_column(SigningOrder),
                                                   default=SigningOrder.AMOUNT)
    convention: Mapped[Convention] = mapped_column(enum_column(Convention),
                                                   default=Convention.GOVERNMENT)
    # The host's script as the organiser last saved it ("" = never saved: generated afresh),
    # and the leaders it named then (to tell the organiser when attendance has changed).
    script_text: Mapped[str] = mapped_column(Text, default="")
    script_names: Mapped[list[Any]] = mapped_column(JSON, default=list)
    script_saved_at: Mapped[datetime | None]

    item: Mapped[AgendaItem] = relationship()
    signings: Mapped[list[CeremonySigning]] = relationship(
        back_populates="ceremony", cascade="all, delete-orphan")


class CeremonySigning(db.Model):
    """One agreement's place in the organiser's order and its chosen witnesses (precedence
    entry ids; ``None`` = the default, the most senior attending leaders)."""

    __tablename__ = "ceremony_signings"

    id: Mapped[int] = mapped_column(primary_key=True)
    ceremony_id: Mapped[int] = mapped_column(
        ForeignKey("signing_ceremonies.id", ondelete="CASCADE"), index=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"),
                                              unique=True)
    position: Mapped[int] = mapped_column(default=0)
    witness_ids: Mapped[list[Any] | None] = mapped_column(JSON)

    ceremony: Mapped[SigningCeremony] = relationship(back_populates="signings")
    agreement: Mapped[Agreement] = relationship()
