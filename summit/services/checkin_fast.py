"""The gate's hot path on PostgreSQL: an online scan in one SQL statement and one round trip.

Every gate posts a scan per person; most are a first, accepted scan of a valid badge, a few a
second scan. For both, this module does in one autocommitted statement what ``checkins.scan``
does in seven: it checks the API token and the operator's role at the summit, reads the badge
with its holder, records the scan and inserts the arrival (``ON CONFLICT DO NOTHING``: the
database counts a holder once, whatever runs in parallel); a holder who had arrived is a
duplicate with the first scan's time and gate.

The statement runs on a connection of its own per process (and thread), in autocommit, as a
statement prepared once per connection and executed through libpq directly
(``PGconn.exec_prepared``, text parameters) with the whole row as one JSON value: no pool
check-out, no ping, no BEGIN or COMMIT, no per-column loaders. A lost connection is reopened
and the scan sent again, which is safe: the scan id makes a retry count once.

Nothing about a token, a role or a badge is cached: a revoked token, a removed role or a
revoked badge answers accordingly on the next scan in every process. Cached per application are
only what cannot change without a restart or changes rarely and harmlessly: the summit's id by
slug and its public key (by key file), and the salon doors (``checkin_salons.doors_of``, as the
portable path).

Anything out of the ordinary returns None and the caller takes the portable ORM path
(``checkins.scan``), which gives the same answer: SQLite, an offline scan or a duplicate of one
(conflicts), a salon door, a token not signed with this summit's key, a token the statement
refuses, a repeated scan id.
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import re
import threading
from collections import namedtuple
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from time import monotonic
from typing import Callable, Iterator

import psycopg
from psycopg import pq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

from summit.database import utcnow
from summit.extensions import db
from summit.models import PersonStatus, PressStatus, RegistrationStatus, Summit, User
from summit.models.checkin import CheckIn
from summit.permissions import ROLE_PERMISSIONS, Permission
from summit.services import api_tokens, badge_tokens, badges, checkin_salons
from summit.services.checkins import MAX_TOKEN, ScanAnswer, ScanInput

logger = logging.getLogger(__name__)

SUMMIT_TTL = 60.0  # seconds a slug → summit mapping is kept (a slug is rarely changed)
SCAN_ROLES = [role.value for role, held in ROLE_PERMISSIONS.items()
              if Permission.CHECKIN_SCAN in held]
SCAN_ROLES_SQL = ", ".join(f"'{role}'" for role in SCAN_ROLES)  # our own enum values


@dataclass(frozen=True)
class SummitKey:
    id: int
    created_at: datetime
    press_category_code: str
    key_id: bytes
    private_key: Ed25519PrivateKey
    loaded: float


def _summit_cache() -> dict[str, SummitKey]:
    return current_app.extensions.setdefault("summit.checkin_summits", {})


def summit_key(slug: str) -> SummitKey | None:
    summits = _summit_cache()
    cached = summits.get(slug)
    if cached is not None and monotonic() - cached.loaded < SUMMIT_TTL:
        return cached
    summit = db.session.scalar(db.select(Summit).where(Summit.slug == slug))
    if summit is None:
        summits.pop(slug, None)
        return None
    private = badges.private_key(summit)
    cached = SummitKey(summit.id, summit.created_at, summit.press_category_code,
                       badge_tokens.key_id(private.public_key()), private, monotonic())
    summits[slug] = cached
    return cached


def forget_summits() -> None:
    _summit_cache().clear()


# One statement: token → operator allowed at this summit → badge and holder → the first
# arrival, if any → arrival → scan. The scan's id is drawn first so that the arrival can name
# it (foreign keys are checked at the end of the statement). Nothing is written for a repeated
# scan id, or when the first arrival came from an offline scan (the portable path settles the
# conflict). Times are naive UTC like every stored time.
SCAN = f"""
WITH tok AS (
    SELECT t.id, t.user_id, t.last_used_at, u.is_admin FROM api_tokens t
    JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = %(token_hash)s AND t.revoked_at IS NULL AND u.active),
