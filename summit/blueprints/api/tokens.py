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
from summit.services.accounts import tokens as api_tokens


@bp.post("/tokens")
def create_token():
    payload = known_fields(json_body(), ["email", "password"])
    form = LoginForm(formdata=form_data(payload, ["email", "password"]), meta={"csrf": False})
    if not form.validate():
        raise BodyError(422, _("Some values are not valid."), form_errors(form))
    raw, token = api_tokens.issue_token(form.email.data, form.password.data,
                                        request.remote_addr or "unknown")
    return jsonify({"token": raw, "prefix": token.prefix}), 201


@bp.get("/me")
@token_required
def me():
    user = g.api_user
    return jsonify({"id": user.id, "email": user.email, "name": user.name,
                    "is_admin": user.is_admin,
                    "roles": [{"summit": m.summit.slug, "role": m.role.value}
                              for m in user.memberships]})
