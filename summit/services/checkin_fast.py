"""The gate's hot path on PostgreSQL: an online scan in one SQL statement.

Every gate posts a scan per person; most are a first, accepted scan of a valid badge. For that
case this module does in one statement (plus BEGIN and COMMIT) what ``checkins.scan`` does in
seven: it checks the API token and the operator's role at the summit, reads the badge with its
holder, records the scan and inserts the arrival (``ON CONFLICT DO NOTHING``: the database
counts a holder once, whatever runs in parallel). Nothing about a token, a role or a badge is
cached: a revoked token, a removed role or a revoked badge answers accordingly on the next scan
in every process. Cached per process are only what cannot change without a restart or changes
rarely and harmlessly: the summit's id by slug and its public key (by key file), and the salon
doors (``checkin_salons.doors_of``, as the portable path).

Anything out of the ordinary returns None and the caller takes the portable ORM path
(``checkins.scan``), which gives the same answer: SQLite, an offline scan (conflicts), a salon
door, a token not signed with this summit's key, a token the statement refuses, a repeated
scan id. A scan that turns out a duplicate is finished here with the portable path's code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from time import monotonic
from typing import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import text

from summit.database import utcnow
from summit.extensions import db
from summit.models import PersonStatus, PressStatus, RegistrationStatus, Summit, User
from summit.models.checkin import CheckIn
from summit.permissions import ROLE_PERMISSIONS, Permission
from summit.services import api_tokens, badge_tokens, badges, checkin_salons
from summit.services.checkins import MAX_TOKEN, ScanAnswer, ScanInput

SUMMIT_TTL = 60.0  # seconds a slug → summit mapping is kept (a slug is rarely changed)
SCAN_ROLES = [role.value for role, held in ROLE_PERMISSIONS.items()
              if Permission.CHECKIN_SCAN in held]


@dataclass(frozen=True)
class SummitKey:
    id: int
    created_at: datetime
    press_category_code: str
    key_id: bytes
    public_key: Ed25519PublicKey
    loaded: float


_summits: dict[str, SummitKey] = {}


def summit_key(slug: str) -> SummitKey | None:
    cached = _summits.get(slug)
    if cached is not None and monotonic() - cached.loaded < SUMMIT_TTL:
        return cached
    summit = db.session.scalar(db.select(Summit).where(Summit.slug == slug))
    if summit is None:
        _summits.pop(slug, None)
        return None
    public = badges.private_key(summit).public_key()
    cached = SummitKey(summit.id, summit.created_at, summit.press_category_code,
                       badge_tokens.key_id(public), public, monotonic())
    _summits[slug] = cached
    return cached


def forget_summits() -> None:
    _summits.clear()


# One statement: token → operator allowed at this summit → badge and holder → scan → arrival.
# ``now``/``scanned`` are naive UTC like every stored time.
SCAN = text("""
WITH tok AS (
    SELECT t.id, t.user_id, t.last_used_at, u.is_admin FROM api_tokens t
    JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND u.active),
operator AS (
    SELECT tok.user_id FROM tok WHERE tok.is_admin OR EXISTS (
        SELECT 1 FROM memberships m WHERE m.user_id = tok.user_id
        AND m.summit_id = :summit_id AND m.role = ANY(:roles))),
touch AS (
    UPDATE api_tokens SET last_used_at = :now
    WHERE id = (SELECT id FROM tok) AND (last_used_at IS NULL OR last_used_at < :stale)),
b AS (
    SELECT b.id, b.registration_id, b.press_person_id, r.category_id, pa.id AS application_id,
           CASE WHEN b.summit_id <> :summit_id THEN 'wrong_summit'
                WHEN b.revoked_at IS NOT NULL OR b.version <> :version THEN 'revoked'
                WHEN r.id IS NOT NULL AND r.status <> :approved THEN 'not_approved'
                WHEN p.id IS NOT NULL AND (p.status <> :person_approved
                                           OR pa.status <> :press_approved) THEN 'not_approved'
                WHEN r.id IS NULL AND p.id IS NULL THEN 'invalid'
                ELSE 'ok' END AS result,
           COALESCE(r.name, p.name) AS name, COALESCE(r.name_native, p.name_native) AS native,
           COALESCE(r.name_pinyin, p.name_pinyin) AS pinyin,
           COALESCE(r.organisation_name, pa.outlet_name) AS organisation,
           p.photo_token
    FROM badges b
    LEFT JOIN registrations r ON r.id = b.registration_id
    LEFT JOIN press_people p ON p.id = b.press_person_id
    LEFT JOIN press_applications pa ON pa.id = p.application_id
    WHERE b.ref = :ref),
c AS (
    INSERT INTO checkins (summit_id, scan_id, badge_id, gate, device, operator_id, result,
                          scanned_at, received_at, method, offline)
    SELECT :summit_id, :scan_id, b.id, :gate, :device, operator.user_id,
           COALESCE(b.result, 'invalid'), :scanned, :now, 'scan', false
    FROM operator LEFT JOIN b ON true
    ON CONFLICT (scan_id) DO NOTHING
    RETURNING id, result, badge_id),
