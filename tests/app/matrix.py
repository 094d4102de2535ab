"""The role × URL matrix's table (tried by test_permission_matrix.py): the roles, the
objects the URLs point at (``build_world``), and ``ROUTES``, each (endpoint, method) of
``app.url_map`` with the roles allowed to use it. The agreements, salon-seat and programme rows
live with their own objects in matrix_agreements.py, matrix_bookings.py and matrix_agenda.py.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Badge,
    BadgeJob,
    BadgeSelection,
    BadgeSize,
    Delegation,
    Gate,
    JobStatus,
    Membership,
    PressApplication,
    PressRelease,
    Printer,
    PrinterPool,
    PrintJob,
    PrintStatus,
    Registration,
    RegistrationStatus,
    Role,
    Summit,
    User,
    Zone,
)
from summit.services.accounts import tokens as api_tokens, users as accounts
from summit.services.badges import batches as badge_batches
from summit.services.core import uploads
from summit.services.press import badges as press_badges, review as press_review, room as press_room
from tests.app import (
    matrix_agreements,
    matrix_banquet,
    matrix_ceremony,
    matrix_privacy,
    matrix_protocol,
)
from tests.app.matrix_agenda import agenda_routes
from tests.app.matrix_bookings import item_id as seat_item, seats
from tests.app.matrix_reception import routes as reception_routes
from tests.support import factories, press_factories

# --- roles --------------------------------------------------------------------------------

ANONYMOUS = None
ROLES: list[str | None] = [ANONYMOUS, "user", *(role.value for role in Role), "admin"]
EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {ANONYMOUS}
ADMIN = frozenset({"admin"})
# Organisers hold every summit-level permission these routes check (summit.edit,
# roles.manage, audit.read, registrations.manage); admins hold all.
ORGANISER = frozenset({Role.ORGANISER.value, "admin"})
# Scanning at the gates: check-in staff, and organisers who hold every summit permission.
CHECKIN = frozenset({Role.CHECKIN_STAFF.value, Role.ORGANISER.value, "admin"})
# The printing desk: desk staff, and organisers who hold every summit permission.
DESK = frozenset({Role.DESK_STAFF.value, Role.ORGANISER.value, "admin"})
# The arrivals board: organisers and officials.
ATTENDANCE = frozenset({Role.OFFICIAL.value, Role.ORGANISER.value, "admin"})
# press.review: media officers, and organisers who hold every summit permission.
PRESS_REVIEW = frozenset({Role.MEDIA_OFFICER.value, Role.ORGANISER.value, "admin"})
# The console: organisers and every staff role (not delegates, registrars or press).
CONSOLE = frozenset({Role.ORGANISER.value, Role.MEDIA_OFFICER.value,
                     Role.AGREEMENTS_OFFICER.value, Role.OFFICIAL.value,
                     Role.CHECKIN_STAFF.value, "admin"})
# summit.create is global: an organiser of any summit may start another.
SUMMIT_CREATORS = ORGANISER


# --- the objects the URLs point at --------------------------------------------------------

@dataclass
class World:
    summit: Summit
    zone: Zone
    zone_to_delete: Zone
    category: AttendeeCategory
    category_to_delete: AttendeeCategory
    membership_to_revoke: Membership
    target: User  # an account that admins act on and that roles are granted to
    reset_token: str
    delegation: Delegation
    # one pending registration per use, so that deciding one does not change another
    registrations: dict[str, Registration]
    # one approved registration per badge use (the "restore" one's badge is revoked)
    approved: dict[str, Registration]
    finished_job: BadgeJob  # a batch that is done, with its PDF stored
    failed_job: BadgeJob  # a batch that failed, so it may run again
    user: User | None = None  # who is logged in, once the test has logged in
    # media accreditation: one application per use (see build_press), a release with a file
    press: dict[str, PressApplication] = field(default_factory=dict)
    release: PressRelease | None = None

    @property
    def registration(self) -> Registration:
        return self.registrations["view"]

    def import_token(self) -> str:
        """A checked import file, stored for the logged-in user as the upload form does."""
        owner = self.user or self.target
        return uploads.store("imports", IMPORT_CSV, {
            "user_id": owner.id, "summit_id": self.summit.id, "delegation_id": None})


IMPORT_CSV = ("name,organisation_name,position,category,email,phone\r\n"
              "多吉,理塘县商务局,科员,delegate,duoji@example.com,13700000000\r\n").encode()


def _registration(summit: Summit, category: AttendeeCategory, name: str, email: str,
                  status: RegistrationStatus = RegistrationStatus.PENDING,
                  delegation: Delegation | None = None) -> Registration:
    registration = Registration(summit=summit, category=category, name=name, email=email,
                                organisation_name="康定市商务局", position="科员",
                                phone="13800000000", status=status, delegation=delegation)
    db.session.add(registration)
    return registration


BATCH_PDF = b"%PDF-1.7\n% a stored batch\n%%EOF\n"


def _batch_job(summit: Summit, status: JobStatus, badge_ids: list[int]) -> BadgeJob:
    job = BadgeJob(key=f"matrix-{status.value}", summit=summit,
                   selection=BadgeSelection.ALL_APPROVED, size=BadgeSize.A6,
                   badge_ids=badge_ids, total=len(badge_ids), status=status,
                   created_at=utcnow(), started_at=utcnow(), finished_at=utcnow())
    if status is JobStatus.DONE:
        job.done = job.total
        job.file_token = uploads.store(badge_batches.UPLOAD_KIND, BATCH_PDF, {"job": None})
        job.file_size = len(BATCH_PDF)
        job.marked_printed = True
    else:
        job.error = "Printing failed: a test failure"
    db.session.add(job)
    return job


def build_world(summit: Summit) -> World:
    zone = factories.make_zone(summit, "MAIN", "主会场")
    zone_to_delete = factories.make_zone(summit, "SALON", "沙龙")
    category = factories.make_category(summit, "delegate", "代表", zones=[zone])
    category_to_delete = factories.make_category(summit, "guest", "嘉宾")
    target = factories.make_user("target@example.com", name="目标用户")
    member = factories.make_user("member@example.com", name="成员")
    membership = factories.grant(member, summit, Role.CHECKIN_STAFF)
    delegation = Delegation(summit=summit, name="康定市代表团", county="康定市", quota=10)
    db.session.add(delegation)
    registrations = {
        use: _registration(summit, category, name, f"{use}@example.com")
        for use, name in (("view", "李明"), ("approve", "王芳"), ("reject", "张伟"),
                          ("cancel", "刘洋"), ("api-approve", "陈静"), ("api-reject", "杨勇"))}
    approved = {
        use: _registration(summit, category, name, f"badge-{use}@example.com",
                           RegistrationStatus.APPROVED,
                           delegation if use == "batch" else None)
        for use, name in (("download", "孙丽"), ("api-download", "周杰"), ("reissue", "吴敏"),
                          ("revoke", "郑强"), ("restore", "冯雪"), ("batch", "蒋涛"))}
    db.session.flush()
    revoked = Badge(summit=summit, registration=approved["restore"], ref="00000000000000aa",
                    revoked_at=utcnow(), revoked_reason="证件遗失")
    printed = Badge(summit=summit, registration=approved["batch"], ref="00000000000000bb")
    db.session.add_all([revoked, printed])
    db.session.flush()
    finished_job = _batch_job(summit, JobStatus.DONE, [printed.id])
    failed_job = _batch_job(summit, JobStatus.FAILED, [])
    db.session.commit()
    world = World(summit=summit, zone=zone, zone_to_delete=zone_to_delete, category=category,
                  category_to_delete=category_to_delete, membership_to_revoke=membership,
                  target=target, reset_token=accounts.reset_token(target),
                  delegation=delegation, registrations=registrations, approved=approved,
                  finished_job=finished_job, failed_job=failed_job)
    build_press(world)
    return world


def build_press(world: World) -> None:
    """Applications by press accounts of their own (nobody in the walk is their applicant):
    submitted ones to view, decide and withdraw; ones waiting for more information to edit;
    approved ones for badges. Press badges print with the delegate category here."""
    summit = world.summit
    summit.press_enabled, summit.press_category_code = True, "delegate"
    db.session.commit()
    officer = factories.make_user("matrix-officer@example.com", admin=True)
    for use in ("view", "edit", "api-edit", "withdraw", "decide", "api-decide", "badge",
                "api-badge"):
        application = press_factories.submitted(
            summit, press_factories.applicant(summit, f"press-{use}@example.com"),
            zones=("MAIN",), crew=1)
        if use.endswith("edit"):
            press_review.decide(officer, application, press_review.Decision(
                "needs_info", message="请补充派遣函"))
        if use.endswith("badge"):
            press_review.decide(officer, application, press_review.Decision("approve"))
        world.press[use] = application
    press_review.set_quota(officer, summit, "outlet", "新华社", 3)
    world.release = press_room.publish(officer, summit, "融合共享 創新發展", "本網訊……", files=[
        press_room.store_file("file", press_factories.letter_pdf(), "通稿.pdf", "attachments")])


def P(w: World, use: str) -> str:  # an application's base path
    return f"/press-applications/{w.press[use].id}"


def press_upload(w: World) -> dict:
    return {"kind": "photo", "file": (io.BytesIO(press_factories.photo_jpeg()), "me.jpg")}


def summit_details(slug: str, title: str) -> dict[str, str]:
    return {"slug": slug, "title_zh": title, "title_en": "Matrix Summit",
            "theme_zh": "融合共享", "city": "康定", "venue": "会议中心",
            "starts_on": "2027-08-03", "ends_on": "2027-08-04", "timezone": "Asia/Shanghai",
            "hosts": "四川省商务厅", "organisers": "甘孜州人民政府", "supporters": ""}


# --- the table ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: Callable[[World], str]
    allowed: frozenset
    data: Callable[[World], dict] | None = None  # form fields, or the JSON body for the API
    logs_out: bool = False
    multipart: bool = False  # an API upload: the data go as multipart/form-data, not JSON

    @property
    def is_api(self) -> bool:
        return self.endpoint.startswith("api.")

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"


def spare_token(w: World) -> int:
    """The id of a new API token of the walking user (any id for anonymous visitors), so that
    revoking it leaves the walk's own token working."""
    user = getattr(w, "user", None)
    return api_tokens.issue_token_for(user)[1].id if user is not None else 1


