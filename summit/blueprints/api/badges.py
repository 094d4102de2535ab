"""Badge PDFs over the API."""
import io

from flask import g, request, send_file
from flask_babel import gettext as _

from summit.blueprints.api.auth import BodyError, token_required
from summit.blueprints.api.blueprint import bp
from summit.extensions import db
from summit.models import BadgeSize, Registration
from summit.services.badges import issuing as badges


@bp.get("/registrations/<int:registration_id>/badge.pdf")
@token_required
def registration_badge(registration_id: int):
    """The holder's own badge once approved; organisers and the delegation's registrar any."""
    registration = db.get_or_404(Registration, registration_id)
    try:
        size = BadgeSize(request.args.get("size") or BadgeSize.A6.value)
    except ValueError:
        raise BodyError(422, _("Unknown badge size."),
                        {"size": _("One of: %(sizes)s.",
                                   sizes=", ".join(s.value for s in BadgeSize))}) from None
    badge = badges.badge_for_download(g.api_user, registration)
    return send_file(io.BytesIO(badges.render_badge(badge, size)), mimetype="application/pdf",
                     download_name=f"badge-{registration.id}-{size.value}.pdf")
