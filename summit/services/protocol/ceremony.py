"""The signing ceremony's run-sheet (签约仪式流程单): the agreements recorded at a
signing-ceremony item, in the order the organiser picks, each with its two sides at the
signing table and the leaders witnessing it, standing behind.

Sides and seats. The host side (主方) is side A of the agreement (甲方), the guest side (客方)
side B (乙方). The guest takes the seat of honour: under 政务 (left is senior, seen from the
stage facing the audience) the guest signs at the left of the table and the host at the
right; under 国际/商务 (right is senior) it is mirrored. The witnesses stand behind in the
podium's order for the same convention (No. 1 in the centre).

Witnesses. Per signing the organiser may choose leaders from the precedence list; by default
the ``DEFAULT_WITNESSES`` most senior leaders attending the item who are not signing it
themselves. A chosen leader who is absent is left out (the sheet says so); one who sent a
deputy is represented by the deputy.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask import render_template
from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemKind,
    Agreement,
    AgreementParty,
    CeremonySigning,
    Convention,
    PartySide,
    SigningCeremony,
    SigningOrder,
    User,
)
from summit.permissions import Permission, require
from summit.services.core import audit, audit_words, fonts, money
from summit.services.core.errors import Conflict, ValidationFailed
from summit.services.core.pdf import render_document
from summit.services.protocol import precedence
from summit.services.protocol.seating import seat_order

DEFAULT_WITNESSES = 2
MAX_WITNESSES = 8
ORDER_LABELS = {
    SigningOrder.AMOUNT: _l("By amount, largest first"),
    SigningOrder.ORGANISER: _l("In the organiser's own order"),
    SigningOrder.COUNTY: _l("By county (largest county total first)"),
}
audit_words.name_values(ORDER_LABELS)
# The sheet and the script are printed in Chinese whatever the page language.
SIDE_NOTES = {
    Convention.GOVERNMENT: "政务惯例（以左为尊）：自台上面向观众，客方（乙方）签字人居左，"
                           "主方（甲方）签字人居右",
    Convention.INTERNATIONAL: "国际/商务惯例（以右为尊）：自台上面向观众，客方（乙方）签字人居右，"
                              "主方（甲方）签字人居左",
}


@dataclass(frozen=True)
class Signatory:
    organisation: str
    name: str
    title: str


@dataclass
class SigningRow:
    number: int
    agreement: Agreement
    host: list[Signatory]
    guest: list[Signatory]
    # Seen from the stage facing the audience: the side seated at the left end of the table.
    left: str  # "host" or "guest"
    # Witnesses most senior first (the order they are announced in).
    witnesses: list[precedence.Attendee]
    chosen: bool  # the organiser chose the witnesses (else the default)
    convention: Convention = Convention.GOVERNMENT

    @property
    def left_party(self) -> list[Signatory]:
        return self.host if self.left == "host" else self.guest

    @property
    def right_party(self) -> list[Signatory]:
        return self.guest if self.left == "host" else self.host

    @property
    def standing(self) -> list[precedence.Attendee]:
        """The witnesses left to right as seen from the stage, in the podium's order for the
        convention (No. 1 in the centre)."""
        places: list[precedence.Attendee | None] = [None] * len(self.witnesses)
        for rank, place in enumerate(seat_order(len(self.witnesses), self.convention)):
            places[place] = self.witnesses[rank]
        return [w for w in places if w is not None]


@dataclass
class RunSheet:
    item: AgendaItem
    settings: SigningCeremony
    signings: list[SigningRow]
    attendees: list[precedence.Attendee]
    warnings: list[str] = field(default_factory=list)

    @property
    def side_note(self) -> str:
        return SIDE_NOTES[self.settings.convention]


def check_item(item: AgendaItem) -> None:
    if item.kind is not AgendaItemKind.SIGNING_CEREMONY:
        raise Conflict(_l("“%(title)s” is not a signing ceremony.", title=item.title_zh))


def settings_for(item: AgendaItem) -> SigningCeremony:
    """The stored settings, or unsaved defaults (by amount, 政务)."""
    found = db.session.scalar(db.select(SigningCeremony)
                              .where(SigningCeremony.item_id == item.id))
    return found or SigningCeremony(item_id=item.id, order_by=SigningOrder.AMOUNT,
                                    convention=Convention.GOVERNMENT, script_text="",
                                    script_names=[])


def stored(item: AgendaItem) -> SigningCeremony:
    settings = settings_for(item)
    if settings.id is None:
        settings.item = item
        db.session.add(settings)
        db.session.flush()
    return settings


def agreements_at(item: AgendaItem) -> list[Agreement]:
    """The agreements recorded at the item (one later upgraded elsewhere was still signed
    here, so it stays)."""
    return list(db.session.scalars(
        db.select(Agreement).where(Agreement.ceremony_item_id == item.id)
        .options(db.selectinload(Agreement.parties))
        .order_by(Agreement.id)))


def _signings(settings: SigningCeremony) -> dict[int, CeremonySigning]:
    if settings.id is None:
        return {}
    return {s.agreement_id: s for s in settings.signings}


def _ordered(agreements: list[Agreement], settings: SigningCeremony,
             rows: dict[int, CeremonySigning]) -> list[Agreement]:
    by_amount = sorted(agreements, key=lambda a: (-Decimal(a.amount), a.signed_at, a.id))
    if settings.order_by is SigningOrder.ORGANISER:
        # Agreements the organiser has not placed yet come after, largest first.
        unplaced = len(agreements)
        return sorted(by_amount, key=lambda a: rows[a.id].position if a.id in rows
                      else unplaced)
    if settings.order_by is SigningOrder.COUNTY:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for agreement in agreements:
            totals[agreement.county] += Decimal(agreement.amount)
        return sorted(by_amount, key=lambda a: (-totals[a.county], a.county))
    return by_amount


def _party(parties: list[AgreementParty], side: PartySide) -> list[Signatory]:
    return [Signatory(p.organisation, p.signatory_name, p.signatory_title)
            for p in sorted(parties, key=lambda p: (p.position, p.id or 0)) if p.side is side]


def compute(item: AgendaItem) -> RunSheet:
    """The run-sheet as it stands now. Nothing is written. A handful of queries whatever the
    number of signings."""
    check_item(item)
    settings = settings_for(item)
    attendees = precedence.attendees(item.summit, item)
    by_entry = {a.entry.id: a for a in attendees}
    marks = precedence.attendance_map(item)
    rows = _signings(settings)
    agreements = _ordered(agreements_at(item), settings, rows)
    sheet = RunSheet(item, settings, [], attendees)
    for number, agreement in enumerate(agreements, start=1):
        host = _party(agreement.parties, PartySide.A)
        guest = _party(agreement.parties, PartySide.B)
        signing_names = {s.name for s in host + guest if s.name}
        row = rows.get(agreement.id)
        chosen = row is not None and row.witness_ids is not None
        if chosen:
            witnesses = []
            for entry_id in row.witness_ids:
                attendee = by_entry.get(entry_id)
                if attendee is not None:
                    witnesses.append(attendee)
                elif entry_id in marks:
                    sheet.warnings.append(str(_l(
                        "Signing %(number)s: the witness %(name)s is absent and is left out.",
                        number=number, name=marks[entry_id].entry.name)))
        else:
            witnesses = [a for a in attendees if a.name not in signing_names
                         and a.entry.name not in signing_names][:DEFAULT_WITNESSES]
        signing = SigningRow(number, agreement, host, guest,
                             "guest" if settings.convention is Convention.GOVERNMENT
                             else "host", witnesses, chosen, settings.convention)
        sheet.signings.append(signing)
    if not sheet.signings:
        sheet.warnings.append(str(_l(
            "No agreements are recorded at this signing ceremony yet: record them in the "
            "agreements area and choose this ceremony.")))
    return sheet


def configure(actor: User, item: AgendaItem, order_by: SigningOrder,
              convention: Convention) -> SigningCeremony:
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    check_item(item)
    settings = stored(item)
    before = {"order_by": settings.order_by.value, "convention": settings.convention.value}
    settings.order_by, settings.convention = order_by, convention
    audit.record(actor, "ceremony.configure", settings, summit=item.summit, before=before,
                 after={"order_by": order_by.value, "convention": convention.value})
    db.session.commit()
    return settings


def _row(settings: SigningCeremony, agreement_id: int) -> CeremonySigning:
    row = _signings(settings).get(agreement_id)
    if row is None:
        row = CeremonySigning(agreement_id=agreement_id, position=0)
        settings.signings.append(row)
    return row


def reorder(actor: User, item: AgendaItem, agreement_ids: list[int]) -> None:
    """The organiser's order: every agreement of the ceremony, each once. Switches the
    ceremony to the organiser's order."""
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    check_item(item)
    present = {a.id for a in agreements_at(item)}
    if len(agreement_ids) != len(set(agreement_ids)) or set(agreement_ids) != present:
        raise Conflict(_l("The agreements at this ceremony changed meanwhile; reload the page "
                          "and try again."))
    settings = stored(item)
    before = [a.agreement.id for a in compute(item).signings]
    for position, agreement_id in enumerate(agreement_ids, start=1):
        _row(settings, agreement_id).position = position
    settings.order_by = SigningOrder.ORGANISER
    audit.record(actor, "ceremony.reorder", settings, summit=item.summit,
                 before={"order": before}, after={"order": list(agreement_ids)})
    db.session.commit()


