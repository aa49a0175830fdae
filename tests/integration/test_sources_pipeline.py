"""The ``run_sources`` pipeline step and the sources API, with real servers on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import select
from tests.integration.sources_sites import (
    SEARCH,
    Reply,
    running_site,
    vtex_product,
    vtex_search_route,
)

from pulso.api.app import create_app
from pulso.api.routers.sources import get_ingest_options, get_source_runtime
from pulso.ingest.connectors import HttpPolicy, SourceRuntime, add_source, due_sources, run_source
from pulso.pipelines.registry import StepContext
from pulso.pipelines.runner import run_pipeline
from pulso.store.tables import Alert, IngestRun
from pulso.store.tables_ops import PipelineRun

RUNTIME = SourceRuntime(
    policy=HttpPolicy(
        min_interval_seconds=0,
        backoff_seconds=0.01,
        max_backoff_seconds=0.05,
        max_retries=1,
        breaker_threshold=2,
    )
)


def products(prefix: int, n: int) -> list[dict[str, Any]]:
    return [vtex_product(prefix + i, f"Producto {prefix + i}") for i in range(n)]


def test_a_failing_source_raises_an_alert_and_leaves_the_others_unaffected(
    engine, ingest_options, tmp_path
):
    with running_site() as good, running_site() as bad, running_site() as later:
        good.route(SEARCH, vtex_search_route(products(100, 4)))
        bad.route(SEARCH, Reply(503, "mantenimiento"))
        later.route(SEARCH, vtex_search_route(products(300, 2)))
        for name, site in (("a-good", good), ("b-bad", bad), ("c-later", later)):
            add_source(
                engine, "vtex", name, config={"retailer": name, "base_url": site.url, "query": "p"}
            )
        add_source(
            engine,
            "vtex",
            "d-yearly",
            config={"retailer": "Yearly", "base_url": later.url, "query": "p"},
            schedule="0 0 1 1 *",
        )
        run_source(engine, "d-yearly", options=ingest_options, runtime=RUNTIME)
        assert due_sources(engine, now=datetime.now(UTC)) == ["a-good", "b-bad", "c-later"]
        context = StepContext(
            engine=engine,
            data_dir=tmp_path,
            run_key="",
            today=datetime.now(UTC).date(),
            params={"ingest_options": ingest_options, "source_runtime": RUNTIME},
        )
        report = run_pipeline(context, steps=["run_sources"], backoff_seconds=0)

    outcomes = {o.partition: (o.status, o.rows_written) for o in report.outcomes}
    assert outcomes == {
        "a-good": ("succeeded", 4),
        "b-bad": ("failed", 0),
        "c-later": ("succeeded", 2),
    }
    failed = next(o for o in report.outcomes if o.partition == "b-bad")
    assert "CircuitOpenError" in (failed.error or "")
    with engine.connect() as connection:
        alerts = connection.execute(select(Alert)).all()
        steps = connection.execute(
            select(PipelineRun.partition, PipelineRun.status).order_by(PipelineRun.partition)
        ).all()
        runs = connection.execute(select(IngestRun.status)).scalars().all()
    assert [(a.kind, a.detail["source"], a.severity) for a in alerts] == [
        ("source_failed", "b-bad", "warning")
    ]
    assert alerts[0].dedup_key.startswith("source_failed:b-bad:")
    assert [tuple(s) for s in steps] == [
        ("a-good", "succeeded"),
        ("b-bad", "failed"),
        ("c-later", "succeeded"),
    ]
    assert sorted(runs) == ["failed", "succeeded", "succeeded", "succeeded"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def api(sqlite_engine, ingest_options) -> Iterator[str]:
    app = create_app(sqlite_engine)
    app.dependency_overrides[get_ingest_options] = lambda: ingest_options
    app.dependency_overrides[get_source_runtime] = lambda: RUNTIME
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_api_lists_and_runs_sources(api, sqlite_engine):
    with running_site() as shop, running_site() as broken:
        shop.route(SEARCH, vtex_search_route(products(1, 3)))
        broken.route(SEARCH, Reply(500, "error"))
        add_source(
            sqlite_engine,
            "vtex",
            "wong",
            config={"retailer": "Wong", "base_url": shop.url, "query": "p"},
        )
        add_source(
            sqlite_engine,
            "vtex",
            "caido",
            config={"retailer": "X", "base_url": broken.url, "query": "p"},
        )
        ran = httpx.post(f"{api}/api/v1/sources/wong/run", timeout=30)
        again = httpx.post(f"{api}/api/v1/sources/wong/run", timeout=30)
        failed = httpx.post(f"{api}/api/v1/sources/caido/run", timeout=30)
    missing = httpx.post(f"{api}/api/v1/sources/nada/run")
    listed = httpx.get(f"{api}/api/v1/sources").json()

    assert ran.status_code == 200, ran.text
    body = ran.json()
    assert (body["accepted"], body["quarantined"], body["duplicates"]) == (3, 0, 0)
    assert isinstance(body["run_id"], int)
    assert (again.json()["accepted"], again.json()["duplicates"]) == (0, 3)
    assert failed.status_code == 502
    assert failed.headers["content-type"].startswith("application/problem+json")
    assert "circuit breaker open" in failed.json()["detail"]
    assert missing.status_code == 404
    assert [item["name"] for item in listed["items"]] == ["caido", "wong"]
    assert listed["items"][1]["config"]["retailer"] == "Wong"
