"""Auth over real HTTP: 401 without credentials, bearer tokens, roles, CSRF on cookie calls."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import APIRouter, Depends
from tests.integration.web_http import PASSWORDS, add_users, auth_config, serve

from pulso.api.app import create_app
from pulso.api.auth import CSRF_HEADER, SAFE_METHODS, issue_token, require_api_user
from pulso.store.queries.auth import find_user
from pulso.store.session import session_scope

_probe = APIRouter(prefix="/api/v1/probe")


@_probe.post("/change")
def _change() -> dict[str, bool]:
    return {"changed": True}


@pytest.fixture
def app(engine):
    add_users(engine)
    application = create_app(engine, auth=auth_config())
    application.include_router(_probe, dependencies=[Depends(require_api_user)])
    return application


@pytest.fixture
def base(app) -> Iterator[str]:
    with serve(app) as url:
        yield url


def _token(base: str, role: str) -> str:
    response = httpx.post(
        f"{base}/api/v1/auth/token",
        data={"username": f"{role}@pulso.pe", "password": PASSWORDS[role]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"
    return str(response.json()["access_token"])


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_without_credentials_is_401_problem_json(base):
    for path in ("/api/v1/ingest-runs", "/api/v1/quarantine", "/api/v1/auth/me"):
        response = httpx.get(base + path)
        assert response.status_code == 401, path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["title"] == "AuthenticationError"
    assert httpx.get(f"{base}/health").status_code == 200
    assert httpx.get(f"{base}/login").status_code == 200


def test_bearer_token_opens_the_api_until_revoked(base):
    wrong = httpx.post(
        f"{base}/api/v1/auth/token", data={"username": "viewer@pulso.pe", "password": "nope-nope"}
    )
    assert wrong.status_code == 401
    token = _token(base, "viewer")
    assert httpx.get(f"{base}/api/v1/ingest-runs", headers=_bearer(token)).status_code == 200
    me = httpx.get(f"{base}/api/v1/auth/me", headers=_bearer(token)).json()
    assert me == {"email": "viewer@pulso.pe", "role": "viewer", "via": "bearer"}
    revoked = httpx.post(f"{base}/api/v1/auth/revoke", headers=_bearer(token))
    assert revoked.json() == {"revoked": True}
    assert httpx.get(f"{base}/api/v1/ingest-runs", headers=_bearer(token)).status_code == 401


def test_tampered_and_expired_tokens_are_refused(base, engine):
    token = _token(base, "analyst")
    tampered = token[:-2] + ("xx" if not token.endswith("xx") else "yy")
    response = httpx.get(f"{base}/api/v1/ingest-runs", headers=_bearer(tampered))
    assert response.status_code == 401
    assert "invalid or has expired" in response.json()["detail"]
    with session_scope(engine) as session:
        user = find_user(session, "analyst@pulso.pe")
        assert user is not None
        long_ago = datetime.now(UTC) - timedelta(days=2)
        expired = issue_token(session, user, config=auth_config(), kind="token", now=long_ago)
    assert httpx.get(f"{base}/api/v1/ingest-runs", headers=_bearer(expired)).status_code == 401


def test_viewers_may_read_but_not_change_data(base):
    viewer, analyst = _token(base, "viewer"), _token(base, "analyst")
    refused = httpx.post(f"{base}/api/v1/probe/change", headers=_bearer(viewer))
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "viewer may read but not change data" in refused.json()["detail"]
    assert httpx.post(f"{base}/api/v1/probe/change", headers=_bearer(analyst)).json() == {
        "changed": True
    }


def _operations(app) -> list[tuple[str, str, dict[str, object]]]:
    """Every ``/api/v1`` operation of the app's OpenAPI document: (method, path, operation)."""
    return [
        (method.upper(), path, operation)
        for path, item in app.openapi()["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in item.items()
    ]


def test_every_data_changing_api_route_refuses_viewers(app, base):
    viewer = _token(base, "viewer")
    changing = [
        (method, path)
        for method, path, _ in _operations(app)
        if method not in SAFE_METHODS and not path.startswith("/api/v1/auth/")
    ]
    assert ("POST", "/api/v1/probe/change") in changing
    for method, path in changing:
        url = base + re.sub(r"\{[^}]+\}", "1", path)
        response = httpx.request(method, url, headers=_bearer(viewer))
        assert response.status_code == 403, (method, path, response.text)


def test_every_api_route_except_the_token_endpoint_needs_a_user(app):
    operations = _operations(app)
    assert len(operations) > 5
    open_routes = [path for _, path, operation in operations if not operation.get("security")]
    assert open_routes == ["/api/v1/auth/token"]


def test_cookie_sessions_need_the_csrf_header_to_change_data(base):
    with httpx.Client(base_url=base) as client:
        login_page = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page.text)
        assert csrf is not None
        client.post(
            "/login",
            data={
                "email": "analyst@pulso.pe",
                "password": PASSWORDS["analyst"],
                "csrf_token": csrf.group(1),
                "next": "/",
            },
        )
        assert client.get("/api/v1/auth/me").json()["via"] == "cookie"
        assert client.post("/api/v1/probe/change").status_code == 403
        page = client.get("/models")
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
        assert token is not None
        changed = client.post("/api/v1/probe/change", headers={CSRF_HEADER: token.group(1)})
        assert changed.json() == {"changed": True}


def test_without_auth_config_the_app_stays_open(engine):
    with serve(create_app(engine)) as url:
        assert httpx.get(f"{url}/api/v1/ingest-runs").status_code == 200
        assert httpx.get(f"{url}/models").status_code == 200
