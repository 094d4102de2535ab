"""Media accreditation pages: the application form, the applicant's pages, the officers' queue,
decisions, quotas, badges and files."""
import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.common import attempt, download, id_arg, page_arg, per_page_arg, safe_next
from summit.blueprints.press.blueprint import bp
from summit.blueprints.press.forms import (
    CREW_ROWS,
    EQUIPMENT_ROWS,
    DecisionForm,
    PressApplicationForm,
    QuotaForm,
)
from summit.database import utcnow
from summit.extensions import db
from summit.forms import show_domain_error
from summit.i18n import language, select_locale
from summit.models import MediaType, PressApplication, PressRole, PressStatus
from summit.permissions import Permission, authorize
from summit.services.core.errors import DomainError, NotAllowed, ValidationFailed
from summit.services.press import (
    access as press_access,
    applications as press,
    badges as press_badges,
    export as press_export,
    files as press_files,
    labels as press_labels,
    queue as press_queue,
    review as press_review,
)
from summit.services.privacy import disclosure, notices
from summit.services.summits import settings as summits


def _load(application_id: int) -> PressApplication:
    application = db.get_or_404(PressApplication, application_id)
    if not press_access.may_view(current_user, application):
        abort(403)
    return application


def _zone_choices(summit) -> list:
    lang = language()
    return [SelectChoice(z.code, f"{z.code} · {z.label(lang)}") for z in summit.zones]


def _form(summit, application: PressApplication | None) -> PressApplicationForm:
    data = None
    if application is not None and request.method == "GET":
        d = press.details_of(application)
        crew = [{"name": c.name, "name_native": c.name_native, "role": c.role.value,
                 "photo_token": c.photo_token} for c in d.crew]
        crew += [{}] * max(CREW_ROWS - len(crew), 1 if len(crew) < press.MAX_CREW else 0)
        equipment = [{"item": i, "serial_number": s} for i, s in d.equipment]
        equipment += [{}] * max(EQUIPMENT_ROWS - len(equipment), 1)
        data = {"outlet_name": d.outlet_name, "media_type": d.media_type.value,
                "region": d.region, "website": d.website, "name": d.applicant.name,
                "name_native": d.applicant.name_native, "role": d.applicant.role.value,
                "press_card_number": d.press_card_number, "photo_token": d.applicant.photo_token,
                "letter_token": d.letter_token, "crew": crew, "equipment": equipment,
                "zones": d.zone_codes, "vehicle_plate": d.vehicle_plate,
                "consent": application.consent_notice_id is not None,
                "sensitive_consent": application.sensitive_consent}
    elif request.method == "GET" and current_user.is_authenticated:
        data = {"name": current_user.name}
    form = PressApplicationForm(data=data)
    form.zones.choices = _zone_choices(summit)
    return form


def _take_files(form: PressApplicationForm) -> bool:
    """(The whole form is limited by MAX_CONTENT_LENGTH: a larger one is a 413 before it is
    read, and the page's script refuses an oversized file before it is sent.)

    Store every newly chosen file that passes its checks (its token goes into the form, so
    a re-rendered form keeps it); a refused file becomes its field's error."""
    pairs = [(form.photo, form.photo_token, press_files.store_photo),
             (form.letter, form.letter_token, press_files.store_letter)]
    pairs += [(entry.form.photo, entry.form.photo_token, press_files.store_photo)
              for entry in form.crew]
    ok = True
    for file_field, token_field, store in pairs:
        upload = file_field.data
        if upload is None or not getattr(upload, "filename", None):
            continue
        data = upload.read(press_files.MAX_LETTER + 1)
        try:
            token_field.data = store(current_user.id, data, upload.filename, file_field.name)
        except ValidationFailed as error:
            file_field.errors = list(file_field.errors or []) + [str(error)]
            ok = False
    return ok


def _details(form: PressApplicationForm) -> press.ApplicationDetails:
    crew = [press.PersonDetails(e.form.name.data or "", e.form.name_native.data or "",
                                PressRole(e.form.role.data), e.form.photo_token.data or "")
            for e in form.crew]
    return press.ApplicationDetails(
        outlet_name=form.outlet_name.data or "", media_type=MediaType(form.media_type.data),
        region=form.region.data or "", website=form.website.data or "",
        press_card_number=form.press_card_number.data or "",
        vehicle_plate=form.vehicle_plate.data or "",
        applicant=press.PersonDetails(form.name.data or "", form.name_native.data or "",
                                      PressRole(form.role.data), form.photo_token.data or ""),
        crew=crew, equipment=[(e.form.item.data or "", e.form.serial_number.data or "")
                              for e in form.equipment],
        zone_codes=form.zones.data or [], letter_token=form.letter_token.data or "",
        locale=select_locale(), consent=bool(form.consent.data),
        sensitive_consent=bool(form.sensitive_consent.data))


