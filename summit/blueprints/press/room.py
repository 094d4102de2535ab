"""The press room: releases for accredited press, published by media officers and organisers."""
import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from summit.blueprints.press.blueprint import bp
from summit.blueprints.press.forms import ReleaseForm
from summit.extensions import db
from summit.forms import show_domain_error
from summit.models import PressRelease
from summit.permissions import Permission, authorize
from summit.services.core.errors import DomainError, ValidationFailed
from summit.services.press import room as press_room
from summit.services.summits import settings as summits


@bp.get("/summits/<slug:slug>/press-room")
@login_required
def room(slug: str):
    summit = summits.get_by_slug(slug)
    if not press_room.may_read(current_user, summit):
        abort(403)
    return render_template("press/room.html", summit=summit,
                           releases=press_room.releases(current_user, summit))


def _release(release_id: int) -> PressRelease:
    release = db.get_or_404(PressRelease, release_id)
    if not press_room.may_read(current_user, release.summit):
        abort(403)
    return release


@bp.get("/press-releases/<int:release_id>")
@login_required
def release(release_id: int):
    found = _release(release_id)
    return render_template("press/release.html", summit=found.summit, release=found)


@bp.get("/press-releases/<int:release_id>/files/<token>")
@login_required
def release_file(release_id: int, token: str):
    found = _release(release_id)
    try:
        data, meta = press_room.release_file(current_user, found, token)
    except DomainError:
        abort(404)
    response = send_file(io.BytesIO(data), mimetype=meta.get("mimetype", "application/pdf"),
                         as_attachment=request.args.get("download") == "1"
                         or meta.get("mimetype") == "application/pdf",
                         download_name=meta.get("name", "file"))
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/summits/<slug:slug>/press-room/new", methods=["GET", "POST"])
@login_required
def new_release(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PRESS_REVIEW, summit)
    form = ReleaseForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            files = [press_room.store_file(kind, upload.read(press_room.MAX_ATTACHMENT + 1),
                                           upload.filename, field)
                     for field, kind in (("images", "image"), ("attachments", "file"))
                     for upload in request.files.getlist(field) if upload and upload.filename]
            found = press_room.publish(current_user, summit, form.title.data, form.body.data,
                                       source=form.source.data or "", files=files)
        except ValidationFailed as error:
            show_domain_error(form, error)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The release is published in the press room."), "success")
            return redirect(url_for("press.release", release_id=found.id))
    return render_template("press/release_form.html", summit=summit, form=form), status