a AS (
    INSERT INTO arrivals (summit_id, badge_id, checkin_id, gate, arrived_at)
    SELECT :summit_id, c.badge_id, c.id, :gate, :scanned FROM c WHERE c.result = 'ok'
    ON CONFLICT (badge_id) DO NOTHING
    RETURNING id),
cat AS (
    SELECT k.code, k.label_zh, k.label_en, k.colour, k.id FROM attendee_categories k
    WHERE k.id = (SELECT category_id FROM b) OR ((SELECT press_person_id FROM b) IS NOT NULL
          AND k.summit_id = :summit_id AND k.code = :press_code))
SELECT (SELECT user_id FROM tok) AS user_id, (SELECT user_id FROM operator) AS operator_id,
       c.id AS checkin_id, c.result, (SELECT id FROM a) AS arrival_id, b.id AS badge_id,
       b.name, b.native, b.pinyin, b.organisation, b.photo_token, b.press_person_id,
       cat.code, cat.label_zh, cat.label_en, cat.colour,
       CASE WHEN b.press_person_id IS NULL THEN
           (SELECT json_agg(json_build_array(z.code, z.label_zh) ORDER BY z.code)
            FROM category_zones cz JOIN zones z ON z.id = cz.zone_id
            WHERE cz.category_id = cat.id)
       ELSE
           (SELECT json_agg(json_build_array(z.code, z.label_zh) ORDER BY z.code)
            FROM press_approved_zones pz JOIN zones z ON z.id = pz.zone_id
            WHERE pz.application_id = b.application_id)
       END AS zones
FROM (SELECT 1) AS one LEFT JOIN c ON true LEFT JOIN b ON true LEFT JOIN cat ON true
""")

def naive_utc(moment: datetime) -> datetime:
    """As ``UTCDateTime`` stores it (the statement is text, so no column type converts)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


HOLDER_RESULTS = ("ok", "duplicate", "revoked", "not_approved")


def _holder(row, photo_url: Callable[[int], str]) -> dict | None:
    if row.badge_id is None or row.name is None:
        return None
    category = {"code": row.code, "label": row.label_zh, "label_en": row.label_en,
                "colour": row.colour} if row.code is not None else None
    holder = {
        "name": row.name, "name_native": row.native or "", "pinyin": row.pinyin or "",
        "organisation": row.organisation or "", "category": category,
        "zones": [{"code": code, "label": label} for code, label in row.zones or []],
        "photo_url": photo_url(row.badge_id) if row.photo_token else None,
    }
    if row.press_person_id is not None:
        holder["outlet"] = row.organisation or ""
    return holder


def scan(slug: str, raw_token: str, token: object, given: ScanInput,
         photo_url: Callable[[int], str], now: datetime | None = None) -> ScanAnswer | None:
    """The answer to an online scan, recorded and committed; None when the caller must take
    the portable path (nothing has been written then)."""
    if given.offline or db.session.get_bind().dialect.name != "postgresql":
        return None
    if not raw_token or len(raw_token) > 200:
        return None
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        return None
    key = summit_key(slug)
    if key is None or checkin_salons.doors_of_id(key.id, key.created_at).get(given.gate):
        return None
    try:
        claims, header, signature = badge_tokens.decode(token)
        if claims.key_id != key.key_id:
            return None  # another summit's badge, or a forgery: the portable path tells
        key.public_key.verify(signature, header)
    except (badge_tokens.InvalidToken, InvalidSignature):
        return None
    now = now or utcnow()
    scanned = naive_utc(given.scanned_at or now)
    row = db.session.execute(SCAN, {
        "token_hash": api_tokens.digest(raw_token), "summit_id": key.id, "roles": SCAN_ROLES,
        "now": naive_utc(now), "stale": naive_utc(now - api_tokens.LAST_USED_RESOLUTION), "ref": claims.badge_ref.hex(),
        "version": claims.version, "approved": RegistrationStatus.APPROVED.value,
        "person_approved": PersonStatus.APPROVED.value,
        "press_approved": PressStatus.APPROVED.value, "scan_id": given.scan_id,
        "gate": given.gate, "device": given.device, "scanned": scanned,
        "press_code": key.press_category_code}).one()
    if row.checkin_id is None:
        # No valid token, no role here, or a repeated scan id: nothing was written.
        db.session.rollback()
        return None
    holder = _holder(row, photo_url) if row.result in HOLDER_RESULTS else None
    if row.result == "ok" and row.arrival_id is None:
        return _duplicate(row.operator_id, row.checkin_id, now)
    db.session.commit()
    return ScanAnswer(row.result, holder=holder)


def _duplicate(user_id: int, checkin_id: int, now: datetime) -> ScanAnswer:
    """The holder had arrived already: finish the scan as the portable path does (flag an
    offline conflict, answer with the first scan's time and gate), in the same transaction."""
    from summit.services import checkins

    actor = db.session.get(User, user_id)
    checkin = db.session.get(CheckIn, checkin_id)
    summit = db.session.get(Summit, checkin.summit_id)
    checkin.result = "duplicate"
    arrival = checkins._settle_conflict(actor, summit, checkin, now)
    db.session.flush()
    answer = checkins._answer(checkin, arrival)
    db.session.commit()
    return answer

