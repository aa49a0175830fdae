"""Users, passwords, sessions, bearer tokens and CSRF tokens, and the dependencies that check them.

- Passwords are hashed with argon2id (``argon2-cffi``, OWASP's baseline parameters) and
  rehashed on login when the parameters change.
- A login hands out a random secret: a browser session (cookie ``pulso_session``, HttpOnly,
  SameSite=Lax) or an API bearer token (``POST /api/v1/auth/token``). Only a keyed hash of it
  (HMAC-SHA256 with the app's secret key) is stored, with its expiry; logging out deletes it.
  An unknown, altered or expired secret is refused with 401.
- Every form post carries a CSRF token derived from the secret key and the session (or, before
  login, a random ``pulso_csrf`` cookie); API calls authenticated by the cookie must send it in
  the ``X-CSRF-Token`` header. Bearer calls need none (a browser never adds them by itself).
- Roles: ``admin`` and ``analyst`` may change data; a ``viewer`` gets 403 on any request that
  is not GET, HEAD or OPTIONS.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Annotated, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pulso.api.deps import SessionDep
from pulso.api.problems import problem
from pulso.errors import ConfigError, InputError, PulsoError
from pulso.store.queries import auth as queries
from pulso.store.session import session_scope
from pulso.store.tables_auth import User

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "DEMO_ADMIN_EMAIL",
    "OPEN_PRINCIPAL",
    "ROLES",
    "SAFE_METHODS",
    "SESSION_COOKIE",
    "AuthConfig",
    "AuthenticationError",
    "PermissionDeniedError",
    "Principal",
    "PrincipalDep",
    "api_principal",
    "auth_config",
    "authenticate",
    "bearer_scheme",
    "create_user",
    "csrf_token",
    "csrf_valid",
    "ensure_demo_admin",
    "hash_password",
    "install_auth_handlers",
    "issue_token",
    "require_api_user",
    "resolve_token",
    "revoke_token",
    "set_password",
    "verify_password",
]

logger = logging.getLogger(__name__)

ROLES = ("admin", "analyst", "viewer")
_EDITOR_ROLES = frozenset({"admin", "analyst"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "pulso_session"
CSRF_COOKIE = "pulso_csrf"
CSRF_HEADER = "X-CSRF-Token"
DEMO_ADMIN_EMAIL = "admin@pulso.pe"
_MIN_PASSWORD = 8
_MIN_SECRET = 16
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~0.1 s per login on a small server.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


class AuthenticationError(PulsoError):
    """No valid credentials came with the request (HTTP 401)."""


class PermissionDeniedError(PulsoError):
    """The user is known but may not do this (HTTP 403)."""


@dataclass(frozen=True, slots=True)
class AuthConfig:
    """How the app authenticates: the signing secret, lifetimes and cookie flags."""

    secret_key: str
    session_max_age_seconds: int = 8 * 3600
    token_max_age_seconds: int = 12 * 3600
    cookie_secure: bool = False

    @classmethod
    def for_server(cls, secret_key: str, *, production: bool) -> AuthConfig:
        """The config ``pulso serve`` uses: a short development secret (the ``change-me``
        default) is replaced by a random one for this process, so sessions end with it."""
        if len(secret_key) < _MIN_SECRET and not production:
            logger.warning("PULSO_SECRET_KEY is short: sessions use a random per-process key")
            secret_key = secrets.token_urlsafe(32)
        return cls(secret_key=secret_key, cookie_secure=production)

    def __post_init__(self) -> None:
        if len(self.secret_key) < _MIN_SECRET:
            raise ConfigError("the auth secret key must be at least 16 characters")
        if min(self.session_max_age_seconds, self.token_max_age_seconds) <= 0:
            raise ConfigError("session and token lifetimes must be positive")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who made a request and how they proved it (``via`` is ``cookie``, ``bearer`` or ``open``)."""

    user_id: int | None
    email: str
    role: str
    token_hash: str | None
    via: str

    @property
    def can_change_data(self) -> bool:
        return self.role in _EDITOR_ROLES


#: The principal of every request when the app runs without auth (``create_app(engine)``).
OPEN_PRINCIPAL = Principal(
    user_id=None, email="anonymous", role="admin", token_hash=None, via="open"
)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


# --- passwords and users ------------------------------------------------------------------


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; encodes its own parameters)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a malformed hash)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a miss costs as long as a wrong password."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _check_new_user(email: str, role: str, password: str) -> None:
    if not _EMAIL.match(email):
        raise InputError(f"{email!r} is not an email address", column="email")
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, got {role!r}", column="role")
    _check_password(password)


def _check_password(password: str) -> None:
    if len(password) < _MIN_PASSWORD:
        raise InputError(
            f"the password must have at least {_MIN_PASSWORD} characters", column="password"
        )


def create_user(
    session: Session, email: str, *, role: str, password: str, now: datetime | None = None
) -> User:
    """Add a user; raises :class:`InputError` for a bad email, role, short password or duplicate."""
    email = email.strip().lower()
    _check_new_user(email, role, password)
    if queries.find_user(session, email) is not None:
        raise InputError(f"a user {email!r} already exists", column="email")
    user = queries.add_user(
        session, email, password_hash=hash_password(password), role=role, created_at=_now(now)
    )
    logger.info("created user %s with role %s", email, role)
    return user


