"""The REST API over real HTTP on 127.0.0.1 (uvicorn in a thread)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from tests.factories import BAD_PRICE_ROWS, prices_file

from pulso.api.app import create_app
from pulso.ingest.runner import ingest_file
from pulso.store.session import head_revisions


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(engine) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def test_health_and_openapi(server):
    health = httpx.get(f"{server}/health").json()
    assert health["status"] == "ok"
    assert health["database"] == "ok"
    assert health["schema_revision"] == head_revisions()
    spec = httpx.get(f"{server}/openapi.json").json()
    assert {"/health", "/api/v1/sources", "/api/v1/ingest-runs", "/api/v1/quarantine"} <= set(
        spec["paths"]
    )
    assert httpx.get(f"{server}/docs").status_code == 200


def test_quarantine_shows_the_three_reasons_of_a_run(server, engine, tmp_path, ingest_options):
    path = prices_file(tmp_path / "prices.csv", good=97, bad=BAD_PRICE_ROWS)
    run = ingest_file(engine, "prices", path, options=ingest_options, source="tottus-export")

    page = httpx.get(f"{server}/api/v1/quarantine", params={"run_id": run.run_id}).json()
    runs = httpx.get(f"{server}/api/v1/ingest-runs").json()
    sources = httpx.get(f"{server}/api/v1/sources").json()

    assert page["total"] == 3
    assert len(page["items"]) == 3
    assert [item["column"] for item in page["items"]] == [
        "observed_at",
        "regular_price",
        "offer_price",
    ]
    assert page["items"][2]["reason"] == "offer_price above regular_price"
    assert runs["items"][0]["accepted"] == 97
    assert runs["items"][0]["quarantined"] == 3
    assert sources["items"][0]["name"] == "tottus-export"
    paged = httpx.get(
        f"{server}/api/v1/quarantine", params={"run_id": run.run_id, "page": 2, "page_size": 2}
    ).json()
    assert paged["total"] == 3
    assert len(paged["items"]) == 1


def test_errors_are_problem_json(server):
    missing = httpx.get(f"{server}/api/v1/ingest-runs/999")
    bad_page = httpx.get(f"{server}/api/v1/quarantine", params={"page": 0})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "ingest run 999 does not exist"
    assert bad_page.status_code == 422
    assert "page" in bad_page.json()["detail"]