operator AS (
    SELECT tok.user_id FROM tok WHERE tok.is_admin OR EXISTS (
        SELECT 1 FROM memberships m WHERE m.user_id = tok.user_id
        AND m.summit_id = %(summit_id)s AND m.role IN ({SCAN_ROLES_SQL}))),
touch AS (
    UPDATE api_tokens SET last_used_at = %(now)s
    WHERE id = (SELECT id FROM tok) AND (last_used_at IS NULL OR last_used_at < %(stale)s)),
b AS (
    SELECT b.id, b.registration_id, b.press_person_id, r.category_id, pa.id AS application_id,
           CASE WHEN b.summit_id <> %(summit_id)s THEN 'wrong_summit'
                WHEN b.revoked_at IS NOT NULL OR b.version <> %(version)s THEN 'revoked'
                WHEN r.id IS NOT NULL AND r.status <> '{RegistrationStatus.APPROVED.value}' THEN 'not_approved'
                WHEN p.id IS NOT NULL AND (p.status <> '{PersonStatus.APPROVED.value}'
                                           OR pa.status <> '{PressStatus.APPROVED.value}')
                     THEN 'not_approved'
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
    WHERE b.ref = %(ref)s),
first AS (
    SELECT ar.arrived_at, ar.gate, COALESCE(fc.offline, false) AS offline
    FROM arrivals ar LEFT JOIN checkins fc ON fc.id = ar.checkin_id
    WHERE ar.badge_id = (SELECT id FROM b WHERE b.result = 'ok')),
go AS (
    SELECT nextval('checkins_id_seq') AS id, operator.user_id, b.id AS badge_id,
           COALESCE(b.result, 'invalid') AS result
    FROM operator LEFT JOIN b ON true
    WHERE NOT EXISTS (SELECT 1 FROM checkins WHERE scan_id = %(scan_id)s)
      AND NOT EXISTS (SELECT 1 FROM first WHERE first.offline)),
a AS (
    INSERT INTO arrivals (summit_id, badge_id, checkin_id, gate, arrived_at)
    SELECT %(summit_id)s, go.badge_id, go.id, %(gate)s, %(scanned)s FROM go
    WHERE go.result = 'ok' AND NOT EXISTS (SELECT 1 FROM first)
    ON CONFLICT (badge_id) DO NOTHING
    RETURNING id),
c AS (
    INSERT INTO checkins (id, summit_id, scan_id, badge_id, gate, device, operator_id, result,
                          scanned_at, received_at, method, offline)
    SELECT go.id, %(summit_id)s, %(scan_id)s, go.badge_id, %(gate)s, %(device)s, go.user_id,
           CASE WHEN go.result = 'ok' AND NOT EXISTS (SELECT 1 FROM a) THEN 'duplicate'
                ELSE go.result END,
           %(scanned)s, %(now)s, 'scan', false
    FROM go
    ON CONFLICT (scan_id) DO NOTHING
    RETURNING id, result),
cat AS (
    SELECT k.code, k.label_zh, k.label_en, k.colour, k.id FROM attendee_categories k
    WHERE k.id = (SELECT category_id FROM b) OR ((SELECT press_person_id FROM b) IS NOT NULL
          AND k.summit_id = %(summit_id)s AND k.code = %(press_code)s))
SELECT json_build_array(
       (SELECT user_id FROM go), c.id, c.result, b.id,
       (SELECT arrived_at FROM first), (SELECT gate FROM first),
       b.name, b.native, b.pinyin, b.organisation, b.photo_token, b.press_person_id,
       cat.code, cat.label_zh, cat.label_en, cat.colour, zs.codes, zs.labels)