def set_password(session: Session, email: str, *, password: str) -> User:
    """Replace a user's password (and so every session it had stays valid only until expiry)."""
    _check_password(password)
    user = queries.find_user(session, email)
    if user is None:
        raise InputError(f"no user {email!r}", column="email")
    user.password_hash = hash_password(password)
    return user


def authenticate(
    session: Session, email: str, password: str, *, now: datetime | None = None
) -> User | None:
    """The active user with these credentials, or None; records the login time."""
    user = queries.find_user(session, email)
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = _now(now)
    return user


# --- sessions and bearer tokens -----------------------------------------------------------


def _token_hash(config: AuthConfig, token: str) -> str:
    return hmac.new(config.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def issue_token(
    session: Session,
    user: User,
    *,
    config: AuthConfig,
    kind: str,
    now: datetime | None = None,
) -> str:
    """Create a browser session (``kind="session"``) or bearer token (``"token"``) for ``user``."""
    if kind not in {"session", "token"}:
        raise InputError(f"unknown token kind {kind!r}")
    moment = _now(now)
    lifetime = (
        config.session_max_age_seconds if kind == "session" else config.token_max_age_seconds
    )
    token = secrets.token_urlsafe(32)
    queries.delete_expired_sessions(session, now=moment)
    queries.add_session(
        session,
        user,
        token_hash=_token_hash(config, token),
        kind=kind,
        created_at=moment,
        expires_at=moment + timedelta(seconds=lifetime),
    )
    return token


def resolve_token(
    session: Session, token: str, *, config: AuthConfig, kind: str, now: datetime | None = None
) -> Principal | None:
    """The principal a session or bearer token stands for, or None if unknown or expired."""
    digest = _token_hash(config, token)
    found = queries.session_with_user(session, digest)
    if found is None:
        return None
    stored, user = found
    if stored.kind != kind or stored.expires_at <= _now(now) or not user.active:
        return None
    via = "cookie" if kind == "session" else "bearer"
    return Principal(user.id, user.email, user.role, digest, via)


def revoke_token(session: Session, token: str, *, config: AuthConfig) -> bool:
    """Log a session or token out; True if it existed."""
    return queries.delete_session(session, _token_hash(config, token)) > 0


# --- CSRF --------------------------------------------------------------------------------


def csrf_token(secret: str, binding: str) -> str:
    """The CSRF token for a session (``binding`` is its token hash or the anonymous nonce)."""
    mac = hmac.new(secret.encode(), f"csrf:{binding}".encode(), hashlib.sha256)
    return mac.hexdigest()


def csrf_valid(secret: str, binding: str | None, submitted: str | None) -> bool:
    """Whether ``submitted`` is the CSRF token of ``binding`` (compared in constant time)."""
    if not binding or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret, binding), submitted)


# --- the demo admin -----------------------------------------------------------------------


def ensure_demo_admin(engine: Engine) -> str:
    """Create ``admin@pulso.pe`` (or reset its password) and return the new random password."""
    password = secrets.token_urlsafe(12)
    with session_scope(engine) as session:
        if queries.find_user(session, DEMO_ADMIN_EMAIL) is None:
            create_user(session, DEMO_ADMIN_EMAIL, role="admin", password=password)
        else:
            user = set_password(session, DEMO_ADMIN_EMAIL, password=password)
            user.role, user.active = "admin", True
    return password


# --- FastAPI dependencies and error responses ---------------------------------------------

bearer_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def auth_config(request: Request) -> AuthConfig | None:
    """The app's auth configuration (None when the app runs open)."""
    config = getattr(request.app.state, "auth", None)
    assert config is None or isinstance(config, AuthConfig)
    return config


def api_principal(
    request: Request,
    session: SessionDep,
    bearer: Annotated[str | None, Depends(bearer_scheme)],
) -> Principal:
    """Who calls the API: a bearer token first, else the session cookie (401 when neither)."""
    config = auth_config(request)
    if config is None:
        return OPEN_PRINCIPAL
    if bearer:
        principal = resolve_token(session, bearer, config=config, kind="token")
        if principal is None:
            raise AuthenticationError("the bearer token is invalid or has expired")
        return principal
    cookie = request.cookies.get(SESSION_COOKIE)
    principal = resolve_token(session, cookie, config=config, kind="session") if cookie else None
    if principal is None:
        raise AuthenticationError("log in or send a bearer token from POST /api/v1/auth/token")
    if request.method not in SAFE_METHODS and not csrf_valid(
        config.secret_key, principal.token_hash, request.headers.get(CSRF_HEADER)
    ):
        raise PermissionDeniedError(f"the {CSRF_HEADER} header is missing or wrong")
    return principal


PrincipalDep = Annotated[Principal, Depends(api_principal)]


def require_api_user(request: Request, principal: PrincipalDep) -> Principal:
    """Router dependency: any user may read; only admins and analysts may change data."""
    if request.method not in SAFE_METHODS and not principal.can_change_data:
        raise PermissionDeniedError(f"a {principal.role} may read but not change data")
    return principal


async def _authentication_error(_request: Request, exc: Exception) -> JSONResponse:
    response = problem(401, "AuthenticationError", str(exc))
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def _permission_error(_request: Request, exc: Exception) -> JSONResponse:
    return problem(403, "PermissionDeniedError", str(exc))


def install_auth_handlers(app: FastAPI) -> None:
    """Map the auth errors to 401 and 403 problem+json responses."""
    handlers: dict[type[Exception], Any] = {
        AuthenticationError: _authentication_error,
        PermissionDeniedError: _permission_error,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)
