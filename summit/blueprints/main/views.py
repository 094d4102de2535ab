from functools import cache
from pathlib import Path

from flask import Response, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from summit.blueprints.common import safe_next
from summit.blueprints.main.blueprint import bp
from summit.services.accounts import users as accounts
from summit.services.summits import settings as summits


@bp.get("/")
def index():
    mine = summits.summits_of(current_user) if current_user.is_authenticated else []
    return render_template("main/index.html", summits=summits.list_summits(), mine=mine)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on pages without our <link> (a PDF, an error)."""
    response = Response(_icon_bytes(current_app.static_folder),
                        mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@cache
def _icon_bytes(static_folder: str) -> bytes:
    """Read once and served from memory: no open file is left to a client that never closes
    the response."""
    return (Path(static_folder) / "img" / "favicon.ico").read_bytes()


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next"), url_for("main.index"))
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            # The service audits the user row: hand it the model, not the proxy.
            accounts.set_locale(current_user._get_current_object(), lang)
    return redirect(target)