def _field(form: PressApplicationForm, name: str):
    """The form field a service error names: ``crew-1-photo`` is the second crew row's."""
    for rows in ("crew", "equipment"):
        if name.startswith(rows + "-"):
            _rows, index, sub = name.split("-", 2)
            entries = getattr(form, rows).entries
            return entries[int(index)].form[sub] if int(index) < len(entries) else None
    return getattr(form, name, None)


def _show_error(form: PressApplicationForm, error: DomainError) -> None:
    attached = False
    for name, message in (error.fields or {}).items():
        target = _field(form, name)
        if target is not None:
            target.errors = list(target.errors or []) + [str(message)]
            attached = True
    if not attached:
        flash(str(error), "error")


def _edit_form(summit, application: PressApplication | None):
    form = _form(summit, application)
    if request.method == "POST" and request.form.get("reveal_id"):
        # Without JavaScript, "Give an ID number and photo" only shows those fields again.
        form.sensitive_consent.data = True
    elif request.method == "POST":
        valid = form.validate()
        if not form.sensitive_consent.data:  # not asked: a file posted anyway is not kept
            for upload in [form.photo, *(entry.form.photo for entry in form.crew)]:
                upload.data = None
        files_ok = _take_files(form)
        if valid and files_ok:
            try:
                application = press.save_application(current_user, summit, _details(form),
                                                     application=application,
                                                     submit=bool(form.submit.data))
            except DomainError as error:
                _show_error(form, error)
            else:
                flash(_("Your application has been submitted. We have emailed you.")
                      if form.submit.data else _("Your draft has been saved."), "success")
                return redirect(url_for("press.detail", application_id=application.id))
        else:
            flash(_("Some entries need your attention; everything else you entered is kept."),
                  "error")
    notice_version, notice_text = notices.text_of(summit, select_locale())
    return render_template("press/form.html", summit=summit, form=form,
                           application=application,
                           is_open=press.accreditation_open(summit, utcnow()),
                           photo_meta=press_files.meta, notice_version=notice_version,
                           notice_text=notice_text)


# --- the applicant ------------------------------------------------------------------------

@bp.route("/summits/<slug:slug>/press/apply", methods=["GET", "POST"])
@login_required
def apply(slug: str):
    summit = summits.get_by_slug(slug)
    existing = press.application_of(current_user, summit)
    if existing is not None:
        if existing.status in press.EDITABLE:
            return redirect(url_for("press.edit", application_id=existing.id))
        return redirect(url_for("press.detail", application_id=existing.id))
    return _edit_form(summit, None)


@bp.route("/press-applications/<int:application_id>/edit", methods=["GET", "POST"])
@login_required
def edit(application_id: int):
    application = _load(application_id)
    if application.status not in press.EDITABLE:
        flash(_("An application that is %(status)s cannot be changed.",
                status=press_labels.STATUS_LABELS[application.status]), "error")
        return redirect(url_for("press.detail", application_id=application.id))
    return _edit_form(application.summit, application)


@bp.get("/press/mine")
@login_required
def mine():
    return render_template("press/mine.html", applications=press.applications_of(current_user))


def _decision_form(application: PressApplication) -> DecisionForm:
    form = DecisionForm(data={"zones": [z.code for z in application.requested_zones]}
                        if request.method == "GET" else None)
    form.decision.choices = [SelectChoice(d, press_review.DECISION_LABELS[d])
                             for d in press_review.DECISIONS
                             if application.status in press_review.FROM[d]]
    lang = language()
    form.zones.choices = [SelectChoice(z.code, f"{z.code} · {z.label(lang)}")
                          for z in application.requested_zones]
    form.rejected_people.choices = [SelectChoice(p.id, p.name) for p in application.people]
    return form


@bp.get("/press-applications/<int:application_id>")
@login_required
def detail(application_id: int):
    application = _load(application_id)
    summit = application.summit
    reviewer = press_access.may_review(current_user, summit)
    if reviewer:  # reviewers check the full press card number: audited
        disclosure.record_full_view(current_user, "press.view_private", application, summit,
                                    ("press_card_number",))
    badges = {p.id: press_badges.badge_of(p) for p in application.people}
    return render_template("press/detail.html", application=application, summit=summit,
                           reviewer=reviewer, badges=badges,
                           decision_form=_decision_form(application) if reviewer else None,
                           accredited=press_badges.accredited, file_meta=press_files.meta,
                           reason_labels=press_labels.REASON_LABELS,
                           history=press_export.history(application) if reviewer else [])