FROM (SELECT 1) AS one LEFT JOIN c ON true LEFT JOIN b ON true LEFT JOIN cat ON true
LEFT JOIN LATERAL (
    SELECT array_agg(z.code ORDER BY z.code) AS codes,
           array_agg(z.label_zh ORDER BY z.code) AS labels
    FROM zones z WHERE z.id IN (
        SELECT cz.zone_id FROM category_zones cz
        WHERE b.press_person_id IS NULL AND cz.category_id = cat.id
        UNION ALL
        SELECT pz.zone_id FROM press_approved_zones pz
        WHERE b.press_person_id IS NOT NULL AND pz.application_id = b.application_id)) zs ON true
"""


def numbered(sql: str) -> tuple[bytes, tuple[str, ...]]:
    """``sql`` with ``%(name)s`` placeholders as libpq's ``$1, $2, ...`` and the names in
    that order (a name used twice is one parameter)."""
    names: list[str] = []

    def number(match: re.Match) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return re.sub(r"%\((\w+)\)s", number, " ".join(sql.split())).encode(), tuple(names)


SCAN_SQL, SCAN_PARAMS = numbered(SCAN)
STATEMENT = b"summit_scan"  # the prepared statement's name on each scan connection
Row = namedtuple("Row", "operator_id checkin_id result badge_id first_at first_gate name native "
                        "pinyin organisation photo_token press_person_id code label_zh label_en "
                        "colour zone_codes zone_labels")


# This process's idle autocommit connections, by database: a scan borrows one and gives it
# back, so threads (gthread workers) share them and none is left open by a thread that ended.
_idle: dict[tuple[int, str], list[psycopg.Connection]] = {}
_idle_lock = threading.Lock()


def _connect() -> psycopg.Connection:
    """A connection to the app's database with the engine's own connection arguments, with
    the scan statement prepared on it."""
    engine = db.engine
    args, kwargs = engine.dialect.create_connect_args(engine.url)
    kwargs.pop("context", None)  # SQLAlchemy's type adapters: this path reads plain rows
    connection = psycopg.connect(*args, **kwargs, autocommit=True)
    prepared = connection.pgconn.prepare(STATEMENT, SCAN_SQL)
    if prepared.status != pq.ExecStatus.COMMAND_OK:
        connection.close()
        raise psycopg.OperationalError(prepared.error_message.decode(errors="replace"))
    return connection


@contextmanager
def _borrowed(fresh: bool = False) -> Iterator[psycopg.Connection]:
    idle = _idle.setdefault((os.getpid(), str(db.engine.url)), [])
    connection = None
    with _idle_lock:
        while idle and not fresh and connection is None:
            connection = idle.pop()
            if connection.closed:
                connection = None
    connection = connection or _connect()
    try:
        yield connection
    except BaseException:
        connection.close()
        raise
    finally:
        if not connection.closed:
            with _idle_lock:
                idle.append(connection)


def close_connections() -> None:
    """Close this process's idle scan connections (at exit). A forked child leaves its
    parent's alone: closing them would end the parent's sessions."""
    with _idle_lock:
        for key in [key for key in _idle if key[0] == os.getpid()]:
            for connection in _idle.pop(key):
                connection.close()


atexit.register(close_connections)


def text_values(params: dict) -> list[bytes | None]:
    """The statement's parameters as libpq text, in placeholder order (times as ISO 8601;
    PostgreSQL infers each type from where the placeholder stands)."""
    return [None if value is None else
            (value.isoformat() if isinstance(value, datetime) else str(value)).encode()
            for value in (params[name] for name in SCAN_PARAMS)]


def _execute(params: dict) -> Row | None:
    """The statement's row; sent again once on a new connection when the connection was lost
    (a retry is safe: the scan id records it once). None when the statement failed: nothing
    was written then, and the portable path answers."""
    values = text_values(params)
    for attempt in (1, 2):
        with _borrowed(fresh=attempt == 2) as connection:
            try:
                result = connection.pgconn.exec_prepared(STATEMENT, values)
            except psycopg.OperationalError:
                result = None  # the connection was closed under us
            if result is not None and result.status == pq.ExecStatus.TUPLES_OK:
                return _row(result.get_value(0, 0))
            if result is None or connection.pgconn.status != pq.ConnStatus.OK:
                connection.close()
                if attempt == 2:
                    raise psycopg.OperationalError("the scan connection was lost twice")
                continue
            state = (result.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
            if not state.startswith("23"):
                # Not a parallel retry of the same scan id (class 23: the arrival then names a
                # scan that was not inserted). Start afresh next time: the schema may have
                # changed under the prepared statement.
                logger.warning("check-in statement failed (%s): %s", state,
                               result.error_message.decode(errors="replace").strip())
                connection.close()
            return None
    return None


def _row(value: bytes) -> Row:
    row = Row._make(json.loads(value))
    if row.first_at is not None:
        row = row._replace(first_at=datetime.fromisoformat(row.first_at))
    return row


def naive_utc(moment: datetime) -> datetime:
    """As ``UTCDateTime`` stores it (the statement is text, so no column type converts)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def aware_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc)


