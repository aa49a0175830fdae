"""Reads and writes of users and their sessions (the auth service's store)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from pulso.store.tables_auth import AuthSession, User

__all__ = [
    "add_session",
    "add_user",
    "delete_expired_sessions",
    "delete_session",
    "find_user",
    "list_users",
    "session_with_user",
]


def find_user(session: Session, email: str) -> User | None:
    """The user with ``email`` (compared case-insensitively), or None."""
    return session.scalars(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).first()


def list_users(session: Session) -> list[User]:
    """Every user, by email."""
    return list(session.scalars(select(User).order_by(User.email)))


def add_user(
    session: Session, email: str, *, password_hash: str, role: str, created_at: datetime
) -> User:
    """Insert a user and return it (flushed, so it has an id)."""
    user = User(
        email=email, password_hash=password_hash, role=role, active=True, created_at=created_at
    )
    session.add(user)
    session.flush()
    return user


def add_session(
    session: Session,
    user: User,
    *,
    token_hash: str,
    kind: str,
    created_at: datetime,
    expires_at: datetime,
) -> AuthSession:
    """Record a session or bearer token by the keyed hash of its secret."""
    row = AuthSession(
        token_hash=token_hash,
        user_id=user.id,
        kind=kind,
        created_at=created_at,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row


def session_with_user(session: Session, token_hash: str) -> tuple[AuthSession, User] | None:
    """The session stored under ``token_hash`` and its user, or None."""
    row = session.execute(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_hash == token_hash)
    ).first()
    return None if row is None else (row[0], row[1])


def delete_session(session: Session, token_hash: str) -> int:
    """Forget one session or token; returns how many rows went (0 or 1)."""
    result = session.execute(delete(AuthSession).where(AuthSession.token_hash == token_hash))
    return int(getattr(result, "rowcount", 0) or 0)


def delete_expired_sessions(session: Session, *, now: datetime) -> int:
    """Forget every session that expired before ``now``."""
    result = session.execute(delete(AuthSession).where(AuthSession.expires_at < now))
    return int(getattr(result, "rowcount", 0) or 0)
