"""Publishing the programme and reading its past versions (organisers)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from summit.blueprints.agenda.blueprint import bp
from summit.blueprints.agenda.editor import organiser_summit
from summit.blueprints.agenda.forms import PublishForm
from summit.services.agenda import (
    conflicts as agenda_conflicts,
    draft as agenda,
    public as agenda_public,
    publish as agenda_publish,
)
from summit.services.agenda.conflicts import NeedsConfirmation
from summit.services.core.errors import DomainError


@bp.route("/summits/<slug:slug>/agenda/publish", methods=["GET", "POST"])
@login_required
def publish(slug: str):
    summit = organiser_summit(slug)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            version = agenda_publish.publish_agenda(current_user, summit, note=form.note.data
                                                    or "", confirm=form.confirm.data)
        except NeedsConfirmation:
            form.confirm.errors = [_("Confirm that you have checked the warnings.")]
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("Version %(number)d is published.", number=version.number), "success")
            return redirect(url_for("agenda.version", slug=slug, number=version.number))
    conflicts = agenda_conflicts.draft_conflicts(summit, agenda.draft_items(summit))
    return render_template(
        "agenda/publish.html", summit=summit, form=form, conflicts=conflicts,
        blocking=[c for c in conflicts if c.blocks_publishing],
        changes=agenda_publish.pending_changes(current_user, summit),
        latest=agenda_publish.latest_version(summit))


@bp.get("/summits/<slug:slug>/agenda/versions")
@login_required
def versions(slug: str):
    summit = organiser_summit(slug)
    return render_template("agenda/versions.html", summit=summit,
                           versions=agenda_publish.versions_of(current_user, summit))


@bp.get("/summits/<slug:slug>/agenda/versions/<int:number>")
@login_required
def version(slug: str, number: int):
    summit = organiser_summit(slug)
    found = agenda_publish.get_version(current_user, summit, number)
    view = agenda_public.version_view(found)
    return render_template("agenda/version.html", summit=summit, version=found, view=view,
                           days=view.by_day(view.items))