@bp.post("/press-applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    application = _load(application_id)
    attempt(lambda: press.withdraw(current_user, application),
            _("The application has been withdrawn."))
    return redirect(url_for("press.detail", application_id=application.id))


@bp.get("/press-applications/<int:application_id>/files/<token>")
@login_required
def file(application_id: int, token: str):
    application = _load(application_id)
    try:
        data, meta = press.file_of(current_user, application, token)
    except DomainError:
        abort(404)
    response = send_file(io.BytesIO(data), mimetype=meta.get("mimetype", "application/pdf"),
                         as_attachment=meta.get("kind") == "letter",
                         download_name=meta.get("name", "file"))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/press-applications/<int:application_id>/badge.pdf")
@login_required
def badge(application_id: int):
    application = _load(application_id)
    try:
        found = press_badges.badge_for_download(current_user, application, id_arg("person"))
    except NotAllowed:
        abort(403)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("press.detail", application_id=application.id))
    person = found.press_person
    return send_file(io.BytesIO(press_badges.render_badge(found)), mimetype="application/pdf",
                     as_attachment=True,
                     download_name=f"press-badge-{application.summit.slug}-{person.id}.pdf")


# --- media officers -------------------------------------------------------------------------

@bp.post("/press-applications/<int:application_id>/decision")
@login_required
def decide(application_id: int):
    application = _load(application_id)
    authorize(Permission.PRESS_REVIEW, application.summit)
    form = _decision_form(application)
    if form.validate_on_submit():
        try:
            press_review.decide(current_user, application, press_review.Decision(
                decision=form.decision.data, reason_code=form.reason_code.data or "",
                message=form.message.data or "", internal_note=form.internal_note.data or "",
                zone_codes=form.zones.data or [],
                rejected_people=tuple(form.rejected_people.data or ())))
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The decision is recorded and the applicant has been told by email."),
                  "success")
    else:
        for name, errors in form.errors.items():
            flash(f"{getattr(form, name).label.text if hasattr(form, name) else name}: "
                  f"{'; '.join(map(str, errors))}", "error")
    return redirect(url_for("press.detail", application_id=application.id))


def queue_filters() -> dict:
    return {"q": request.args.get("q", "")[:100], "status": request.args.get("status", "")[:20],
            "media_type": request.args.get("media_type", "")[:20],
            "warning": request.args.get("warning") == "1",
            "sort": request.args.get("sort", "submitted")[:12]}


@bp.get("/summits/<slug:slug>/press")
@login_required
def queue(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PRESS_REVIEW, summit)
    filters = queue_filters()
    try:
        result = press_queue.queue(current_user, summit, page=page_arg(), per_page=per_page_arg(),
                             **filters)
    except DomainError as error:
        flash(str(error), "error")
        filters.update(status="", media_type="")
        result = press_queue.queue(current_user, summit, page=page_arg(), per_page=per_page_arg(),
                             **filters)
    return render_template("press/queue.html", summit=summit, result=result, filters=filters,
                           counts=press_queue.counts_by_status(summit), statuses=list(PressStatus),
                           media_types=list(MediaType))


@bp.route("/summits/<slug:slug>/press/quotas", methods=["GET", "POST"])
@login_required
def quotas(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PRESS_REVIEW, summit)
    form = QuotaForm()
    if form.validate_on_submit():
        try:
            press_review.set_quota(current_user, summit, form.kind.data, form.name.data,
                                   form.limit.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The quota is saved."), "success")
            return redirect(url_for("press.quotas", slug=slug))
    return render_template("press/quotas.html", summit=summit, form=form,
                           quotas=press_review.quotas(current_user, summit))


@bp.post("/summits/<slug:slug>/press/quotas/remove")
@login_required
def remove_quota(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PRESS_REVIEW, summit)
    try:
        press_review.set_quota(current_user, summit, request.form.get("kind", "")[:20],
                               request.form.get("name", "")[:200], None)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("The quota is removed."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("press.quotas", slug=slug)))


@bp.get("/summits/<slug:slug>/press/accredited.xlsx")
@login_required
def export(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PRESS_REVIEW, summit)
    return download(press_export.accredited_xlsx(current_user, summit),
                    f"{summit.slug}-accredited-press.xlsx")
