"""Helpers of the operations tests: a real uvicorn server with ``/metrics``, and parsers."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from pulso.api.app import create_app
from pulso.api.routers import metrics as metrics_router
from pulso.observability.metrics import RequestMetricsMiddleware

Samples = dict[str, list[tuple[dict[str, str], float]]]

_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("_sum", "_count", "_created"),
    "gauge": ("",),
    "info": ("_info",),
    "untyped": ("",),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_with_metrics(engine: Engine) -> FastAPI:
    """The real app with ``/metrics`` and the request middleware (once, if app.py lacks them)."""
    app = create_app(engine)
    if not any(getattr(m, "cls", None) is RequestMetricsMiddleware for m in app.user_middleware):
        app.add_middleware(RequestMetricsMiddleware)
    if not any(getattr(route, "path", None) == "/metrics" for route in app.routes):
        app.include_router(metrics_router.router)
    return app


@contextmanager
def serve(app: FastAPI, *, port: int | None = None) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1 in a thread; yield its base URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def parse_samples(text: str) -> Samples:
    """Every sample of a text exposition, by sample name."""
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((dict(sample.labels), sample.value))
    return samples


def exposed_names(text: str) -> set[str]:
    """Every series name an exposition declares (``# TYPE`` lines), with its type's suffixes."""
    names: set[str] = set()
    for match in re.finditer(r"^# TYPE (\S+) (\S+)$", text, flags=re.MULTILINE):
        name, kind = match.groups()
        base = name.removesuffix("_total") if kind == "counter" else name
        names.update(base + suffix for suffix in _SUFFIXES.get(kind, ("",)))
    return names


_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset"}
_KEYWORDS |= {"and", "or", "unless", "inf", "nan"}


def promql_metric_names(expression: str) -> set[str]:
    """The metric names a PromQL expression (or a Grafana ``label_values`` query) reads."""
    names = set(re.findall(r"label_values\(\s*([a-zA-Z_:][\w:]*)\s*,", expression))
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', expression)  # string literals
    text = re.sub(r"\$\{?\w+\}?", "", text)  # Grafana variables
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    text = re.sub(r"label_values\([^)]*\)", "", text)
    for match in re.finditer(r"(?<![\w.])([a-zA-Z_:][\w:]*)\b(?!\s*\()", text):
        token = match.group(1)
        if token.lower() not in _KEYWORDS:
            names.add(token)
    return names


def dashboard_expressions(document: Any) -> list[str]:
    """Every ``expr`` and templating query in a Grafana dashboard JSON document."""
    found: list[str] = []
    if isinstance(document, dict):
        for key, value in document.items():
            is_query = key == "query" and isinstance(value, str) and "label_values" in value
            if (key == "expr" and isinstance(value, str)) or is_query:
                found.append(value)
            else:
                found.extend(dashboard_expressions(value))
    elif isinstance(document, list):
        for item in document:
            found.extend(dashboard_expressions(item))
    return found