def move(actor: User, item: AgendaItem, agreement_id: int, step: int) -> None:
    """Move one signing up (-1) or down (+1) in the order shown now."""
    order = [s.agreement.id for s in compute(item).signings]
    if agreement_id not in order:
        raise ValidationFailed(_l("That agreement is not at this ceremony."), "agreement_id")
    index = order.index(agreement_id)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(order):
        raise Conflict(_l("This signing is already at the edge of the order."))
    order[index], order[other] = order[other], order[index]
    reorder(actor, item, order)


def set_witnesses(actor: User, item: AgendaItem, agreement_id: int,
                  entry_ids: list[int] | None) -> None:
    """Choose the witnesses of one signing (most senior first is not required: they stand in
    precedence order); ``None`` goes back to the default."""
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    check_item(item)
    if agreement_id not in {a.id for a in agreements_at(item)}:
        raise ValidationFailed(_l("That agreement is not at this ceremony."), "agreement_id")
    if entry_ids is not None:
        if len(entry_ids) != len(set(entry_ids)):
            raise ValidationFailed(_l("A leader is chosen twice."), "witnesses")
        if len(entry_ids) > MAX_WITNESSES:
            raise ValidationFailed(_l("At most %(count)s witnesses per signing.",
                                      count=MAX_WITNESSES), "witnesses")
        known = {e.id: e for e in precedence.ordered(item.summit)}
        if any(entry_id not in known for entry_id in entry_ids):
            raise ValidationFailed(_l("That leader is not on this summit's precedence list."),
                                   "witnesses")
        # Keep them in precedence order whatever order they were ticked in.
        rank = {entry_id: index for index, entry_id in enumerate(known)}
        entry_ids = sorted(entry_ids, key=rank.__getitem__)
    settings = stored(item)
    row = _row(settings, agreement_id)
    before = row.witness_ids
    row.witness_ids = entry_ids
    db.session.flush()
    audit.record(actor, "ceremony.witnesses", row, summit=item.summit,
                 before={"witnesses": before}, after={"witnesses": entry_ids,
                                                      "agreement_id": agreement_id})
    db.session.commit()


