from flask import current_app, g, jsonify

from summit.blueprints.api.auth import answers_everyone
from summit.blueprints.api.blueprint import bp
from summit.services.summits import public


@bp.get("/summits")
@answers_everyone
def list_summits():
    items = public.all_setups()
    return jsonify({"items": items, "total": len(items)})


@bp.get("/summits/<slug:slug>")
@answers_everyone
def get_summit(slug: str):
    # Kept per app by (summit id, setup version), as encoded bytes: a warm read is the one
    # statement that checks the token and reads the version (api/auth.py) and no encoding.
    key = g.get("summit_version") or public.version_of(slug)
    if key is None:
        return jsonify(public.setup_of(slug))  # the NotFound
    kept = current_app.extensions.setdefault("summit_setups", {})
    body = kept.get(key)
    if body is None:
        body = jsonify(public.setup_by_id(key[0])).get_data()
        if len(kept) >= KEPT_SETUPS:
            kept.clear()
        kept[key] = body
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


KEPT_SETUPS = 256  # summits' answers kept per app (a few KB each), all dropped when full


@bp.get("/health")
def health():
    return jsonify({"status": "ok"})
