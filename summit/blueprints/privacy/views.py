"""我的数据 for everyone signed in; the privacy queue; a summit's notice editor."""
from __future__ import annotations

import io
import json

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from summit.blueprints.privacy.blueprint import bp
from summit.blueprints.privacy.forms import AnswerForm, DataRequestForm, NoticeForm
from summit.extensions import db
from summit.forms import show_domain_error
from summit.i18n import select_locale
from summit.models import DataRequest, RequestKind, RequestStatus
from summit.permissions import Permission, authorize
from summit.services.core.errors import DomainError
from summit.services.privacy import mydata, notices, requests as data_requests
from summit.services.summits import settings as summits


@bp.route("/me/data", methods=["GET", "POST"])
@login_required
def my_data():
    form = DataRequestForm()
    if form.validate_on_submit():
        try:
            data_requests.submit_request(current_user, RequestKind(form.kind.data),
                                         form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your request has been sent. You will get an answer within 15 working "
                    "days."), "success")
            return redirect(url_for("privacy.my_data"))
    return render_template("privacy/mine.html", form=form,
                           own=data_requests.own_requests(current_user),
                           kinds=data_requests.KIND_LABELS,
                           statuses=data_requests.STATUS_LABELS)


@bp.get("/me/data.json")
@login_required
def my_data_json():
    body = json.dumps(mydata.download(current_user), ensure_ascii=False, indent=2)
    return send_file(io.BytesIO(body.encode("utf-8")), mimetype="application/json",
                     as_attachment=True, download_name="my-data.json")


@bp.get("/me/data.pdf")
@login_required
def my_data_pdf():
    data = mydata.download(current_user, readable=True)
    return send_file(io.BytesIO(mydata.pdf_of(data, current_user.name)),
                     mimetype="application/pdf", as_attachment=True,
                     download_name="my-data.pdf")


@bp.get("/privacy/requests")
@login_required
def queue():
    authorize(Permission.PRIVACY_REQUESTS)
    items = data_requests.queue(current_user, open_only=False)
    forms = {item.id: AnswerForm(prefix=f"r{item.id}") for item in items}
    return render_template("privacy/queue.html", items=items, forms=forms,
                           kinds=data_requests.KIND_LABELS,
                           statuses=data_requests.STATUS_LABELS)


@bp.post("/privacy/requests/<int:request_id>/answer")
@login_required
def answer(request_id: int):
    authorize(Permission.PRIVACY_REQUESTS)
    item = db.get_or_404(DataRequest, request_id)
    form = AnswerForm(prefix=f"r{request_id}")  # one form per request on the queue page
    if form.validate_on_submit():
        try:
            data_requests.answer_request(current_user, item, RequestStatus(form.status.data),
                                         form.answer.data or "")
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The request is answered."), "success")
    else:
        flash(_("Choose an answer."), "error")
    return redirect(url_for("privacy.queue"))


@bp.route("/summits/<slug:slug>/privacy-notice", methods=["GET", "POST"])
@login_required
def notice(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PRIVACY_MANAGE, summit)
    form = NoticeForm()
    if form.validate_on_submit():
        try:
            published = notices.publish_notice(current_user, summit, {
                "zh_Hans": form.text_zh_hans.data, "zh_Hant": form.text_zh_hant.data,
                "en": form.text_en.data})
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Version %(version)d of the notice is published.",
                    version=published.version), "success")
            return redirect(url_for("privacy.notice", slug=slug))
    version, _text = notices.text_of(summit, select_locale())
    if not form.is_submitted():
        for language in notices.LANGUAGES:
            getattr(form, f"text_{language.lower()}").data = notices.text_of(
                summit, language)[1]
    return render_template("privacy/notice.html", summit=summit, form=form, version=version)
