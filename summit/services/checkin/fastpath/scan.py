"""The gate's hot path on PostgreSQL: an online scan in one SQL statement and one round trip.

Every gate posts a scan per person; most are a first, accepted scan of a valid badge, a few a
second scan. For both, this module hands the scan, with its token's digest, to ``statement``,
whose one statement (shared with the scans this process's other threads are sending at that
moment) does what ``scans.scan`` does in seven: it checks the API token and the operator's
role at the summit, reads the badge with its holder, takes the token as genuine only when its
digest is the badge's stamp (the digest of the token the server signed for that badge and
version, ``badges.stamps``: a cheaper proof than checking the signature again, and as
strong), records the scan and the arrival, and answers duplicates with the first scan's time
and gate.

Nothing about a token, a role or a badge is cached: a revoked token, a removed role or a
revoked badge answers accordingly on the next scan in every process. Cached per application are
only what cannot change without a restart or changes rarely and harmlessly: the summit's id by
slug and its key's id, and the salon doors (``salons.doors_of``, as the portable path).

Anything out of the ordinary returns None and the caller takes the portable ORM path
(``scans.scan``), which gives the same answer: an offline scan or a duplicate of one
(conflicts), a salon door, a token naming another key, a token whose digest is not its
badge's stamp (a forgery, or a badge stamped before a new key or never), a token the statement
refuses, a repeated scan id.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from time import monotonic

from flask import Flask

from summit.database import read_utc, utcnow
from summit.extensions import db
from summit.models import Summit, User
from summit.models.checkin import CheckIn
from summit.services.accounts import tokens as api_tokens
from summit.services.badges import issuing as badges, tokens as badge_tokens
from summit.services.checkin import holders, salons, scans
from summit.services.checkin.fastpath import batches, statement
from summit.services.checkin.scans import HOLDER_RESULTS, MAX_TOKEN, ScanAnswer, ScanInput
from summit.services.core import metrics

SUMMIT_TTL = 60.0  # seconds a slug → summit mapping is kept (a slug is rarely changed)


@dataclass(frozen=True)
class SummitKey:
    id: int
    created_at: datetime
    press_category_code: str
    key_id: bytes
    loaded: float


def summit_key(app: Flask, slug: str) -> SummitKey | None:
    """The summit's key by slug, kept SUMMIT_TTL; read in an application context of its own
    when it is not kept (the fast path runs outside one)."""
    summits = app.extensions.setdefault("summit.checkin_summits", {})
    cached = summits.get(slug)
    if cached is not None and monotonic() - cached.loaded < SUMMIT_TTL:
        return cached
    with app.app_context():
        summit = db.session.scalar(db.select(Summit).where(Summit.slug == slug))
        if summit is None:
            summits.pop(slug, None)
            return None
        private = badges.private_key(summit)
        cached = SummitKey(summit.id, summit.created_at, summit.press_category_code,
                           badge_tokens.key_id(private.public_key()), monotonic())
    summits[slug] = cached
    return cached


def salon_door(app: Flask, key: SummitKey, gate: str) -> bool:
    doors = salons.kept_doors(key.id, key.created_at)
    if doors is None:
        with app.app_context():
            doors = salons.doors_of_id(key.id, key.created_at)
    return gate in doors


# The digests of the API tokens this process's gates sent last (a gate sends the same token
# with every scan): a digest is worked out once, not for each scan.
_digests: dict[str, str] = {}
DIGESTS_KEPT = 256


def token_digest(raw_token: str) -> str:
    found = _digests.get(raw_token)
    if found is None:
        if len(_digests) >= DIGESTS_KEPT:
            _digests.clear()
        found = _digests[raw_token] = api_tokens.digest(raw_token)
    return found


def storable(text: str) -> bool:
    """Text PostgreSQL can hold: no NUL, no lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def scan(app: Flask, database: tuple[int, str], slug: str, raw_token: str, token: object,
         given: ScanInput, photo_url: Callable[[int], str],
         now: datetime | None = None) -> ScanAnswer | None:
    """The answer to an online scan, recorded; None when the caller must take the portable
    path (nothing has been written then). Runs outside an application context (``database``
    is ``direct.database_key()``): what is not kept is read in one of its own."""
    if given.offline:
        return None
    if not raw_token or len(raw_token) > 200:
        return None
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        return None
    if not storable(given.gate + given.device):
        return None  # one scan's bad text would refuse its whole batch: the portable path
    key = summit_key(app, slug)
    if key is None or salon_door(app, key, given.gate):
        return None
    try:
        claims = badge_tokens.decode(token)[0]
    except badge_tokens.InvalidToken:
        return None
    if claims.key_id != key.key_id:
        return None  # another summit's badge, or an older key: the portable path tells
    now = now or utcnow()
    received = statement.naive_utc(now)
    row = batches.send(database, {
        "token_hash": token_digest(raw_token), "summit_id": key.id,
        "stamp": badge_tokens.digest(token),
        "ref": claims.badge_ref.hex(), "version": claims.version, "scan_id": given.scan_id,
        "gate": given.gate, "device": given.device,
        "scanned": received if given.scanned_at is None else
        statement.naive_utc(given.scanned_at),
        "received": received, "press_code": key.press_category_code})
    if row is None or row.checkin_id is None:
        # No valid token, no role here, a repeated scan id or an offline first scan:
        # nothing was written.
        return None
    metrics.count_scan(row.result, given.gate)
    holder = holders.holder_of_row(row, photo_url) if row.result in HOLDER_RESULTS else None
    if row.result != "duplicate":
        return ScanAnswer(row.result, holder=holder)
    if row.first_at is not None:
        return ScanAnswer("duplicate", read_utc(row.first_at), row.first_gate, holder)
    # The holder arrived through a scan made at the same moment (not in this statement's
    # snapshot): finish as the portable path does, which reads that scan.
    with app.app_context():
        return _settle_duplicate(row, holder, now)


def _settle_duplicate(row: statement.Row, holder: dict | None, now: datetime) -> ScanAnswer:
    """Flag an offline conflict if the first scan was one, and answer as the portable path
    does (``scans._answer``; the holder is the statement's, so no request is needed to
    build a photo's address)."""
    actor = db.session.get(User, row.operator_id)
    checkin = db.session.get(CheckIn, row.checkin_id)
    summit = db.session.get(Summit, checkin.summit_id)
    arrival = scans.settle_conflict(actor, summit, checkin, now)
    db.session.flush()
    conflict = checkin.conflict_with_id is not None
    if checkin.result == "duplicate":
        answer = ScanAnswer("duplicate", arrival.arrived_at, arrival.gate, holder, conflict)
    else:  # this scan was made before the offline one and is now the arrival
        answer = ScanAnswer(checkin.result, holder=holder, conflict=conflict)
    db.session.commit()
    return answer
