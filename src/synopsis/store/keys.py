"""API keys: random secrets shown once, stored as sha256 digests, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from .tables import ApiKey

KEY_PREFIX = "syn_"


def digest(key: str) -> str:
    """Keys are 256 random bits, so a plain sha256 is a safe, fast lookup digest."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class KeyInfo:
    id: int
    name: str
    prefix: str
    created: datetime
    revoked: datetime | None


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(row.id, row.name, row.prefix, row.created, row.revoked)


def create_key(sessions: sessionmaker[Session], name: str) -> tuple[KeyInfo, str]:
    """A new key; the secret is returned once and never stored."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    with sessions.begin() as session:
        row = ApiKey(
            name=name, prefix=secret[:12], digest=digest(secret), created=datetime.now(UTC)
        )
        session.add(row)
        session.flush()
        return _info(row), secret


def list_keys(sessions: sessionmaker[Session]) -> list[KeyInfo]:
    with sessions() as session:
        return [_info(row) for row in session.scalars(select(ApiKey).order_by(ApiKey.id))]


def count_active(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        query = select(func.count()).select_from(ApiKey).where(ApiKey.revoked.is_(None))
        return session.scalar(query) or 0


def revoke_key(sessions: sessionmaker[Session], ident: str) -> KeyInfo | None:
    """Revoke by id, name or prefix; None when nothing matches."""
    with sessions.begin() as session:
        query = select(ApiKey).where(ApiKey.revoked.is_(None))
        rows = [
            row
            for row in session.scalars(query)
            if ident in (str(row.id), row.name, row.prefix)
            or (ident.startswith(KEY_PREFIX) and digest(ident) == row.digest)
        ]
        if len(rows) != 1:
            return None
        rows[0].revoked = datetime.now(UTC)
        return _info(rows[0])


def authenticate(sessions: sessionmaker[Session], secret: str) -> int | None:
    """The id of the active key with this secret, or None."""
    key_id, revoked = lookup(sessions, secret)
    return None if revoked else key_id


def lookup(sessions: sessionmaker[Session], secret: str) -> tuple[int | None, bool]:
    """(key id, revoked) for this secret; (None, False) when no key ever had it.

    Telling a revoked key from a wrong one reveals nothing to a guesser (only the holder of a
    secret that once worked can learn it was revoked) and tells that holder what to do.
    """
    with sessions() as session:
        row = session.execute(
            select(ApiKey.id, ApiKey.revoked).where(ApiKey.digest == digest(secret))
        ).first()
        return (None, False) if row is None else (row.id, row.revoked is not None)
