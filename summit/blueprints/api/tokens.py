from flask import g, jsonify, request
from flask_babel import gettext as _

from summit.blueprints.api.auth import (
    BodyError,
    form_data,
    form_errors,
    json_body,
    known_fields,
    token_required,
)
from summit.blueprints.api.blueprint import bp
from summit.blueprints.auth.forms import LoginForm
from summit.models import ApiToken
from summit.services.accounts import tokens as api_tokens


def token_json(token: ApiToken) -> dict:
    return {"id": token.id, "prefix": token.prefix, "scope": token.scope.value,
            "summit": token.summit.slug if token.summit is not None else None,
            "created_at": token.created_at.isoformat(),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None}


@bp.post("/tokens")
def create_token():
    payload = known_fields(json_body(), ["email", "password"])
    form = LoginForm(formdata=form_data(payload, ["email", "password"]), meta={"csrf": False})
    if not form.validate():
        raise BodyError(422, _("Some values are not valid."), form_errors(form))
    raw, token = api_tokens.issue_token(form.email.data, form.password.data,
                                        request.remote_addr or "unknown")
    return jsonify({"token": raw, "id": token.id, "prefix": token.prefix,
                    "expires_at": token.expires_at.isoformat() if token.expires_at else None}
                   ), 201


@bp.get("/tokens")
@token_required
def list_tokens():
    """The caller's tokens that still work (the raw tokens are never shown again)."""
    items = [token_json(token) for token in api_tokens.live_tokens(g.api_user)]
    return jsonify({"items": items, "total": len(items)})


@bp.delete("/tokens/<int:token_id>")
@token_required
def revoke_token(token_id: int):
    """Revoke one of the caller's tokens (the one in use too: a client's log-out)."""
    token = api_tokens.own_token(g.api_user, token_id)
    api_tokens.revoke_token(g.api_user, token)
    return jsonify({**token_json(token), "revoked_at": token.revoked_at.isoformat()})


@bp.get("/me")
@token_required
def me():
    user = g.api_user
    return jsonify({"id": user.id, "email": user.email, "name": user.name,
                    "is_admin": user.is_admin,
                    "roles": [{"summit": m.summit.slug, "role": m.role.value}
                              for m in user.memberships]})