RUN_SHEET_CSS = """
@page { size: A4; margin: 14mm 12mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #777; } }
html { font-family: %(family)s; font-size: 9.5pt; color: #1d2433; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 1mm; }
.sub, .note { text-align: center; color: #555; margin: 0 0 2mm; }
.note { font-size: 8.5pt; }
.warn { color: #b42318; margin: 0 0 3mm; }
table.order { width: 100%%; border-collapse: collapse; margin: 3mm 0 6mm; table-layout: fixed; }
table.order th, table.order td { border: 0.5pt solid #888; padding: 1.2mm 1.5mm;
  vertical-align: top; text-align: left; }
table.order th { background: #eef1f6; font-size: 8.5pt; }
td.n, th.n { width: 8mm; text-align: center; }
td.amt, th.amt { width: 22mm; text-align: right; white-space: nowrap; }
th.side { width: 38mm; }
th.wit { width: 30mm; }
small { display: block; font-size: 7.5pt; color: #666; }
section.signing { page-break-inside: avoid; margin: 0 0 4mm; }
h2 { font-size: 11pt; margin: 0 0 1.5mm; }
table.stage { border-collapse: collapse; width: 150mm; margin: 0 auto; table-layout: fixed; }
table.stage th { width: 26mm; font-size: 8pt; color: #555; text-align: right;
  padding-right: 2mm; font-weight: normal; }
table.stage td { text-align: center; padding: 1.2mm; }
td.witnesses span { display: inline-block; border: 0.5pt dashed #888; padding: 1mm 3mm;
  margin: 0 1.5mm; }
td.seat { border: 0.8pt solid #333; width: 62mm; }
td.seat strong { display: block; font-size: 12pt; }
td.audience { color: #777; letter-spacing: 4pt; font-size: 8pt; }
.muted { color: #888; }
"""


def run_sheet_pdf(sheet: RunSheet) -> bytes:
    """The stage manager's run-sheet: A4 portrait, the order table and one diagram per
    signing as seen from the audience, in Chinese."""
    html = render_template("protocol/print/run_sheet.html", item=sheet.item, sheet=sheet,
                           amount=money.format_amount)
    return render_document(html, RUN_SHEET_CSS % {"family": fonts.family_css()})
