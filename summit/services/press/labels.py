"""The words for press statuses, media types, crew roles and reasons, shown on pages, in
emails and exports, and printed on badges."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l, lazy_pgettext as _p

from summit.models import MediaType, PersonStatus, PressRole, PressStatus, ReasonCode
from summit.services.core import audit_words

P = PressStatus

STATUS_LABELS = {
    P.DRAFT: _l("Draft"), P.SUBMITTED: _l("Submitted"), P.NEEDS_INFO: _l("More information needed"),
    P.APPROVED: _l("Accredited"), P.REJECTED: _l("Rejected"), P.WAITLISTED: _l("Waiting list"),
    P.REVOKED: _l("Revoked"), P.WITHDRAWN: _l("Withdrawn"),
}
MEDIA_LABELS = {MediaType.PRINT: _p("media type", "Print"), MediaType.PHOTO: _l("Photo agency"),
                MediaType.TV: _l("TV"), MediaType.ONLINE: _p("media type", "Online"),
                MediaType.NEW_MEDIA: _l("New media")}
ROLE_LABELS = {PressRole.REPORTER: _l("Reporter"), PressRole.CAMERA: _l("Camera operator"),
               PressRole.SOUND: _l("Sound"), PressRole.TECHNICIAN: _l("Technician"),
               PressRole.PHOTOGRAPHER: _l("Photographer")}
# As printed on badges, whatever the reader's language.
ROLE_WORDS = {PressRole.REPORTER: "记者 Reporter", PressRole.CAMERA: "摄像 Camera",
              PressRole.SOUND: "录音 Sound", PressRole.TECHNICIAN: "技术 Technician",
              PressRole.PHOTOGRAPHER: "摄影 Photographer"}
REASON_LABELS = {
    ReasonCode.INCOMPLETE: _l("Incomplete"), ReasonCode.NOT_NEWS_OUTLET: _l("Not a news outlet"),
    ReasonCode.QUOTA_FULL: _l("Quota full"), ReasonCode.AFTER_DEADLINE: _l("After the deadline"),
    ReasonCode.DUPLICATE: _l("Duplicate"), ReasonCode.OTHER: _l("Other"),
}
PERSON_STATUS_LABELS = {PersonStatus.PENDING: _l("Pending review"),
                        PersonStatus.APPROVED: _l("Accredited"),
                        PersonStatus.REJECTED: _l("Rejected")}
audit_words.name_enums(STATUS_LABELS, MEDIA_LABELS, ROLE_LABELS, REASON_LABELS,
                       PERSON_STATUS_LABELS)
