"""Bearer tokens for the JSON API. Only a SHA-256 of each token is stored.

A token is ``full`` (everything its user may do; from ``POST /api/v1/tokens``) or ``checkin``
(a scanner phone's device token: check-in at one summit only). Every token expires
(``API_TOKEN_LIFETIME``, ``DEVICE_TOKEN_LIFETIME``) and can be revoked by its user; a new
password or logging out everywhere revokes them all (``logins.end_everything``).
"""
from __future__ import annotations

import logging
from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l

from summit.database import read_utc, utcnow
from summit.extensions import db
from summit.models import ApiToken, Summit, TokenScope, User
from summit.permissions import Permission, require
from summit.services.accounts import users as accounts
from summit.services.accounts.keys import digest, new_key
from summit.services.core import audit, audit_words, direct, reads
from summit.services.core.errors import NotFound

logger = logging.getLogger(__name__)

# Writing last_used_at on every request would turn reads into writes.
LAST_USED_RESOLUTION = timedelta(minutes=5)
MAX_TOKEN = 200
SCOPE_LABELS = {TokenScope.FULL: _l("Everything your account may do"),
                TokenScope.CHECKIN: _l("Checking people in at one summit")}
audit_words.name_enums(SCOPE_LABELS)


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    scheme, _sep, raw = header.partition(" ")
    return (raw.strip() or None) if scheme.lower() == "bearer" else None


def issue_token(email: str, password: str, address: str,
                now: datetime | None = None) -> tuple[str, ApiToken]:
    """Check the credentials (throttled like the login form) and return a new full token."""
    now = now or utcnow()
    user = accounts.authenticate(email, password, address, now=now)
    return issue_token_for(user, now=now)


def issue_token_for(user: User, *, scope: TokenScope = TokenScope.FULL,
                    summit: Summit | None = None, lifetime: timedelta | None = None,
                    purpose: str = "", now: datetime | None = None) -> tuple[str, ApiToken]:
    """A new token for a user already known to be who they are. ``lifetime`` defaults to
    ``API_TOKEN_LIFETIME`` (None there: the token lasts until revoked)."""
    now = now or utcnow()
    lifetime = lifetime or current_app.config.get("API_TOKEN_LIFETIME")
    raw = new_key("smt_")
    token = ApiToken(user_id=user.id, token_hash=digest(raw), prefix=raw[:8], scope=scope,
                     summit_id=summit.id if summit is not None else None, created_at=now,
                     expires_at=now + lifetime if lifetime else None)
    db.session.add(token)
    after = {"prefix": token.prefix,
             **({"scope": scope.value} if scope is not TokenScope.FULL else {}),
             **({"summit": summit.slug} if summit is not None else {}),
             **({"purpose": purpose} if purpose else {})}
    audit.record(user, "api_token.issue", token, summit=summit, now=now, after=after)
    db.session.commit()
    return raw, token


def issue_device_token(user: User, summit: Summit, now: datetime | None = None
                       ) -> tuple[str, ApiToken]:
    """A scanner phone's token: check-in at this summit only, for ``DEVICE_TOKEN_LIFETIME``
    (the scanner asks for a new one with its session when the old one is refused)."""
    require(user, Permission.CHECKIN_SCAN, summit)
    return issue_token_for(user, scope=TokenScope.CHECKIN, summit=summit,
                           lifetime=current_app.config["DEVICE_TOKEN_LIFETIME"],
                           purpose=f"scanner:{summit.slug}", now=now)


@cache
def live_token_query():
    """Built once (every API request runs it; building it cost more than running it)."""
    return (db.select(ApiToken)
            .where(ApiToken.token_hash == db.bindparam("hash"), ApiToken.revoked_at.is_(None),
                   db.or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > db.bindparam(
                       "now", type_=ApiToken.expires_at.type)))
            .options(db.joinedload(ApiToken.user).joinedload(User.memberships),
                     # Only what ``permits`` reads: a summit row has 25 columns, and each
                     # column of a result costs the driver and the ORM something per request.
                     db.joinedload(ApiToken.summit).load_only(Summit.id, Summit.slug)))


def token_for(raw: str, now: datetime | None = None) -> ApiToken | None:
    """The live token (not revoked, not expired, its user active), with its user, the user's
    roles (every API call checks a permission) and its summit: one query."""
    if not raw or len(raw) > MAX_TOKEN:
        return None
    now = now or utcnow()
    token = db.session.execute(live_token_query(), {"hash": digest(raw), "now": now}
                               ).unique().scalar_one_or_none()
    if token is None or not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token


@dataclass(frozen=True)
class TokenState:
    """What a read that answers everyone alike needs of a live token: its scope and its
    summit (device tokens), not its user."""

    scope: TokenScope
    summit_slug: str | None
    # (id, setup_version) of the summit asked for (``token_state``'s ``wanted``), read in
    # the same statement; None when not asked or there is no such summit.
    wanted: tuple[int, int] | None = None


