from flask import Response, abort, jsonify, request
from flask_babel import gettext as _

from summit.blueprints.ops.blueprint import bp
from summit.services.ops import health, metrics


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    checks = health.readiness()
    failed = [name for name, state in checks.items() if state == "unavailable"]
    body = {"status": "unavailable" if failed else "ok", "checks": checks, "failed": failed}
    return jsonify(body), 503 if failed else 200


@bp.get("/metrics")
def metrics_page():
    if not metrics.may_read(request.remote_addr, request.headers.get("Authorization")):
        abort(403, _("Metrics are readable only from the configured addresses or with the "
                     "metrics token."))
    return Response(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
