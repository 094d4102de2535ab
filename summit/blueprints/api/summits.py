from flask import jsonify

from summit.blueprints.api.blueprint import bp
from summit.models import OrganisationRole, Summit
from summit.services.summits import settings as summits


def summit_json(summit: Summit) -> dict:
    return {
        "slug": summit.slug,
        "title": {"zh": summit.title_zh, "en": summit.title_en},
        "theme": {"zh": summit.theme_zh, "en": summit.theme_en},
        "city": summit.city,
        "venue": summit.venue,
        "timezone": summit.timezone,
        "starts_on": summit.starts_on.isoformat(),
        "ends_on": summit.ends_on.isoformat(),
        "organisations": {
            role.value: [{"name": o.name, "kind": o.kind.value}
                         for o in summit.organisations_in(role)]
            for role in OrganisationRole},
        "zones": [{"code": z.code, "label": {"zh": z.label_zh, "en": z.label_en}}
                  for z in summit.zones],
        "categories": [{"code": c.code, "label": {"zh": c.label_zh, "en": c.label_en},
                        "colour": c.colour, "public": c.public,
                        "zones": [z.code for z in c.zones]} for c in summit.categories],
    }


@bp.get("/summits")
def list_summits():
    items = summits.list_summits()
    return jsonify({"items": [summit_json(s) for s in items], "total": len(items)})


@bp.get("/summits/<slug:slug>")
def get_summit(slug: str):
    return jsonify(summit_json(summits.get_by_slug(slug)))


@bp.get("/health")
def health():
    return jsonify({"status": "ok"})
