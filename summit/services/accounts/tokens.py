"""Bearer tokens for the JSON API. Only a SHA-256 of each token is stored."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from summit.database import utcnow
from summit.extensions import db
from summit.models import ApiToken, User
from summit.services.accounts import users as accounts
from summit.services.core import audit

# Writing last_used_at on every request would turn reads into writes.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    scheme, _sep, raw = header.partition(" ")
    return (raw.strip() or None) if scheme.lower() == "bearer" else None


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(email: str, password: str, address: str,
                now: datetime | None = None) -> tuple[str, ApiToken]:
    """Check the credentials (throttled like the login form) and return a new token."""
    now = now or utcnow()
    user = accounts.authenticate(email, password, address, now=now)
    return issue_token_for(user, now=now)


def issue_token_for(user: User, purpose: str = "", now: datetime | None = None
                    ) -> tuple[str, ApiToken]:
    """A new token for an already signed-in user (e.g. a scanner page going offline)."""
    now = now or utcnow()
    raw = "smt_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=digest(raw), prefix=raw[:8], created_at=now)
    db.session.add(token)
    after = {"prefix": token.prefix, **({"purpose": purpose} if purpose else {})}
    audit.record(user, "api_token.issue", token, now=now, after=after)
    db.session.commit()
    return raw, token


def user_for_token(raw: str, now: datetime | None = None) -> User | None:
    if not raw or len(raw) > 200:
        return None
    # The user and their roles come with the token: every API call checks a permission.
    token = db.session.execute(
        db.select(ApiToken).where(ApiToken.token_hash == digest(raw),
                                  ApiToken.revoked_at.is_(None))
        .options(db.joinedload(ApiToken.user).joinedload(User.memberships))
    ).unique().scalar_one_or_none()
    if token is None or not token.user.active:
        return None
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token.user


def revoke_token(actor: User, token: ApiToken, now: datetime | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        audit.record(actor, "api_token.revoke", token, now=now, after={"prefix": token.prefix})
        db.session.commit()
