"""Process metrics: the request middleware, pipeline step counters and the exposition."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI, HTTPException

from pulso.observability.metrics import (
    REGISTRY,
    RequestMetricsMiddleware,
    record_step_outcome,
    render_metrics,
)


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/products/{product_id}")
    def product(product_id: int) -> dict[str, int]:
        if product_id == 0:
            raise HTTPException(status_code=404, detail="no product 0")
        return {"id": product_id}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("broken handler")

    app.add_middleware(RequestMetricsMiddleware)
    return app


def _call(app: FastAPI, method: str, path: str) -> int:
    async def go() -> int:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return (await client.request(method, path)).status_code

    return asyncio.run(go())


def test_requests_are_counted_by_route_template_not_by_path():
    app = _app()
    route = "/api/v1/products/{product_id}"
    before = {
        "ok": _value("pulso_http_requests_total", method="GET", route=route, status="200"),
        "missing": _value("pulso_http_requests_total", method="GET", route=route, status="404"),
        "unmatched": _value(
            "pulso_http_requests_total", method="GET", route="unmatched", status="404"
        ),
        "error": _value("pulso_http_requests_total", method="GET", route="/boom", status="500"),
        "other": _value(
            "pulso_http_requests_total", method="OTHER", route="unmatched", status="404"
        ),
        "timed": _value("pulso_http_request_duration_seconds_count", method="GET", route=route),
    }

    statuses = [
        _call(app, "GET", "/api/v1/products/1"),
        _call(app, "GET", "/api/v1/products/2"),
        _call(app, "GET", "/api/v1/products/0"),
        _call(app, "GET", "/no/such/page/123"),
        _call(app, "GET", "/boom"),
        _call(app, "PROPFIND", "/nothing"),
    ]

    assert statuses == [200, 200, 404, 404, 500, 404]
    ok = _value("pulso_http_requests_total", method="GET", route=route, status="200")
    assert ok - before["ok"] == 2
    missing = _value("pulso_http_requests_total", method="GET", route=route, status="404")
    assert missing - before["missing"] == 1
    unmatched = _value("pulso_http_requests_total", method="GET", route="unmatched", status="404")
    assert unmatched - before["unmatched"] == 1
    error = _value("pulso_http_requests_total", method="GET", route="/boom", status="500")
    assert error - before["error"] == 1
    other = _value("pulso_http_requests_total", method="OTHER", route="unmatched", status="404")
    assert other - before["other"] == 1
    timed = _value("pulso_http_request_duration_seconds_count", method="GET", route=route)
    assert timed - before["timed"] == 3
    assert _value("pulso_http_requests_total", method="GET", route="/api/v1/products/1") == 0


def test_step_outcomes_count_durations_retries_and_failures():
    step = "unit_metrics_step"

    record_step_outcome(step, status="succeeded", attempts=1, duration_seconds=0.3)
    record_step_outcome(step, status="succeeded", attempts=3, duration_seconds=12.0)
    record_step_outcome(step, status="failed", attempts=2, duration_seconds=4.0)

    assert _value("pulso_pipeline_step_duration_seconds_count", step=step, status="succeeded") == 2
    assert _value("pulso_pipeline_step_duration_seconds_sum", step=step, status="succeeded") == (
        pytest.approx(12.3)
    )
    assert (
        _value(
            "pulso_pipeline_step_duration_seconds_bucket", step=step, status="succeeded", le="1.0"
        )
        == 1
    )
    assert _value("pulso_pipeline_step_retries_total", step=step) == 3
    assert _value("pulso_pipeline_step_failures_total", step=step) == 1


def test_exposition_formats():
    text_body, text_type = render_metrics(None)
    open_body, open_type = render_metrics(
        None, accept="application/openmetrics-text; version=1.0.0"
    )

    assert text_type.startswith("text/plain; version=0.0.4")
    assert b'pulso_build_info{version="' in text_body
    assert b"# TYPE pulso_http_requests_total counter" in text_body
    assert b"# TYPE pulso_http_request_duration_seconds histogram" in text_body
    assert b"process_cpu_seconds_total" in text_body
    assert open_type.startswith("application/openmetrics-text")
    assert open_body.endswith(b"# EOF\n")
    assert b"pulso_ingest_rows" not in text_body  # no database, no database metrics