HOLDER_RESULTS = ("ok", "duplicate", "revoked", "not_approved")


def _holder(row, photo_url: Callable[[int], str]) -> dict | None:
    if row.badge_id is None or row.name is None:
        return None
    category = {"code": row.code, "label": row.label_zh, "label_en": row.label_en,
                "colour": row.colour} if row.code is not None else None
    holder = {
        "name": row.name, "name_native": row.native or "", "pinyin": row.pinyin or "",
        "organisation": row.organisation or "", "category": category,
        "zones": [{"code": code, "label": label}
                  for code, label in zip(row.zone_codes or (), row.zone_labels or ())],
        "photo_url": photo_url(row.badge_id) if row.photo_token else None,
    }
    if row.press_person_id is not None:
        holder["outlet"] = row.organisation or ""
    return holder


def scan(slug: str, raw_token: str, token: object, given: ScanInput,
         photo_url: Callable[[int], str], now: datetime | None = None) -> ScanAnswer | None:
    """The answer to an online scan, recorded; None when the caller must take the portable
    path (nothing has been written then)."""
    if given.offline or db.engine.dialect.name != "postgresql":
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
    except badge_tokens.InvalidToken:
        return None
    if claims.key_id != key.key_id or not badge_tokens.made_by(key.private_key, header,
                                                               signature):
        return None  # another summit's badge, or a forgery: the portable path tells
    now = now or utcnow()
    row = _execute({
        "token_hash": api_tokens.digest(raw_token), "summit_id": key.id,
        "now": naive_utc(now), "stale": naive_utc(now - api_tokens.LAST_USED_RESOLUTION),
        "ref": claims.badge_ref.hex(), "version": claims.version, "scan_id": given.scan_id,
        "gate": given.gate, "device": given.device,
        "scanned": naive_utc(given.scanned_at or now), "press_code": key.press_category_code})
    if row is None or row.checkin_id is None:
        # No valid token, no role here, a repeated scan id or an offline first scan:
        # nothing was written.
        return None
    holder = _holder(row, photo_url) if row.result in HOLDER_RESULTS else None
    if row.result != "duplicate":
        return ScanAnswer(row.result, holder=holder)
    if row.first_at is not None:
        return ScanAnswer("duplicate", aware_utc(row.first_at), row.first_gate, holder)
    # The holder arrived through a scan made at the same moment (not in this statement's
    # snapshot): finish as the portable path does, which reads that scan.
    return _settle_duplicate(row.operator_id, row.checkin_id, now)


def _settle_duplicate(user_id: int, checkin_id: int, now: datetime) -> ScanAnswer:
    """Flag an offline conflict if the first scan was one, and answer with the first scan's
    time and gate."""
    from summit.services import checkins

    actor = db.session.get(User, user_id)
    checkin = db.session.get(CheckIn, checkin_id)
    summit = db.session.get(Summit, checkin.summit_id)
    arrival = checkins._settle_conflict(actor, summit, checkin, now)
    db.session.flush()
    answer = checkins._answer(checkin, arrival)
    db.session.commit()
    return answer
