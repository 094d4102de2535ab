"""Badge PDFs over the API."""
import io

from flask import g, send_file

from summit.blueprints.api import params
from summit.blueprints.api.auth import token_required
from summit.blueprints.api.blueprint import bp
from summit.extensions import db
from summit.models import BadgeSize, Registration
from summit.services.badges import issuing as badges


@bp.get("/registrations/<int:registration_id>/badge.pdf")
@token_required
def registration_badge(registration_id: int):
    """The holder's own badge once approved; organisers and the delegation's registrar any."""
    registration = db.get_or_404(Registration, registration_id)
    size = BadgeSize(params.badge_size())
    badge = badges.badge_for_download(g.api_user, registration)
    return send_file(io.BytesIO(badges.render_badge(badge, size)), mimetype="application/pdf",
                     download_name=f"badge-{registration.id}-{size.value}.pdf")
