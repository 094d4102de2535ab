"""The security desk's list of accredited press (people, then equipment and vehicles), and the
decision history officers read on an application."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l, lazy_pgettext as _p

from summit.extensions import db
from summit.i18n import language
from summit.models import AuditEntry, PersonStatus, PressApplication, PressStatus, Summit, User
from summit.permissions import Permission, require
from summit.services.core import exports
from summit.services.core.validation import mask_id
from summit.services.press import labels as press_labels

PEOPLE_COLUMNS = (_l("Outlet"), _l("Media type"), _l("Region"), _l("Name as on ID"),
                  _l("Name in native script (e.g. Tibetan)"), _l("Name in pinyin"), _l("Role"),
                  _l("Zones"), _l("National press card number"), _l("Vehicle plate"),
                  _l("Application"))
EQUIPMENT_COLUMNS = (_l("Outlet"), _p("equipment", "Item"), _l("Serial number"),
                     _l("Vehicle plate"), _l("Application"))


def accredited(summit: Summit) -> list[PressApplication]:
    return list(db.session.scalars(
        db.select(PressApplication).where(PressApplication.summit_id == summit.id,
                                          PressApplication.status == PressStatus.APPROVED)
        .options(db.selectinload(PressApplication.people),
                 db.selectinload(PressApplication.equipment),
                 db.selectinload(PressApplication.approved_zones))
        .order_by(PressApplication.outlet_key, PressApplication.id)))


def accredited_xlsx(actor: User, summit: Summit) -> bytes:
    require(actor, Permission.PRESS_REVIEW, summit)
    book = exports.Book()
    people = book.sheet(_l("Accredited press"), PEOPLE_COLUMNS)
    equipment = book.sheet(_l("Equipment"), EQUIPMENT_COLUMNS)
    for application in accredited(summit):
        zones = " ".join(z.label(language()) for z in application.approved_zones)
        for person in application.people:
            if person.status is not PersonStatus.APPROVED:
                continue
            media = str(press_labels.MEDIA_LABELS[application.media_type])
            people.append([application.outlet_name, media,
                           application.region, person.name, person.name_native,
                           person.name_pinyin, str(press_labels.ROLE_LABELS[person.role]), zones,
                           mask_id(application.press_card_number) if person.position == 0
                           else "", application.vehicle_plate, application.id])
        for item in application.equipment:
            equipment.append([application.outlet_name, item.item, item.serial_number,
                              application.vehicle_plate, application.id])
    return book.save()


def history(application: PressApplication) -> list[AuditEntry]:
    """The application's audit entries, oldest first (officers only: notes are in them)."""
    return list(db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.object_type == "press_applications",
                                    AuditEntry.object_id == str(application.id))
        .options(db.joinedload(AuditEntry.actor)).order_by(AuditEntry.at, AuditEntry.id)))
