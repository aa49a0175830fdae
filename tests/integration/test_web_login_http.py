"""The dashboard's login, logout, redirects, cookies, CSRF and roles over real HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select
from tests.integration.web_http import PASSWORDS, add_users, auth_config, serve

from pulso.api.app import create_app
from pulso.store.session import session_scope
from pulso.store.tables import Alert

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def base(engine) -> Iterator[str]:
    add_users(engine)
    with session_scope(engine) as session:
        session.add(
            Alert(
                dedup_key="undercut:1:2026-11-15",
                kind="undercut",
                severity="high",
                title="Tottus undercuts us on Leche Gloria",
                detail={"day": "2026-11-15"},
                created_at=datetime(2026, 11, 15, 14, 0, tzinfo=UTC),
            )
        )
    with serve(create_app(engine, auth=auth_config())) as url:
        yield url


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, html[:500]
    return found.group(1)


def _login(client: httpx.Client, role: str, *, next_url: str = "/") -> httpx.Response:
    token = _csrf(client.get("/login").text)
    return client.post(
        "/login",
        data={
            "email": f"{role}@pulso.pe",
            "password": PASSWORDS[role],
            "csrf_token": token,
            "next": next_url,
        },
    )


def test_pages_send_anonymous_visitors_to_the_login_page(base):
    response = httpx.get(f"{base}/prices?category=Bebidas")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fprices%3Fcategory%3DBebidas"
    login = httpx.get(f"{base}/login")
    assert login.status_code == 200
    assert "Iniciar sesión" in login.text
    assert "pulso_csrf=" in login.headers["set-cookie"]


def test_login_sets_a_hardened_session_cookie_and_returns_to_the_page(base):
    with httpx.Client(base_url=base) as client:
        response = _login(client, "analyst", next_url="/alerts?status=all")
        assert response.status_code == 303
        assert response.headers["location"] == "/alerts?status=all"
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("pulso_session=")
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Path=/" in cookie
        page = client.get("/alerts?status=all")
        assert page.status_code == 200
        assert "analyst@pulso.pe" in page.text
        assert "Tottus undercuts us" in page.text


def test_login_refuses_wrong_passwords_missing_csrf_and_outside_redirects(base):
    with httpx.Client(base_url=base) as client:
        token = _csrf(client.get("/login").text)
        wrong = client.post(
            "/login",
            data={"email": "analyst@pulso.pe", "password": "nope-nope", "csrf_token": token},
        )
        assert wrong.status_code == 401
        assert "Correo o contraseña incorrectos." in wrong.text
        no_csrf = client.post(
            "/login", data={"email": "analyst@pulso.pe", "password": PASSWORDS["analyst"]}
        )
        assert no_csrf.status_code == 403
        assert "pulso_session" not in client.cookies
        outside = _login(client, "viewer", next_url="//evil.example/steal")
        assert outside.headers["location"] == "/"


def test_logout_needs_csrf_and_ends_the_session(base):
    with httpx.Client(base_url=base) as client:
        _login(client, "viewer")
        session_cookie = client.cookies["pulso_session"]
        assert client.post("/logout", data={}).status_code == 403
        token = _csrf(client.get("/").text)
        out = client.post("/logout", data={"csrf_token": token})
        assert out.status_code == 303
        assert out.headers["location"] == "/login"
    replay = httpx.get(f"{base}/", cookies={"pulso_session": session_cookie})
    assert replay.status_code == 303  # the old cookie no longer opens pages
    api = httpx.get(f"{base}/api/v1/ingest-runs", cookies={"pulso_session": session_cookie})
    assert api.status_code == 401


def _alert(engine) -> Alert:
    with session_scope(engine) as session:
        return session.scalars(select(Alert)).one()


def test_viewers_cannot_acknowledge_alerts_and_analysts_can(base, engine):
    alert_id = _alert(engine).id
    with httpx.Client(base_url=base) as viewer:
        _login(viewer, "viewer")
        page = viewer.get("/alerts")
        assert f'data-testid="ack-{alert_id}"' not in page.text
        refused = viewer.post(
            f"/alerts/{alert_id}/acknowledge", data={"csrf_token": _csrf(page.text)}
        )
        assert refused.status_code == 403
    assert _alert(engine).acknowledged_at is None
    with httpx.Client(base_url=base) as analyst:
        _login(analyst, "analyst")
        page = analyst.get("/alerts")
        assert f'data-testid="ack-{alert_id}"' in page.text
        forged = analyst.post(f"/alerts/{alert_id}/acknowledge", data={"csrf_token": "forged"})
        assert forged.status_code == 403
        assert _alert(engine).acknowledged_at is None
        done = analyst.post(
            f"/alerts/{alert_id}/acknowledge",
            data={"csrf_token": _csrf(page.text), "back": "/alerts?status=all"},
        )
        assert done.status_code == 303
        assert done.headers["location"] == "/alerts?status=all"
    assert _alert(engine).acknowledged_by == "analyst@pulso.pe"


def test_expired_sessions_go_back_to_the_login_page(engine):
    add_users(engine)
    config = auth_config(session_max_age_seconds=1)
    with serve(create_app(engine, auth=config)) as url, httpx.Client(base_url=url) as client:
        _login(client, "viewer")
        cookie = client.cookies["pulso_session"]
        from pulso.store.tables_auth import AuthSession

        with session_scope(engine) as session:
            for row in session.scalars(select(AuthSession)):
                row.expires_at = datetime(2020, 1, 1, tzinfo=UTC)
        response = httpx.get(f"{url}/models", cookies={"pulso_session": cookie})
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")