@cache
def token_state_query():
    """Built once: the live token's scope and summit, its user active, as plain columns (no
    user, roles or ORM objects loaded), and whether its last use needs writing."""
    tokens, users, summits = ApiToken.__table__, User.__table__, Summit.__table__
    wanted = summits.alias("wanted")
    now = db.bindparam("now", type_=ApiToken.expires_at.type)
    return (db.select(tokens.c.id, tokens.c.scope, summits.c.slug, tokens.c.last_used_at,
                      wanted.c.id.label("wanted_id"),
                      wanted.c.setup_version.label("wanted_version"))
            .select_from(tokens.join(users, users.c.id == tokens.c.user_id)
                         .outerjoin(summits, summits.c.id == tokens.c.summit_id)
                         .outerjoin(wanted, wanted.c.slug == db.bindparam("wanted")))
            .where(tokens.c.token_hash == db.bindparam("hash"), tokens.c.revoked_at.is_(None),
                   db.or_(tokens.c.expires_at.is_(None), tokens.c.expires_at > now),
                   users.c.active.is_(True)))


def token_state(raw: str, now: datetime | None = None,
                wanted: str | None = None) -> TokenState | None:
    """``token_for`` for a public read: the same token is live (and its use is noted the
    same way), in one statement of a few columns instead of the token, user, roles and
    summit as objects; with the id and setup version of the summit at slug ``wanted``."""
    if not raw or len(raw) > MAX_TOKEN:
        return None
    now = now or utcnow()
    row = live_state(digest(raw), now, wanted)
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        db.session.execute(db.update(ApiToken).where(ApiToken.id == row.id)
                           .values(last_used_at=now))
        db.session.commit()
    return TokenState(row.scope, row.slug, None if row.wanted_id is None
                      else (row.wanted_id, row.wanted_version))


SCOPES = {scope.value: scope for scope in TokenScope}
StateRow = namedtuple("StateRow", "id scope slug last_used_at wanted_id wanted_version")


@cache
def token_state_statement() -> direct.Prepared:
    """``token_state_query`` as PostgreSQL runs it, for the direct connections."""
    return direct.compiled("summit_token_state", token_state_query())


def live_state(token_hash: str, now: datetime, wanted: str | None) -> StateRow | None:
    """``token_state_query``'s row. On PostgreSQL through a direct connection (issue 23:
    SQLAlchemy's execution and the pool's check-out and check-in were most of a warm API
    read), elsewhere, or when the database refuses the prepared statement, on a pooled
    connection in autocommit; either way the statement runs on every read, so a revoked or
    expired token is refused at once."""
    key = direct.target()
    if key is not None:
        try:
            row = direct.first_row(token_state_statement(), {
                "hash": token_hash, "now": direct.naive_utc(now), "wanted": wanted}, key)
        except direct.Refused as refusal:
            logger.warning("token statement failed (%s)", refusal)
        else:
            if row is None:
                return None
            token_id, scope, slug, used, wanted_id, version = row
            return StateRow(int(token_id), SCOPES[scope], slug,
                            None if used is None else read_utc(datetime.fromisoformat(used)),
                            None if wanted_id is None else int(wanted_id),
                            None if version is None else int(version))
    return reads.first_row(token_state_query(),
                           {"hash": token_hash, "now": now, "wanted": wanted})


def permits(token: ApiToken | TokenState, checkin_at: str | None) -> bool:
    """May ``token`` be used here? A full token anywhere; a check-in token only on a check-in
    endpoint (``checkin_at`` is then the summit's slug in the URL) of its own summit."""
    if token.scope is TokenScope.FULL:
        return True
    slug = token.summit_slug if isinstance(token, TokenState) else \
        (token.summit.slug if token.summit is not None else None)
    return checkin_at is not None and slug is not None and slug == checkin_at


def live_tokens(user: User, now: datetime | None = None) -> list[ApiToken]:
    """The user's tokens that still work, newest first, with their summits."""
    now = now or utcnow()
    return list(db.session.scalars(
        db.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
                                  db.or_(ApiToken.expires_at.is_(None),
                                         ApiToken.expires_at > now))
        .options(db.joinedload(ApiToken.summit))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def own_token(user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; someone else's is as unknown as a missing one."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_l("You have no such token."))
    return token


def revoke_token(actor: User, token: ApiToken, now: datetime | None = None) -> None:
    """The token's user (or an administrator) ends it at once."""
    if token.user_id != actor.id and not actor.is_admin:
        raise NotFound(_l("You have no such token."))
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        audit.record(actor, "api_token.revoke", token, now=now, after={"prefix": token.prefix})
        db.session.commit()
