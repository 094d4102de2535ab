"""The gates' statement on PostgreSQL (the batching of scans into it: ``batches``).

One statement records a batch of online scans (usually one; under load, the scans this
process's threads received while the previous batch was in the database: ``batches``). For each
scan it checks the API token (not revoked, not expired, and a device token only at its own
summit, as ``accounts.tokens.token_for`` and ``permits`` do) and the operator's role at the
summit, reads the badge with its holder, records the scan and inserts the arrival (``ON
CONFLICT DO NOTHING``: the database counts a holder once, whatever runs in parallel); a holder
who had arrived, in an earlier statement or earlier in this batch, is a duplicate with the
first scan's time and gate.

**Connections.** The statement goes through ``services/core/direct``: this process's own
connections in autocommit, the statement prepared once on each and executed through libpq
directly (``PGconn.exec_prepared``, text parameters, the answer as one JSON value): no pool
check-out, no ping, no BEGIN or COMMIT, no per-column loaders. The batch arrives as JSON, so
the planner cannot know its size: those connections use a generic plan of index nested
loops, which is right for a handful of rows, and a scan waits at most a second for a row
another transaction is writing (two seconds in all; then the batch is refused). A lost
connection is reopened and the batch sent again: the scan ids make that safe.

A batch the database refuses as a whole (a scan id recorded at the same moment by another
process, a value a column cannot hold) writes nothing, and each of its scans takes the
portable path.
"""
from __future__ import annotations

import json
import logging
from collections import namedtuple
from datetime import datetime

from psycopg import pq

from summit.database import utcnow
from summit.models import PersonStatus, PressStatus, RegistrationStatus, TokenScope
from summit.permissions import ROLE_PERMISSIONS, Permission
from summit.services.accounts import tokens as api_tokens
from summit.services.core import direct
from summit.services.core.direct import naive_utc

logger = logging.getLogger(__name__)

SCAN_ROLES = [role.value for role, held in ROLE_PERMISSIONS.items()
              if Permission.CHECKIN_SCAN in held]
SCAN_ROLES_SQL = ", ".join(f"'{role}'" for role in SCAN_ROLES)  # our own enum values

