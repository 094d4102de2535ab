"""Every model, importable from one place: ``from summit.models import Summit``."""
from summit.models.agenda import (
    HOLDS_SEAT,
    LIVE_BOOKINGS,
    AgendaItem,
    AgendaItemKind,
    AgendaItemStatus,
    AgendaParticipant,
    AgendaVersion,
    BookingStatus,
    ParticipantRole,
    Room,
    SeatBooking,
)
from summit.models.agreement import (
    Agreement,
    AgreementAttachment,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementUpdate,
    AmountKind,
    AttachmentKind,
    MilestoneState,
    PartySide,
    UpdateKind,
)
from summit.models.audit import AuditEntry
from summit.models.badge import Badge, BadgeJob, BadgeSelection, BadgeSize, BadgeTemplate, JobStatus
from summit.models.banquet import (
    Banquet,
    BanquetTable,
    CardJob,
    CardPrint,
    CardScope,
    CardSize,
    TablePlacement,
)
from summit.models.ceremony import CeremonySigning, SigningCeremony, SigningOrder
from summit.models.checkin import Arrival, CheckIn, Gate, SalonAttendance
from summit.models.data_version import SummitDataVersion
from summit.models.desk import Printer, PrinterPool, PrintJob, PrintReason, PrintStatus
from summit.models.membership import Membership, Role
from summit.models.press import (
    MediaType,
    PersonStatus,
    PressApplication,
    PressEquipment,
    PressPerson,
    PressQuota,
    PressRelease,
    PressRole,
    PressStatus,
    QuotaKind,
    ReasonCode,
)
from summit.models.privacy import (
    DataKeyCheck,
    DataRequest,
    PrivacyNotice,
    RequestKind,
    RequestStatus,
    SentEmail,
)
from summit.models.protocol import (
    Attendance,
    Convention,
    ItemAttendance,
    Podium,
    PrecedenceEntry,
    Rank,
    SeatPlacement,
)
from summit.models.reception import (
    Hotel,
    HotelRoom,
    MealKind,
    MealScan,
    MealSession,
    PassengerStatus,
    RoomAssignment,
    RoomBlock,
    Transfer,
    TransferPassenger,
    TravelMode,
    Trip,
    TripDirection,
    Vehicle,
    VehicleKind,
)
from summit.models.registration import (
    HOLDS_PLACE,
    Diet,
    IdDocumentType,
    Invitation,
    Registration,
    RegistrationStatus,
)
from summit.models.storage import SigningKey, StoredFile, StoredFileChunk
from summit.models.summit import (
    AttendeeCategory,
    Delegation,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    Summit,
    SummitOrganisation,
    Zone,
    category_zones,
)
from summit.models.user import ApiToken, Login, LoginThrottle, TokenScope, User

__all__ = [
    "HOLDS_SEAT", "LIVE_BOOKINGS", "AgendaItem", "AgendaItemKind", "AgendaItemStatus",
    "AgendaParticipant", "AgendaVersion", "BookingStatus", "ParticipantRole", "Room", "SeatBooking",
    "Arrival", "CheckIn", "Gate", "SalonAttendance",
    "CeremonySigning", "SigningCeremony", "SigningOrder",
    "Agreement", "AgreementAttachment", "AgreementKind", "AgreementParty", "AgreementStatus",
    "AgreementUpdate", "AmountKind", "AttachmentKind", "MilestoneState", "PartySide",
    "UpdateKind",
    "Badge", "BadgeJob", "BadgeSelection", "BadgeSize", "BadgeTemplate", "JobStatus",
    "Printer", "PrinterPool", "PrintJob", "PrintReason", "PrintStatus",
    "MediaType", "PersonStatus", "PressApplication", "PressEquipment", "PressPerson",
    "PressQuota", "PressRelease", "PressRole", "PressStatus", "QuotaKind", "ReasonCode",
    "HOLDS_PLACE", "Diet", "IdDocumentType", "Invitation", "Registration", "RegistrationStatus",
    "ApiToken", "AttendeeCategory", "AuditEntry", "Delegation", "Login", "LoginThrottle",
    "Membership", "Organisation", "OrganisationKind", "OrganisationRole", "Role", "Summit",
    "SummitDataVersion", "SummitOrganisation", "TokenScope", "User", "Zone", "category_zones",
    "SigningKey", "StoredFile", "StoredFileChunk",
    "MealKind", "MealScan", "MealSession", "PassengerStatus", "Transfer", "TransferPassenger",
    "TravelMode", "Trip", "TripDirection", "Vehicle", "VehicleKind", "Hotel", "HotelRoom",
    "RoomAssignment", "RoomBlock",
    "DataKeyCheck", "DataRequest", "PrivacyNotice", "RequestKind", "RequestStatus", "SentEmail",
    "Banquet", "BanquetTable", "CardJob", "CardPrint", "CardScope", "CardSize",
    "TablePlacement",
    "Attendance", "Convention", "ItemAttendance", "Podium", "PrecedenceEntry", "Rank",
    "SeatPlacement",
]