def _desk(w: World) -> PrinterPool:
    """A desk without printers (a print there is refused, so the walk sends nothing)."""
    found = getattr(w, "desk", None)
    if found is None:
        found = w.desk = PrinterPool(summit=w.summit, name="报到处 A",
                                     walk_in_category_ids=[w.category.id])
        db.session.add(found)
        db.session.commit()
    return found


def _printing_desk(w: World) -> PrinterPool:
    """A desk whose printer is off (nothing listens on port 9): a print is queued, then fails
    in the background."""
    pool = PrinterPool(summit=w.summit, name="报到处 P")
    db.session.add(pool)
    db.session.add(Printer(summit=w.summit, pool=pool, name="P", uri="ipp://127.0.0.1:9/p"))
    db.session.commit()
    return pool


def _printer(w: World) -> Printer:
    printer = Printer(summit=w.summit, pool=_desk(w), name="P", uri="ipp://127.0.0.1:9/p")
    db.session.add(printer)
    db.session.commit()
    return printer


_substitutables = iter(range(1, 1_000_000))


def _substitutable(w: World) -> Registration:
    """A registration of its own, so that substituting it changes no other row's object."""
    registration = _registration(w.summit, w.category, "钱七",
                                 f"sub-{next(_substitutables)}@example.com",
                                 RegistrationStatus.APPROVED)
    db.session.commit()
    return registration


