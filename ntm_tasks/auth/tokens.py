"""API bearer tokens: random, stored as SHA-256, revocable, expiring."""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from ntm_tasks.db import utcnow
from ntm_tasks.extensions import db
from ntm_tasks.org.models import ApiToken, User


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A new token for `user`; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        token_hash=_digest(raw),
        expires_at=utcnow() + timedelta(days=current_app.config["API_TOKEN_DAYS"]),
    )
    db.session.add(token)
    db.session.flush()
    return raw, token


def token_for(raw: str) -> ApiToken | None:
    """The live token with this raw value, if any."""
    # The account, its unit (every scope filter reads it) and its bodies (an assignee's every permission check)
    # come in the same query: one round trip, not four.
    user = joinedload(ApiToken.user)
    token = db.session.execute(sa.select(ApiToken).where(ApiToken.token_hash == _digest(raw))
                               .options(user.joinedload(User.unit), user.joinedload(User.bodies))
                               ).unique().scalar_one_or_none()
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.is_active:
        return None
    return token


def revoke_token(token: ApiToken) -> None:
    token.revoked_at = utcnow()


def revoke_all_tokens(user: User) -> None:
    db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
