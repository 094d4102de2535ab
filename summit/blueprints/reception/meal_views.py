"""Meal pages: sessions with expected, served and diet counts (live), and the check-in
scanner page in meal mode at a restaurant's door."""
from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from summit.blueprints.reception.blueprint import bp
from summit.blueprints.reception.forms import MealForm
from summit.extensions import db
from summit.forms import show_domain_error
from summit.permissions import Permission, authorize
from summit.services.core.errors import DomainError
from summit.services.protocol import banquet as protocol_tables
from summit.services.reception import meals, trips
from summit.services.summits import settings as summits


@bp.route("/summits/<slug:slug>/reception/meals", methods=["GET", "POST"])
@login_required
def meal_list(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    form = MealForm()
    status = 200
    if form.validate_on_submit():
        try:
            meals.save_meal(current_user, summit, form.details())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
            status = 422
        else:
            flash(_("Meal saved."), "success")
            return redirect(url_for("reception.meal_list", slug=slug))
    elif form.is_submitted():
        status = 422
    return render_template("reception/meals.html", summit=summit, form=form,
                           meals=meals.meals(summit), counts=meals.counts(current_user, summit),
                           labels=meals.KIND_LABELS, local=trips.local_time,
                           meal_tables=protocol_tables.meal_tables(summit)), status


@bp.get("/summits/<slug:slug>/reception/meals/served.json")
@login_required
def meals_served(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    response = jsonify({"items": meals.served_json(current_user, summit)})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/summits/<slug:slug>/reception/meals/<int:meal_id>/scanner")
@login_required
def meal_scanner(slug: str, meal_id: int):
    """The check-in scanner in meal mode: its scans go to the meal's scans API (no offline
    answers there: a meal pass needs the server to know who has eaten)."""
    summit = summits.get_by_slug(slug)
    authorize(Permission.CHECKIN_SCAN, summit)
    meal = meals.get_meal(summit, meal_id)
    config = {
        "slug": f"{summit.slug}.meal{meal.id}", "user": current_user.id,
        "api": url_for("api.create_meal_scan", slug=summit.slug, meal_id=meal.id),
        "tokenUrl": url_for("checkin.device_token", slug=summit.slug),
        "worker": url_for("checkin.service_worker", slug=summit.slug),
        "scope": url_for("checkin.scanner", slug=summit.slug),
        "gates": [meal.title], "mode": "meal",
    }
    return render_template("checkin/scanner.html", summit=summit, config=config, meal=meal)