def _print_job(w: World) -> PrintJob:
    """A failed print job (so it may be sent again)."""
    found = getattr(w, "print_job", None)
    if found is None:
        badge = w.approved["batch"]
        found = w.print_job = PrintJob(
            key="matrix-print", summit=w.summit, registration=badge,
            badge=db.session.scalar(db.select(Badge).where(Badge.registration_id == badge.id)),
            pool=_desk(w), status=PrintStatus.FAILED, error="unreachable")
        db.session.add(found)
        db.session.commit()
    return found


def S(w: World) -> str:  # reads as the summit's base path in the table
    return f"/summits/{w.summit.slug}"


def B(w: World, job: BadgeJob) -> str:  # a print batch's base path
    return f"{S(w)}/badges/batches/{job.key}"


TEMPLATE_VALUES = {"band_colour": "#c0392b", "text_colour": "#ffffff", "title_zh": "正式代表",
                   "title_en": "Delegate", "footer": "", "html": "", "css": "",
                   "sample": "zh_hans", "size": "a6"}


_gates = iter(range(1, 1_000_000))


def _gate(w: World):
    """A gate of its own for each removal."""
    gate = Gate(summit_id=w.summit.id, name=f"临时门 {next(_gates)}")
    db.session.add(gate)
    db.session.commit()
    return gate


def _press_badge_id(w: World) -> int:
    """The badge of an accredited press applicant (with a photo)."""
    badge = press_badges.ensure_badge(w.press["badge"].people[0])
    db.session.commit()
    return badge.id


