"""Passwords, sessions, bearer tokens and CSRF tokens (no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from pulso.api.auth import (
    AuthConfig,
    authenticate,
    create_user,
    csrf_token,
    csrf_valid,
    ensure_demo_admin,
    hash_password,
    issue_token,
    resolve_token,
    revoke_token,
    verify_password,
)
from pulso.errors import ConfigError, InputError
from pulso.store.session import session_scope

CONFIG = AuthConfig(secret_key="unit-test-secret-0123456789")
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


def test_passwords_are_argon2_hashes_that_verify_only_the_right_password():
    hashed = hash_password("s3cret-pass")
    assert hashed.startswith("$argon2id$")
    assert "s3cret-pass" not in hashed
    assert verify_password(hashed, "s3cret-pass")
    assert not verify_password(hashed, "s3cret-pasS")
    assert not verify_password("not-a-hash", "s3cret-pass")


def test_create_user_validates_email_role_password_and_duplicates(sqlite_engine):
    with session_scope(sqlite_engine) as session:
        user = create_user(session, " Ana@Pulso.PE ", role="analyst", password="long-enough")
        assert (user.email, user.role, user.active) == ("ana@pulso.pe", "analyst", True)
        with pytest.raises(InputError, match="already exists"):
            create_user(session, "ana@pulso.pe", role="viewer", password="long-enough")
        with pytest.raises(InputError, match="role must be one of admin, analyst, viewer"):
            create_user(session, "bo@pulso.pe", role="owner", password="long-enough")
        with pytest.raises(InputError, match="at least 8 characters"):
            create_user(session, "bo@pulso.pe", role="viewer", password="short")
        with pytest.raises(InputError, match="not an email"):
            create_user(session, "bo", role="viewer", password="long-enough")


def test_authenticate_checks_password_and_active_flag(sqlite_engine):
    with session_scope(sqlite_engine) as session:
        user = create_user(session, "ana@pulso.pe", role="viewer", password="long-enough")
        assert authenticate(session, "ANA@pulso.pe", "long-enough", now=NOW) is user
        assert user.last_login_at == NOW
        assert authenticate(session, "ana@pulso.pe", "wrong-password") is None
        assert authenticate(session, "nobody@pulso.pe", "long-enough") is None
        user.active = False
        assert authenticate(session, "ana@pulso.pe", "long-enough") is None


def test_tokens_resolve_until_they_expire_and_only_as_their_kind(sqlite_engine):
    with session_scope(sqlite_engine) as session:
        user = create_user(session, "ana@pulso.pe", role="analyst", password="long-enough")
        token = issue_token(session, user, config=CONFIG, kind="token", now=NOW)
        principal = resolve_token(session, token, config=CONFIG, kind="token", now=NOW)
        assert principal is not None
        assert (principal.email, principal.role, principal.via) == (
            "ana@pulso.pe",
            "analyst",
            "bearer",
        )
        assert principal.can_change_data
        later = NOW + timedelta(seconds=CONFIG.token_max_age_seconds)
        assert resolve_token(session, token, config=CONFIG, kind="token", now=later) is None
        assert resolve_token(session, token, config=CONFIG, kind="session", now=NOW) is None


def test_tampered_tokens_and_tokens_of_another_key_are_refused(sqlite_engine):
    with session_scope(sqlite_engine) as session:
        user = create_user(session, "ana@pulso.pe", role="viewer", password="long-enough")
        token = issue_token(session, user, config=CONFIG, kind="session", now=NOW)
        tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
        other_key = AuthConfig(secret_key="another-secret-0123456789")
        assert resolve_token(session, token, config=CONFIG, kind="session", now=NOW)
        assert resolve_token(session, tampered, config=CONFIG, kind="session", now=NOW) is None
        assert resolve_token(session, token, config=other_key, kind="session", now=NOW) is None


def test_revoked_tokens_are_gone_and_only_their_hash_is_stored(sqlite_engine):
    with session_scope(sqlite_engine) as session:
        user = create_user(session, "ana@pulso.pe", role="viewer", password="long-enough")
        token = issue_token(session, user, config=CONFIG, kind="session", now=NOW)
        stored = session.execute(text("SELECT token_hash FROM auth_session")).scalar_one()
        assert token not in stored
        assert len(stored) == 64
        assert revoke_token(session, token, config=CONFIG)
        assert not revoke_token(session, token, config=CONFIG)
        assert resolve_token(session, token, config=CONFIG, kind="session", now=NOW) is None


def test_csrf_tokens_are_bound_to_their_session():
    token = csrf_token("secret-a", "session-1")
    assert csrf_valid("secret-a", "session-1", token)
    assert not csrf_valid("secret-a", "session-2", token)
    assert not csrf_valid("secret-b", "session-1", token)
    assert not csrf_valid("secret-a", "session-1", None)
    assert not csrf_valid("secret-a", None, token)


def test_demo_admin_is_created_then_gets_a_fresh_password(sqlite_engine):
    first = ensure_demo_admin(sqlite_engine)
    second = ensure_demo_admin(sqlite_engine)
    assert first != second
    with session_scope(sqlite_engine) as session:
        assert authenticate(session, "admin@pulso.pe", first) is None
        admin = authenticate(session, "admin@pulso.pe", second)
        assert admin is not None
        assert admin.role == "admin"


def test_auth_config_refuses_short_secrets_except_in_development():
    with pytest.raises(ConfigError, match="16 characters"):
        AuthConfig(secret_key="short")
    with pytest.raises(ConfigError, match="16 characters"):
        AuthConfig.for_server("change-me", production=True)
    development = AuthConfig.for_server("change-me", production=False)
    assert len(development.secret_key) >= 32
    assert not development.cookie_secure
    assert AuthConfig.for_server("x" * 40, production=True).cookie_secure
