"""The kiosk: a desk browser that prints from a scanned entry code and lets nobody go
anywhere else until staff end it."""
from flask import flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from summit.blueprints.desk.blueprint import bp
from summit.blueprints.desk.forms import KioskExitForm, KioskForm, KioskStartForm
from summit.blueprints.desk.views import desk_at, pool_at
from summit.services.accounts import logins
from summit.services.core.errors import DomainError
from summit.services.desk import kiosk as desk_kiosk, printing
from summit.services.summits import settings as summits

KIOSK = "desk_kiosk"
# What a kiosk's session may open: its page, its scans, the state of its jobs, static files.
KIOSK_ENDPOINTS = {"desk.kiosk", "desk.kiosk_scan", "desk.job_state", "desk.kiosk_exit",
                   "static"}


@bp.before_app_request
def keep_kiosk_on_its_page():
    """A browser put in kiosk mode reaches the kiosk page and nothing else."""
    kiosk = session.get(KIOSK)
    if not kiosk:
        return None
    if not current_user.is_authenticated:
        session.pop(KIOSK, None)
        return None
    if request.endpoint in KIOSK_ENDPOINTS:
        return None
    return redirect(url_for("desk.kiosk", slug=kiosk[0], pool_id=kiosk[1]))


@bp.post("/summits/<slug:slug>/desks/<int:pool_id>/kiosk/start")
@login_required
def kiosk_start(slug: str, pool_id: int):
    summit, pool = desk_at(slug, pool_id)
    if KioskStartForm().validate_on_submit():
        session[KIOSK] = [summit.slug, pool.id]
    return redirect(url_for("desk.kiosk", slug=slug, pool_id=pool.id))


@bp.get("/summits/<slug:slug>/kiosk/<int:pool_id>")
@login_required
def kiosk(slug: str, pool_id: int):
    summit, pool = desk_at(slug, pool_id)
    return render_template("desk/kiosk.html", summit=summit, pool=pool, form=KioskForm(),
                           job_key=request.args.get("job", "")[:32])


@bp.post("/summits/<slug:slug>/kiosk/<int:pool_id>")
@login_required
def kiosk_scan(slug: str, pool_id: int):
    summit, pool = desk_at(slug, pool_id)
    form = KioskForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate_on_submit():
        message = _("Show the entry code to the camera again.")
        if wants_json:
            return jsonify({"error": message}), 422
        flash(message, "error")
        return redirect(url_for("desk.kiosk", slug=slug, pool_id=pool.id))
    try:
        job = printing.send_from_entry_code(current_user, summit, pool, form.code.data)
    except DomainError as error:
        if wants_json:
            return jsonify({"error": str(error)}), 409
        flash(str(error), "error")
        return redirect(url_for("desk.kiosk", slug=slug, pool_id=pool.id))
    if wants_json:
        return jsonify(printing.describe(job)), 202
    flash(_("Welcome, %(name)s: your badge is printing.", name=job.registration.name),
          "success")
    return redirect(url_for("desk.kiosk", slug=slug, pool_id=pool.id, job=job.key))



@bp.route("/summits/<slug:slug>/kiosk/<int:pool_id>/exit", methods=["GET", "POST"])
@login_required
def kiosk_exit(slug: str, pool_id: int):
    """Leaving kiosk mode takes a staff sign-in on the kiosk itself (docs/desk.md); the
    browser is then signed in as that staff member, on the desks page."""
    summit = summits.get_by_slug(slug)
    pool = pool_at(summit, pool_id)
    form = KioskExitForm()
    if form.validate_on_submit():
        try:
            staff = desk_kiosk.sign_in_to_leave(summit, pool, form.email.data,
                                                form.password.data,
                                                request.remote_addr or "unknown")
        except DomainError as error:
            form.password.errors = [*form.password.errors, str(error)]
        else:
            session.pop(KIOSK, None)
            logins.end_login(session.get("_user_id"))
            logout_user()
            logins.start_login(staff, remember=False)
            login_user(staff)
            flash(_("Kiosk mode has ended."), "success")
            return redirect(url_for("desk.desks", slug=slug))
    return render_template("desk/kiosk_exit.html", summit=summit, pool=pool, form=form)