# i: the batch, one row per scan, numbered n. The scan's id is drawn (go) before the arrival is
# inserted so that the arrival can name it; arrivals are inserted by badge, then in the batch's
# order: the first of two scans of one holder in a batch counts and the second is a duplicate
# naming it (mate), and two processes' batches take the badges' index entries in one order, so
# they cannot deadlock. A duplicate's first scan is the earlier statement's (first) or the
# batch's (mate). Only a genuine token is written: one whose digest (stamp) is its badge's
# token_digest, the digest of the token the server signed for that badge. Nothing is written
# for any other (no badge by that ref, a forgery, a badge not stamped yet: the portable path
# checks the signature), so 'wrong_summit' and 'invalid' cannot come from ``scan``; they keep
# the statement right on its own. Nothing is written for a repeated scan id, or when the first
# arrival came from an offline scan (the portable path settles the conflict). Times are naive
# UTC like every stored time.
# Every row is read through a LATERAL (or scalar) subquery on its key, never a plain join:
# the connection keeps one generic plan, often made while the day's tables are empty, and a
# join could then walk a whole index (as a merge join's ordered input) for each batch; the
# subqueries leave the planner nothing but the look-up (tests/checkin/test_fastpath_statement).
SCAN = f"""
WITH i AS (
    SELECT * FROM json_to_recordset(%(scans)s::json) AS i(
        n int, token_hash text, summit_id int, stamp text, ref text, version int,
        scan_id text, gate text, device text, scanned timestamp, received timestamp,
        press_code text)),
tok AS (
    SELECT i.n, t.id AS token_id, t.user_id, u.is_admin OR COALESCE((
        SELECT true FROM memberships m WHERE m.user_id = t.user_id
        AND m.summit_id = i.summit_id AND m.role IN ({SCAN_ROLES_SQL}) LIMIT 1), false)
        AS scans FROM i
    CROSS JOIN LATERAL (
        SELECT t.id, t.user_id FROM api_tokens t
        WHERE t.token_hash = i.token_hash AND t.revoked_at IS NULL
        AND (t.expires_at IS NULL OR t.expires_at > %(now)s)
        AND (t.scope = '{TokenScope.FULL.value}' OR t.summit_id = i.summit_id) LIMIT 1) t
    CROSS JOIN LATERAL (
        SELECT u.is_admin FROM users u WHERE u.id = t.user_id AND u.active LIMIT 1) u),
operator AS (SELECT tok.n, tok.user_id FROM tok WHERE tok.scans),
touch AS (
    UPDATE api_tokens SET last_used_at = %(now)s
    WHERE id = ANY (ARRAY(SELECT token_id FROM tok))
    AND (last_used_at IS NULL OR last_used_at < %(stale)s)),
b AS (
    SELECT i.n, b.id, b.press_person_id, r.category_id, pa.id AS application_id,
           b.token_digest = i.stamp AS genuine,
           CASE WHEN b.summit_id <> i.summit_id THEN 'wrong_summit'
                WHEN b.revoked_at IS NOT NULL OR b.version <> i.version THEN 'revoked'
                WHEN r.id IS NOT NULL AND r.status <> '{RegistrationStatus.APPROVED.value}'
                     THEN 'not_approved'
                WHEN p.id IS NOT NULL AND (p.status <> '{PersonStatus.APPROVED.value}'
                                           OR pa.status <> '{PressStatus.APPROVED.value}')
                     THEN 'not_approved'
                WHEN r.id IS NULL AND p.id IS NULL THEN 'invalid'
                ELSE 'ok' END AS result,
           COALESCE(r.name, p.name) AS name, COALESCE(r.name_native, p.name_native) AS native,
           COALESCE(r.name_pinyin, p.name_pinyin) AS pinyin,
           COALESCE(r.organisation_name, pa.outlet_name) AS organisation,
           p.photo_token
    FROM i CROSS JOIN LATERAL (
        SELECT b.id, b.summit_id, b.registration_id, b.press_person_id, b.revoked_at, b.version,
               b.token_digest
        FROM badges b WHERE b.ref = i.ref LIMIT 1) b
    LEFT JOIN LATERAL (
        SELECT r.id, r.category_id, r.status, r.name, r.name_native, r.name_pinyin,
               r.organisation_name
        FROM registrations r WHERE r.id = b.registration_id LIMIT 1) r ON true
    LEFT JOIN LATERAL (
        SELECT p.id, p.application_id, p.status, p.name, p.name_native, p.name_pinyin,
               p.photo_token
        FROM press_people p WHERE p.id = b.press_person_id LIMIT 1) p ON true
    LEFT JOIN LATERAL (
        SELECT pa.id, pa.status, pa.outlet_name
        FROM press_applications pa WHERE pa.id = p.application_id LIMIT 1) pa ON true),
first AS (
    SELECT b.n, ar.arrived_at, ar.gate, COALESCE((
        SELECT fc.offline FROM checkins fc WHERE fc.id = ar.checkin_id), false) AS offline
    FROM b CROSS JOIN LATERAL (
        SELECT ar.arrived_at, ar.gate, ar.checkin_id FROM arrivals ar
        WHERE ar.badge_id = b.id LIMIT 1) ar
    WHERE b.result = 'ok'),
go AS (
    SELECT i.n, nextval('checkins_id_seq') AS id, operator.user_id, b.id AS badge_id,
           COALESCE(b.result, 'invalid') AS result, first.n IS NOT NULL AS arrived
    FROM i JOIN operator ON operator.n = i.n JOIN b ON b.n = i.n AND b.genuine
    LEFT JOIN first ON first.n = i.n
    WHERE (SELECT true FROM checkins WHERE scan_id = i.scan_id LIMIT 1) IS NULL
      AND first.offline IS NOT TRUE),
a AS (
    INSERT INTO arrivals (summit_id, badge_id, checkin_id, gate, arrived_at)
    SELECT i.summit_id, go.badge_id, go.id, i.gate, i.scanned FROM go JOIN i ON i.n = go.n
    WHERE go.result = 'ok' AND NOT go.arrived
    ORDER BY go.badge_id, go.n
    ON CONFLICT (badge_id) DO NOTHING
    RETURNING badge_id, checkin_id, arrived_at, gate),
c AS (
    INSERT INTO checkins (id, summit_id, scan_id, badge_id, gate, device, operator_id, result,
                          scanned_at, received_at, method, offline)
    SELECT go.id, i.summit_id, i.scan_id, go.badge_id, i.gate, i.device, go.user_id,
           CASE WHEN go.result = 'ok' AND NOT EXISTS (SELECT 1 FROM a WHERE a.checkin_id = go.id)
                THEN 'duplicate' ELSE go.result END,
           i.scanned, i.received, 'scan', false
    FROM go JOIN i ON i.n = go.n
    RETURNING id, result)
SELECT json_agg(json_build_array(
       i.n, go.user_id, c.id, c.result, b.id,
       COALESCE(first.arrived_at, mate.arrived_at), COALESCE(first.gate, mate.gate),
       b.name, b.native, b.pinyin, b.organisation, b.photo_token, b.press_person_id,
       k.code, k.label_zh, k.label_en, k.colour, zs.codes, zs.labels) ORDER BY i.n)
FROM i LEFT JOIN go ON go.n = i.n LEFT JOIN c ON c.id = go.id LEFT JOIN b ON b.n = i.n
LEFT JOIN first ON first.n = i.n
LEFT JOIN a AS mate ON mate.badge_id = b.id AND mate.checkin_id <> go.id
LEFT JOIN attendee_categories k ON k.id = CASE WHEN b.press_person_id IS NULL THEN b.category_id
    ELSE (SELECT pk.id FROM attendee_categories pk
          WHERE pk.summit_id = i.summit_id AND pk.code = i.press_code) END
LEFT JOIN LATERAL (
    SELECT array_agg(z.code ORDER BY z.code) AS codes,
           array_agg(z.label_zh ORDER BY z.code) AS labels
    FROM (SELECT cz.zone_id FROM category_zones cz
          WHERE b.press_person_id IS NULL AND cz.category_id = k.id
          UNION ALL
          SELECT pz.zone_id FROM press_approved_zones pz
          WHERE b.press_person_id IS NOT NULL AND pz.application_id = b.application_id) held
    CROSS JOIN LATERAL (
        SELECT z.code, z.label_zh FROM zones z WHERE z.id = held.zone_id LIMIT 1) z) zs ON true
"""


