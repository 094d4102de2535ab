from flask import jsonify

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
    return jsonify(public.setup_of(slug))


@bp.get("/health")
def health():
    return jsonify({"status": "ok"})
