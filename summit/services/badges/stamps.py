"""A badge's token and its stamp: ``badges.token_digest``, the SHA-256 of the token the server
signed for the badge's ref and version. The check-in statement takes a scanned token as
genuine when its digest is that stamp, instead of checking its signature again
(``checkin/fastpath``).

The stamp is written in the flush that inserts a badge or changes its ref or version, on
PostgreSQL only (the one database with the check-in statement). A badge left without one (made
before stamps, made in the same transaction as its summit, or stamped under an older key) is
scanned the portable way, which checks the signature and stamps it (``stamp_scanned``).
"""
from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import object_session

from summit.models import Badge, Summit
from summit.services.badges import keys as signing_keys, tokens as badge_tokens


def token_of(summit: Summit | int, ref: str, version: int) -> str:
    """The signed token of a badge of ``summit`` (or its id) with ``ref`` and ``version``."""
    return badge_tokens.sign(signing_keys.private_key(summit), bytes.fromhex(ref), version)


@event.listens_for(Badge, "before_insert")
@event.listens_for(Badge, "before_update")
def stamp(mapper, connection, badge: Badge) -> None:
    """Stamp a badge inserted, or whose ref or version changes. Runs in the flush, once the
    summit has its id; the key is read (or made) as ``keys.private_key`` does."""
    if connection.dialect.name != "postgresql":
        return
    state = inspect(badge)
    if state.persistent and not (state.attrs.version.history.has_changes()
                                 or state.attrs.ref.history.has_changes()):
        return
    summit = badge.summit
    if summit is None or summit in object_session(badge).new:
        return  # the summit is this transaction's own: its first scan stamps the badge
    if badge.version is None:
        badge.version = 1  # the column's default, not yet given at this point of the flush
    badge.token_digest = badge_tokens.digest(token_of(summit.id, badge.ref, badge.version))


def stamp_scanned(badge: Badge, token: str) -> None:
    """After the portable path checked ``token``'s signature: stamp its badge when the token
    is the badge's current one and the stamp differs; the scan's transaction writes it."""
    claims = badge_tokens.decode(token)[0]
    digest = badge_tokens.digest(token)
    if claims.version == badge.version and badge.token_digest != digest:
        badge.token_digest = digest