SCAN_STATEMENT = direct.prepared("summit_scan", SCAN)
assert SCAN_STATEMENT.params == ("scans", "now", "stale")  # the order execute() sends them in
Row = namedtuple("Row", "n operator_id checkin_id result badge_id first_at first_gate name "
                        "native pinyin organisation photo_token press_person_id code label_zh "
                        "label_en colour zone_codes zone_labels")


# --- one statement -----------------------------------------------------------------------

def execute(scans: list[dict], key: tuple[int, str] | None = None) -> list[Row] | None:
    """Record a batch of scans (``SCAN``'s fields of ``i`` but ``n``) in one statement: their
    rows in order. Sent again once on a new connection when the connection was lost. None
    when the database refused the batch: nothing was written."""
    now = utcnow()
    values = [json.dumps([dict(scan, n=n) for n, scan in enumerate(scans)]).encode(),
              naive_utc(now).encode(),
              naive_utc(now - api_tokens.LAST_USED_RESOLUTION).encode()]
    result = direct.execute(SCAN_STATEMENT, values, key)
    if result.status == pq.ExecStatus.TUPLES_OK:
        return [_row(item) for item in json.loads(result.get_value(0, 0))]
    state = direct.sqlstate(result)
    if not state.startswith("23"):  # not a scan id recorded at the same moment
        logger.warning("check-in statement failed (%s): %s", state, direct.error_text(result))
    return None


def _row(item: list) -> Row:
    row = Row._make(item)
    if row.first_at is not None:
        row = row._replace(first_at=datetime.fromisoformat(row.first_at))
    return row
