from flask import current_app, render_template, request, url_for
from flask_babel import format_datetime, get_locale, gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from summit.blueprints import kept
from summit.blueprints.common import reads_only
from summit.blueprints.console.blueprint import bp
from summit.blueprints.console.menu import menu_for
from summit.blueprints.kept import kept_page
from summit.i18n import language
from summit.permissions import Permission, authorize
from summit.services.console import figures
from summit.services.registration import submission as registrations
from summit.services.summits import settings as summits


@bp.app_context_processor
def console_menu() -> dict:
    return {"console_menu": lambda summit: menu_for(current_user, summit)}


def _kept_figures(state, locale: str):
    """The console is kept while the figures it shows are (figures.kept_as_of)."""
    held = kept.permissions(state)
    if held is None or Permission.CONSOLE_VIEW not in held:
        return None
    return figures.kept_as_of(state.summit_id, figures.sections_held(held),
                              "en" if locale == "en" else "zh")


@bp.get("/summits/<slug:slug>/console")
@kept_page(_kept_figures)
@reads_only
@login_required
def index(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.CONSOLE_VIEW, summit)
    data = figures.console(current_user, summit, language())
    return render_template("console/index.html", summit=summit, console=data,
                           todos=_todo_rows(summit, data.todos),
                           figures_html=_figures_html(summit, data))


_DRAWN_MAX = 256


def _figures_html(summit, data: figures.Console) -> Markup:
    """console/_figures.html drawn once per set of kept figures (``figures.console`` keeps
    them CONSOLE_FIGURES_SECONDS with the time they were computed, which is in the key) and
    language and script root: a reload within those seconds draws none of the cards'
    links and labels again."""
    key = (summit.id, summit.slug, frozenset(data.sections), data.as_of, str(get_locale()),
           request.script_root)
    drawn = current_app.extensions.get("summit.console_drawn")
    if drawn is None or len(drawn) >= _DRAWN_MAX:
        drawn = current_app.extensions["summit.console_drawn"] = {}
    html = drawn.get(key)
    if html is None:
        html = drawn[key] = Markup(render_template(
            "console/_figures.html", summit=summit, console=data,
            status_labels={status.value: label for status, label
                           in registrations.STATUS_LABELS.items()}))
    return html


def _todo_rows(summit, todos: list[figures.Todo]) -> list[tuple[str, str, str, str]]:
    """The to-do list ready to print, (kind, since, link, text) a row: each kind's sentence
    translated and its link built once a page (the row's id appended), each minute's time
    formatted once (the short format shows no seconds)."""
    links = {"registration": url_for("registrations.detail", registration_id=0),
             "press": url_for("press.detail", application_id=0),
             "agreement": url_for("agreements.detail", agreement_id=0)}
    sentences = {"registration": (_("Decide the registration of %(name)s"), "name"),
                 "press": (_("Decide the press application of %(outlet)s"), "outlet"),
                 "agreement": (_("Follow up the agreement %(title)s"), "title")}
    times: dict = {}
    rows = []
    for todo in todos:
        minute = todo.since.replace(second=0, microsecond=0)
        since = times.get(minute) or times.setdefault(minute, format_datetime(todo.since,
                                                                              "short"))
        if todo.kind == "badge_job":
            link = url_for("badges.batch", slug=summit.slug, key=todo.object_id)
            words = _("A badge batch failed: run it again")
        else:
            link = f"{links[todo.kind].removesuffix('0')}{todo.object_id}"
            sentence, name = sentences[todo.kind]
            words = sentence % {name: todo.title}
        rows.append((todo.kind, since, link, words))
    return rows
