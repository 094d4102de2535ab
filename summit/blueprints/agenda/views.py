"""The published programme: public pages, a delegate's own agenda, and the exports."""
import io
import json

from flask import Response, abort, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from summit.blueprints.agenda.blueprint import bp
from summit.blueprints.common import id_arg
from summit.i18n import language
from summit.models import AgendaItemKind
from summit.services.agenda import (
    export as agenda_export,
    pdf as agenda_print,
    public as agenda_public,
)
from summit.services.agreements import ceremony as agreement_ceremony
from summit.services.summits import settings as summits

ICS = "text/calendar; charset=utf-8"
KINDS = {kind.value for kind in AgendaItemKind}


def export_language() -> str:
    """``?lang=zh|en``, else the page's language."""
    wanted = request.args.get("lang", "")
    return wanted if wanted in ("zh", "en") else language()


def item_url_for(summit):
    def item_url(uid: str) -> str:
        return url_for("agenda.item", slug=summit.slug, uid=uid, _external=True)

    return item_url


def summit_key(summit) -> tuple:
    """What of the summit an export shows besides the version: part of its cache key."""
    return (summit.title_zh, summit.title_en, summit.theme_zh, summit.theme_en, summit.city,
            summit.venue, summit.timezone, summit.starts_on, summit.ends_on)


def send_ics(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/summits/<slug:slug>/agenda")
def public(slug: str):
    summit = summits.get_by_slug(slug)
    agenda = agenda_public.published_agenda(summit)
    day = request.args.get("day", "")[:10]
    room = id_arg("room")
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    items, days = [], []
    if agenda is not None:
        day = day if day in agenda.days else ""
        items = agenda.select(day=day, room=room, kind=kind)
        days = agenda.by_day(items)
    return render_template("agenda/public.html", summit=summit, agenda=agenda, days=days,
                           filters={"day": day, "room": room, "kind": kind},
                           kinds=sorted(KINDS), shown=len(items))


@bp.get("/summits/<slug:slug>/agenda/items/<string(length=32):uid>")
def item(slug: str, uid: str):
    summit = summits.get_by_slug(slug)
    agenda, entry = agenda_public.published_item(summit, uid)
    # Only for people who may read agreements (None for everyone else).
    signed = agreement_ceremony.signed_at_item(current_user, summit, uid)
    return render_template("agenda/item.html", summit=summit, agenda=agenda, item=entry,
                           changes=[c for c in agenda.changelog if c["uid"] == uid],
                           signed=signed)


@bp.get("/summits/<slug:slug>/agenda/items/<string(length=32):uid>.ics")
def item_ics(slug: str, uid: str):
    summit = summits.get_by_slug(slug)
    agenda, entry = agenda_public.published_item(summit, uid)
    data = agenda_export.agenda_ics(summit, agenda, [entry], export_language(),
                                    item_url_for(summit))
    return send_ics(data, f"{summit.slug}-{entry['id']}.ics")


@bp.get("/summits/<slug:slug>/agenda.ics")
def summit_ics(slug: str):
    summit = summits.get_by_slug(slug)
    agenda = agenda_public.require_published(summit)
    lang = export_language()
    data = agenda.export(
        ("ics", lang, request.host_url, summit_key(summit)),
        lambda: agenda_export.agenda_ics(summit, agenda, agenda.items, lang,
                                         item_url_for(summit)))
    return send_ics(data, f"{summit.slug}.ics")


@bp.get("/summits/<slug:slug>/agenda/schedule.json")
def frab(slug: str):
    summit = summits.get_by_slug(slug)
    agenda = agenda_public.require_published(summit)
    lang = export_language()
    data = agenda.export(("frab", lang, request.host_url, summit_key(summit)), lambda: json.dumps(
        agenda_export.frab_schedule(summit, agenda, lang, request.host_url,
                                    item_url_for(summit)), ensure_ascii=False))
    return Response(data, mimetype="application/json")


@bp.get("/summits/<slug:slug>/agenda/programme.pdf")
def programme_pdf(slug: str):
    summit = summits.get_by_slug(slug)
    agenda = agenda_public.require_published(summit)
    lang = export_language()
    organisations = tuple((link.role.value, link.organisation.name)
                          for link in summit.organisations)
    data = agenda.export(("pdf", lang, summit_key(summit), organisations),
                         lambda: agenda_print.programme_pdf(summit, agenda, lang))
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{summit.slug}-programme-v{agenda.number}-{lang}.pdf")


@bp.get("/summits/<slug:slug>/agenda/mine")
@login_required
def mine(slug: str):
    summit = summits.get_by_slug(slug)
    agenda, entries = agenda_public.personal_agenda(current_user, summit)
    registered = bool(agenda_public.registrations_at(current_user, summit))
    return render_template("agenda/mine.html", summit=summit, agenda=agenda, entries=entries,
                           days=agenda_public.entries_by_day(entries), registered=registered)


@bp.get("/summits/<slug:slug>/agenda/mine.ics")
@login_required
def mine_ics(slug: str):
    summit = summits.get_by_slug(slug)
    agenda, entries = agenda_public.personal_agenda(current_user, summit)
    if agenda is None:
        abort(404)
    data = agenda_export.agenda_ics(summit, agenda, [e.item for e in entries],
                                    export_language(), item_url_for(summit))
    return send_ics(data, f"{summit.slug}-mine.ics")
