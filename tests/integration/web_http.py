"""A real uvicorn server on 127.0.0.1 for the dashboard's HTTP and browser tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from pulso.api.auth import AuthConfig, create_user
from pulso.store.session import session_scope

SECRET = "web-test-secret-key-0123456789abcdef"
PASSWORDS = {"admin": "admin-pass-123", "analyst": "analyst-pass-123", "viewer": "viewer-pass-123"}


def auth_config(**changes: object) -> AuthConfig:
    return AuthConfig(secret_key=SECRET, **changes)  # type: ignore[arg-type]


def add_users(engine: Engine) -> dict[str, str]:
    """One user per role (``<role>@pulso.pe``); returns role -> email."""
    emails = {}
    with session_scope(engine) as session:
        for role, password in PASSWORDS.items():
            email = f"{role}@pulso.pe"
            create_user(session, email, role=role, password=password)
            emails[role] = email
    return emails


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run ``app`` with uvicorn in a thread; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


#: Every page of the dashboard (Spanish name in the comment).
PAGES = (
    "/",  # Resumen
    "/prices",  # Precios
    "/promotions",  # Promociones
    "/competitors",  # Competidores
    "/forecasts",  # Pronósticos
    "/alerts",  # Alertas
    "/restaurants/reviews",  # Opiniones
    "/restaurants/patterns",  # Patrones
    "/restaurants/menu",  # Menú
    "/restaurants/diners",  # Clientes
    "/recommendations",  # Recomendaciones
    "/data",  # Datos
    "/models",  # Modelos
)