ROUTES: list[Route] = [
    # main
    Route("main.index", "GET", lambda w: "/", EVERYONE),
    Route("main.favicon", "GET", lambda w: "/favicon.ico", EVERYONE),
    Route("main.set_language", "POST", lambda w: "/language", EVERYONE,
          data=lambda w: {"lang": "en", "next": "/"}),
    # auth: public forms (empty POSTs only re-render them)
    Route("auth.signup", "GET", lambda w: "/auth/signup", EVERYONE),
    Route("auth.signup", "POST", lambda w: "/auth/signup", EVERYONE, data=lambda w: {}),
    Route("auth.login", "GET", lambda w: "/auth/login", EVERYONE),
    Route("auth.login", "POST", lambda w: "/auth/login", EVERYONE, data=lambda w: {}),
    Route("auth.logout", "POST", lambda w: "/auth/logout", EVERYONE, logs_out=True),
    Route("auth.verify_email", "GET", lambda w: "/auth/verify/not-a-valid-token", EVERYONE),
    Route("auth.resend_verification", "GET", lambda w: "/auth/verify", EVERYONE),
    Route("auth.resend_verification", "POST", lambda w: "/auth/verify", EVERYONE,
          data=lambda w: {}),
    Route("auth.forgot_password", "GET", lambda w: "/auth/forgot", EVERYONE),
    Route("auth.forgot_password", "POST", lambda w: "/auth/forgot", EVERYONE,
          data=lambda w: {}),
    Route("auth.reset_password", "GET", lambda w: f"/auth/reset/{w.reset_token}", EVERYONE),
    Route("auth.reset_password", "POST", lambda w: f"/auth/reset/{w.reset_token}", EVERYONE,
          data=lambda w: {}),
    Route("auth.account", "GET", lambda w: "/auth/account", LOGGED_IN),
    Route("auth.account", "POST", lambda w: "/auth/account", LOGGED_IN, data=lambda w: {}),
    Route("auth.logout_everywhere", "POST", lambda w: "/auth/logout-everywhere", LOGGED_IN,
          logs_out=True),
    Route("auth.tokens", "GET", lambda w: "/auth/tokens", LOGGED_IN),
    Route("auth.revoke_token", "POST", lambda w: f"/auth/tokens/{spare_token(w)}/revoke",
          LOGGED_IN),
    # summits
    Route("summits.detail", "GET", S, EVERYONE),
    Route("summits.create", "GET", lambda w: "/summits/new", SUMMIT_CREATORS),
    Route("summits.create", "POST", lambda w: "/summits/new", SUMMIT_CREATORS,
          data=lambda w: summit_details("matrix-new", "新峰会")),
    Route("summits.edit", "GET", lambda w: f"{S(w)}/edit", ORGANISER),
    Route("summits.edit", "POST", lambda w: f"{S(w)}/edit", ORGANISER,
          data=lambda w: summit_details(w.summit.slug, "改过的峰会") | {
              "press_enabled": "y", "press_category_code": "delegate"}),
    Route("summits.categories", "GET", lambda w: f"{S(w)}/categories", ORGANISER),
    Route("summits.categories", "POST", lambda w: f"{S(w)}/categories", ORGANISER,
          data=lambda w: {"submit": "1", "code": "press", "label_zh": "媒体",
                          "colour": "#aa3300", "zones": "MAIN"}),
    Route("summits.edit_category", "GET",
          lambda w: f"{S(w)}/categories/{w.category.id}/edit", ORGANISER),
    Route("summits.edit_category", "POST",
          lambda w: f"{S(w)}/categories/{w.category.id}/edit", ORGANISER,
          data=lambda w: {"code": "delegate", "label_zh": "正式代表", "colour": "#1f5fbf",
                          "public": "y", "zones": "MAIN"}),
    Route("summits.delete_category", "POST",
          lambda w: f"{S(w)}/categories/{w.category_to_delete.id}/delete", ORGANISER),
    Route("summits.add_zone", "POST", lambda w: f"{S(w)}/zones", ORGANISER,
          data=lambda w: {"zone-code": "VIP", "zone-label_zh": "贵宾区"}),
    Route("summits.delete_zone", "POST",
          lambda w: f"{S(w)}/zones/{w.zone_to_delete.id}/delete", ORGANISER),
    Route("summits.people", "GET", lambda w: f"{S(w)}/people", ORGANISER),
    Route("summits.people", "POST", lambda w: f"{S(w)}/people", ORGANISER,
          data=lambda w: {"email": w.target.email, "role": "official"}),
    Route("summits.revoke_role", "POST",
          lambda w: f"{S(w)}/people/{w.membership_to_revoke.id}/revoke", ORGANISER),
    Route("summits.audit_log", "GET", lambda w: f"{S(w)}/audit", ORGANISER),
    # registrations
    Route("registrations.register", "GET", lambda w: f"{S(w)}/register", EVERYONE),
    Route("registrations.register", "POST", lambda w: f"{S(w)}/register", EVERYONE,
          data=lambda w: {}),
    Route("registrations.thanks", "GET", lambda w: f"{S(w)}/register/thanks", EVERYONE),
    Route("registrations.mine", "GET", lambda w: "/registrations/mine", LOGGED_IN),
    Route("registrations.detail", "GET",
          lambda w: f"/registrations/{w.registration.id}", ORGANISER),
    Route("registrations.edit", "GET",
          lambda w: f"/registrations/{w.registration.id}/edit", ORGANISER),
    Route("registrations.edit", "POST",
          lambda w: f"/registrations/{w.registration.id}/edit", ORGANISER, data=lambda w: {}),
    Route("registrations.cancel", "POST",
          lambda w: f"/registrations/{w.registrations['cancel'].id}/cancel", ORGANISER),
    Route("registrations.approve", "POST",
          lambda w: f"/registrations/{w.registrations['approve'].id}/approve", ORGANISER),
    Route("registrations.reject", "POST",
          lambda w: f"/registrations/{w.registrations['reject'].id}/reject", ORGANISER,
          data=lambda w: {"reason": "名额已满"}),
    Route("registrations.moderate", "GET", lambda w: f"{S(w)}/registrations", ORGANISER),
    Route("registrations.bulk", "POST", lambda w: f"{S(w)}/registrations/bulk", ORGANISER,
          data=lambda w: {"decision": "approve"}),
    Route("registrations.delegation_list", "GET", lambda w: f"{S(w)}/delegations", ORGANISER),
    Route("registrations.delegation_list", "POST", lambda w: f"{S(w)}/delegations",
          ORGANISER, data=lambda w: {}),
    Route("registrations.delegation", "GET",
          lambda w: f"/delegations/{w.delegation.id}", ORGANISER),
    Route("registrations.delegation", "POST",
          lambda w: f"/delegations/{w.delegation.id}", ORGANISER, data=lambda w: {}),
    Route("registrations.invitation_list", "GET", lambda w: f"{S(w)}/invitations", ORGANISER),
    Route("registrations.invitation_list", "POST", lambda w: f"{S(w)}/invitations",
          ORGANISER, data=lambda w: {}),
    Route("registrations.export", "GET", lambda w: f"{S(w)}/registrations/export.csv",
          ORGANISER),
    Route("registrations.logistics", "GET", lambda w: f"{S(w)}/registrations/logistics.xlsx",
          ORGANISER),
    Route("registrations.import_template", "GET", lambda w: f"{S(w)}/import/template.xlsx",
          ORGANISER),
    Route("registrations.import_upload", "GET", lambda w: f"{S(w)}/import", ORGANISER),
    Route("registrations.import_upload", "POST", lambda w: f"{S(w)}/import", ORGANISER,
          data=lambda w: {}),
    Route("registrations.import_errors", "GET",
          lambda w: f"{S(w)}/import/{w.import_token()}/errors.xlsx", ORGANISER),
    Route("registrations.import_confirm", "POST", lambda w: f"{S(w)}/import/confirm",
          ORGANISER, data=lambda w: {"token": w.import_token()}),
    # badges: a person's badge is for staff and its holder (the holder is nobody in this walk,
    # as for registrations.detail); the rest needs badges.manage
    Route("badges.download", "GET",
          lambda w: f"/registrations/{w.approved['download'].id}/badge.pdf", ORGANISER),
    Route("badges.entry", "GET",
          lambda w: f"/registrations/{w.approved['download'].id}/entry", ORGANISER),
    Route("badges.entry_worker", "GET",
          lambda w: f"/registrations/{w.approved['download'].id}/entry-sw.js", EVERYONE),
    Route("badges.reissue", "POST",
          lambda w: f"/registrations/{w.approved['reissue'].id}/badge/reissue", ORGANISER),
    Route("badges.revoke", "POST",
          lambda w: f"/registrations/{w.approved['revoke'].id}/badge/revoke", ORGANISER,
          data=lambda w: {"reason": "证件遗失"}),
    Route("badges.restore", "POST",
          lambda w: f"/registrations/{w.approved['restore'].id}/badge/restore", ORGANISER),
    Route("badges.index", "GET", lambda w: f"{S(w)}/badges", ORGANISER),
    Route("badges.index", "POST", lambda w: f"{S(w)}/badges", ORGANISER,
          data=lambda w: {"selection": "delegation", "category": "",
                          "delegation": str(w.delegation.id), "size": "a6"}),
    Route("badges.batch", "GET", lambda w: B(w, w.finished_job), ORGANISER),
    Route("badges.batch_status", "GET", lambda w: f"{B(w, w.finished_job)}/status", ORGANISER),
    Route("badges.batch_download", "GET", lambda w: f"{B(w, w.finished_job)}/download",
          ORGANISER),
    Route("badges.batch_retry", "POST", lambda w: f"{B(w, w.failed_job)}/retry", ORGANISER),
    Route("badges.template", "GET",
          lambda w: f"{S(w)}/badges/templates/{w.category.id}", ORGANISER),
    Route("badges.template", "POST",
          lambda w: f"{S(w)}/badges/templates/{w.category.id}", ORGANISER,
          data=lambda w: dict(TEMPLATE_VALUES)),
    Route("badges.template_preview", "POST",
          lambda w: f"{S(w)}/badges/templates/{w.category.id}/preview", ORGANISER,
          data=lambda w: dict(TEMPLATE_VALUES)),
    # salon seats: the logged-in person books, cancels and claims their own; organisers
    # manage items, book for someone and cancel someone's booking
    Route("bookings.salon", "GET", lambda w: f"/sessions/{seat_item(w, 'book')}/seats",
          EVERYONE),
    Route("bookings.book", "POST", lambda w: f"/sessions/{seat_item(w, 'book')}/seats/book",
          LOGGED_IN),
    Route("bookings.cancel", "POST",
          lambda w: f"/sessions/{seat_item(w, 'cancel')}/seats/cancel", LOGGED_IN),
    Route("bookings.claim", "POST",
          lambda w: f"/sessions/{seat_item(w, 'claim')}/seats/claim", LOGGED_IN),
    Route("bookings.mine", "GET", lambda w: "/bookings/mine", LOGGED_IN),
    Route("bookings.salons", "GET", lambda w: f"{S(w)}/salons", ORGANISER),
    Route("bookings.manage", "GET",
          lambda w: f"/sessions/{seat_item(w, 'staff')}/seats/manage", ORGANISER),
    Route("bookings.manage", "POST",
          lambda w: f"/sessions/{seat_item(w, 'staff')}/seats/manage", ORGANISER,
          data=lambda w: {"bookable": "y", "capacity": "6", "claim_window_hours": "24"}),
    Route("bookings.book_for", "POST",
          lambda w: f"/sessions/{seat_item(w, 'staff')}/seats/manage/book", ORGANISER,
          data=lambda w: {"registration_id": str(seats(w).guest.id)}),
    Route("bookings.cancel_for", "POST",
          lambda w: f"/bookings/{seats(w).staff_booking.id}/cancel", ORGANISER),
    Route("bookings.export", "GET",
          lambda w: f"/sessions/{seat_item(w, 'staff')}/seats/export.xlsx", ORGANISER),
    Route("api.create_booking", "POST",
          lambda w: f"/api/v1/sessions/{seat_item(w, 'api-book')}/bookings", ORGANISER,
          data=lambda w: {"registration_id": seats(w).guest.id}),
    Route("api.list_bookings", "GET",
          lambda w: f"/api/v1/sessions/{seat_item(w, 'staff')}/bookings", ORGANISER),
    Route("api.cancel_my_booking", "DELETE",
          lambda w: f"/api/v1/sessions/{seat_item(w, 'api-cancel')}/bookings/mine", LOGGED_IN),
    Route("api.claim_my_offer", "POST",
          lambda w: f"/api/v1/sessions/{seat_item(w, 'api-claim')}/bookings/mine/claim",
          LOGGED_IN),
    # media accreditation: any account may apply (and list its own applications); an
    # application is for its applicant (nobody in this walk) and the summit's reviewers
    Route("press.apply", "GET", lambda w: f"{S(w)}/press/apply", LOGGED_IN),
    # (refused by a rule, so that the API's application below is the account's first)
    Route("press.apply", "POST", lambda w: f"{S(w)}/press/apply", LOGGED_IN,
          data=lambda w: {"outlet_name": "康巴卫视", "website": "no-address", "consent": "y",
                          "save": "1"}),
    Route("press.mine", "GET", lambda w: "/press/mine", LOGGED_IN),
    Route("press.detail", "GET", lambda w: P(w, "view"), PRESS_REVIEW),
    Route("press.edit", "GET", lambda w: f"{P(w, 'edit')}/edit", PRESS_REVIEW),
    Route("press.edit", "POST", lambda w: f"{P(w, 'edit')}/edit", PRESS_REVIEW,
          data=lambda w: {"outlet_name": "四川电视台", "media_type": "tv", "role": "reporter",
                          "name": "李娜", "consent": "y", "save": "1"}),
    Route("press.withdraw", "POST", lambda w: f"{P(w, 'withdraw')}/withdraw", PRESS_REVIEW),
    Route("press.file", "GET",
          lambda w: f"{P(w, 'view')}/files/{w.press['view'].letter_token}", PRESS_REVIEW),
    Route("press.badge", "GET", lambda w: f"{P(w, 'badge')}/badge.pdf", PRESS_REVIEW),
    Route("press.decide", "POST", lambda w: f"{P(w, 'decide')}/decision", PRESS_REVIEW,
          data=lambda w: {"decision": "waitlist", "message": "候补"}),
    Route("press.queue", "GET", lambda w: f"{S(w)}/press", PRESS_REVIEW),
    Route("press.quotas", "GET", lambda w: f"{S(w)}/press/quotas", PRESS_REVIEW),
    Route("press.quotas", "POST", lambda w: f"{S(w)}/press/quotas", PRESS_REVIEW,
          data=lambda w: {"kind": "media_type", "name": "tv", "limit": "10"}),
    Route("press.remove_quota", "POST", lambda w: f"{S(w)}/press/quotas/remove", PRESS_REVIEW,
          data=lambda w: {"kind": "outlet", "name": "新华社"}),
    Route("press.export", "GET", lambda w: f"{S(w)}/press/accredited.xlsx", PRESS_REVIEW),
    Route("press.room", "GET", lambda w: f"{S(w)}/press-room", PRESS_REVIEW),
    Route("press.new_release", "GET", lambda w: f"{S(w)}/press-room/new", PRESS_REVIEW),
    Route("press.new_release", "POST", lambda w: f"{S(w)}/press-room/new", PRESS_REVIEW,
          data=lambda w: {"title": "会议通稿", "body": "大会在康定举行。"}),
    Route("press.release", "GET", lambda w: f"/press-releases/{w.release.id}", PRESS_REVIEW),
    Route("press.release_file", "GET",
          lambda w: f"/press-releases/{w.release.id}/files/{w.release.files[0]['token']}",
          PRESS_REVIEW),
    # admin
    Route("admin.index", "GET", lambda w: "/admin/", ADMIN),
    Route("admin.users", "GET", lambda w: "/admin/users", ADMIN),
    Route("admin.set_admin", "POST", lambda w: f"/admin/users/{w.target.id}/admin", ADMIN,
          data=lambda w: {"is_admin": "0"}),
    Route("admin.set_active", "POST", lambda w: f"/admin/users/{w.target.id}/active", ADMIN,
          data=lambda w: {"active": "1"}),
    Route("admin.audit_log", "GET", lambda w: "/admin/audit", ADMIN),
    Route("admin.fonts_status", "GET", lambda w: "/admin/fonts", ADMIN),
    # the JSON API: bearer tokens, never the session cookie
    Route("api.create_token", "POST", lambda w: "/api/v1/tokens", EVERYONE,
          data=lambda w: {"email": w.target.email, "password": factories.PASSWORD}),
    Route("api.me", "GET", lambda w: "/api/v1/me", LOGGED_IN),
    Route("api.list_tokens", "GET", lambda w: "/api/v1/tokens", LOGGED_IN),
    Route("api.revoke_token", "DELETE", lambda w: f"/api/v1/tokens/{spare_token(w)}",
          LOGGED_IN),
    Route("api.create_registration", "POST", lambda w: f"/api/v1{S(w)}/registrations",
          EVERYONE, data=lambda w: {"name": "赵波", "organization": "甘孜州商务局",
                                    "position": "科长", "category": "delegate",
                                    "email": "zhaobo@example.com", "phone": "13912345678"}),
    Route("api.list_registrations", "GET", lambda w: f"/api/v1{S(w)}/registrations",
          ORGANISER),
    Route("api.approve_registration", "POST",
          lambda w: f"/api/v1/registrations/{w.registrations['api-approve'].id}/approve",
          ORGANISER),
    Route("api.reject_registration", "POST",
          lambda w: f"/api/v1/registrations/{w.registrations['api-reject'].id}/reject",
          ORGANISER, data=lambda w: {"reason": "资料不全"}),
    Route("api.registration_badge", "GET",
          lambda w: f"/api/v1/registrations/{w.approved['api-download'].id}/badge.pdf",
          ORGANISER),
    Route("api.create_checkin", "POST", lambda w: f"/api/v1{S(w)}/checkins", CHECKIN,
          data=lambda w: {"token": "not-a-token", "gate": "东门", "scan_id": "matrix-1"}),
    Route("api.checkin_manifest", "GET", lambda w: f"/api/v1{S(w)}/checkins/manifest",
          CHECKIN),
    Route("api.create_manual_checkin", "POST", lambda w: f"/api/v1{S(w)}/checkins/manual",
          CHECKIN, data=lambda w: {"registration_id": w.registration.id, "gate": "东门",
                                   "scan_id": "matrix-manual-1"}),
    Route("api.checkin_lookup_people", "GET",
          lambda w: f"/api/v1{S(w)}/checkins/lookup?q=zhao", CHECKIN),
    Route("api.attendance", "GET", lambda w: f"/api/v1{S(w)}/attendance", ATTENDANCE),
    # check-in pages: the scanner (its service worker holds no data), the arrivals board
    Route("checkin.scanner", "GET", lambda w: f"{S(w)}/checkin/", CHECKIN),
    Route("checkin.service_worker", "GET", lambda w: f"{S(w)}/checkin/sw.js", EVERYONE),
    Route("checkin.device_token", "POST", lambda w: f"{S(w)}/checkin/device-token", CHECKIN),
    Route("checkin.board", "GET", lambda w: f"{S(w)}/checkin/board", ATTENDANCE),
    # the console: every staff role, each for its part
    Route("console.index", "GET", lambda w: f"{S(w)}/console", CONSOLE),
    Route("checkin.board_json", "GET", lambda w: f"{S(w)}/checkin/board.json", ATTENDANCE),
    Route("checkin.export", "GET", lambda w: f"{S(w)}/checkin/attendance.xlsx", ATTENDANCE),
    Route("checkin.holder_photo", "GET",
          lambda w: f"{S(w)}/checkin/photos/{_press_badge_id(w)}", CHECKIN),
    Route("checkin.gates", "GET", lambda w: f"{S(w)}/checkin/gates", ORGANISER),
    Route("checkin.gates", "POST", lambda w: f"{S(w)}/checkin/gates", ORGANISER,
          data=lambda w: {"name": "东门"}),
    Route("checkin.delete_gate", "POST",
          lambda w: f"{S(w)}/checkin/gates/{_gate(w).id}/delete", ORGANISER),
    # the desk: desks and printers (organisers), finding and printing, the kiosk
    Route("desk.desks", "GET", lambda w: f"{S(w)}/desks", DESK),
    Route("desk.desks", "POST", lambda w: f"{S(w)}/desks", ORGANISER,
          data=lambda w: {"name": "报到处 B"}),
    Route("desk.add_printer", "POST", lambda w: f"{S(w)}/desks/{_desk(w).id}/printers",
          ORGANISER, data=lambda w: {"name": "P", "uri": "ipp://127.0.0.1:9/ipp/print",
                                     "paper": "a6"}),
    Route("desk.remove_printer", "POST",
          lambda w: f"{S(w)}/printers/{_printer(w).id}/remove", ORGANISER),
    Route("desk.desk", "GET", lambda w: f"{S(w)}/desks/{_desk(w).id}?q=li", DESK),
    Route("desk.print_badge", "POST",
          lambda w: f"{S(w)}/desks/{_desk(w).id}/print/{w.approved['download'].id}", DESK),
    Route("desk.badge_pdf", "GET",
          lambda w: f"{S(w)}/desks/{_desk(w).id}/badge/{w.approved['download'].id}.pdf", DESK),
    Route("desk.job_state", "GET", lambda w: f"{S(w)}/print-jobs/{_print_job(w).key}", DESK),
    Route("desk.resend", "POST", lambda w: f"{S(w)}/print-jobs/{_print_job(w).key}/resend",
          DESK),
    Route("desk.walk_in", "POST", lambda w: f"{S(w)}/desks/{_desk(w).id}/walk-ins", DESK,
          data=lambda w: {"name": "李四", "category": str(w.category.id)}),
    Route("api.create_print_job", "POST",
          lambda w: f"/api/v1/registrations/{w.approved['api-download'].id}/prints", DESK,
          data=lambda w: {"pool": _printing_desk(w).id}),
    Route("api.get_print_job", "GET", lambda w: f"/api/v1/print-jobs/{_print_job(w).key}",
          DESK),
    Route("api.substitute_registration", "POST",
          lambda w: f"/api/v1/registrations/{_substitutable(w).id}/substitute", ORGANISER,
          data=lambda w: {"name": "李强"}),
    Route("api.create_walk_in", "POST", lambda w: f"/api/v1{S(w)}/walk-ins", DESK,
          data=lambda w: {"pool": _desk(w).id, "name": "李四", "category": "delegate"}),
    Route("desk.substitute", "POST",
          lambda w: f"/registrations/{_substitutable(w).id}/substitute", ORGANISER,
          data=lambda w: {"name": "李强"}),
    Route("desk.refuse_substitute", "POST",
          lambda w: f"/registrations/{w.registration.id}/substitute/refuse", ORGANISER),
    Route("desk.add_aide", "POST", lambda w: f"/registrations/{w.registration.id}/aides",
          ORGANISER),
    Route("desk.aide_limits", "POST", lambda w: f"{S(w)}/aide-limits", ORGANISER,
          data=lambda w: {"per_principal": "0"}),
    Route("desk.unlock", "POST",
          lambda w: f"/registrations/{w.approved['batch'].id}/badge/unlock", ORGANISER),
    Route("desk.kiosk_start", "POST", lambda w: f"{S(w)}/desks/{_desk(w).id}/kiosk/start",
          DESK),
    Route("desk.kiosk", "GET", lambda w: f"{S(w)}/kiosk/{_desk(w).id}", DESK),
    Route("desk.kiosk_scan", "POST", lambda w: f"{S(w)}/kiosk/{_desk(w).id}", DESK),
    # the staff sign-in that ends kiosk mode: a page for any signed-in browser (the sign-in
    # itself decides)
    Route("desk.kiosk_exit", "GET", lambda w: f"{S(w)}/kiosk/{_desk(w).id}/exit", LOGGED_IN),
    Route("desk.kiosk_exit", "POST", lambda w: f"{S(w)}/kiosk/{_desk(w).id}/exit", LOGGED_IN,
          data=lambda w: {}),
    Route("api.upload_press_file", "POST", lambda w: "/api/v1/press-files", LOGGED_IN,
          data=press_upload, multipart=True),
    Route("api.create_press_application", "POST",
          lambda w: f"/api/v1{S(w)}/press-applications", LOGGED_IN,
          data=lambda w: {"outlet_name": "康巴卫视", "media_type": "tv", "submit": False}),
    Route("api.my_press_applications", "GET", lambda w: "/api/v1/press-applications",
          LOGGED_IN),
    Route("api.list_press_applications", "GET",
          lambda w: f"/api/v1{S(w)}/press-applications", PRESS_REVIEW),
    Route("api.get_press_application", "GET", lambda w: f"/api/v1{P(w, 'view')}",
          PRESS_REVIEW),
    Route("api.update_press_application", "PUT", lambda w: f"/api/v1{P(w, 'api-edit')}",
          PRESS_REVIEW, data=lambda w: {"outlet_name": "四川电视台", "media_type": "tv",
                                        "applicant": {"name": "李娜"}, "submit": False}),
    Route("api.decide_press_application", "POST",
          lambda w: f"/api/v1{P(w, 'api-decide')}/decision", PRESS_REVIEW,
          data=lambda w: {"decision": "reject", "reason_code": "duplicate"}),
    Route("api.press_badge", "GET", lambda w: f"/api/v1{P(w, 'api-badge')}/badge.pdf",
          PRESS_REVIEW),
    Route("api.list_summits", "GET", lambda w: "/api/v1/summits", EVERYONE),
    Route("api.get_summit", "GET", lambda w: f"/api/v1/summits/{w.summit.slug}", EVERYONE),
    Route("api.health", "GET", lambda w: "/api/v1/health", EVERYONE),
    Route("api.openapi", "GET", lambda w: "/api/v1/openapi.json", EVERYONE),
]
ROUTES += matrix_agreements.routes(Route, S)
ROUTES += matrix_privacy.routes(Route, S, LOGGED_IN)

# the programme (issue 4): its rows live with its own objects
ROUTES += agenda_routes(Route, S, EVERYONE, LOGGED_IN, ORGANISER)
# reception (issue 19)
ROUTES += reception_routes(Route, S, EVERYONE)
# protocol (issue 18), health and metrics (issue 22)
ROUTES += matrix_protocol.routes(Route, S, EVERYONE)
ROUTES += matrix_banquet.routes(Route, S, EVERYONE)
ROUTES += matrix_ceremony.routes(Route, S, EVERYONE)
