"""Dashboard and API latency over real HTTP: p50 / p95 per page and per API call.

Run by hand (not in tests) on a database holding the medium demo with the pipeline run::

    pulso demo --scale medium --no-serve --end-date 2026-11-15 --db sqlite:////tmp/bench/pulso.db
    pulso pipeline run --db sqlite:////tmp/bench/pulso.db
    .venv/bin/python benchmarks/web.py --db sqlite:////tmp/bench/pulso.db

The app (with auth on, as ``pulso serve`` runs it) is served by uvicorn in a child process so
the client does not share its interpreter. A benchmark user logs in through the login form
(pages) and gets a bearer token (API). Each URL is requested ``--warmup`` times, then
``--requests`` times one after another; the script prints p50, p95 and max in milliseconds
and marks every URL whose p95 is over the target (200 ms).
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import socket
import statistics
import sys
import time
from dataclasses import dataclass

import httpx

from pulso.api.app import create_app
from pulso.api.auth import AuthConfig, create_user, set_password
from pulso.store.queries.auth import find_user
from pulso.store.session import create_db_engine, session_scope

TARGET_MS = 200.0
SECRET = "benchmark-secret-key-0123456789abcdef"
EMAIL, PASSWORD = "bench@pulso.pe", "bench-password-123"
PAGES = (
    "/",
    "/prices",
    "/prices?category=Lácteos",
    "/prices?competitor=tottus",
    "/promotions",
    "/promotions?category=Bebidas",
    "/competitors",
    "/forecasts",
    "/forecasts?category=Lácteos",
    "/alerts",
    "/alerts?status=all",
    "/restaurants/reviews",
    "/restaurants/patterns",
    "/restaurants/menu",
    "/restaurants/diners",
    "/recommendations",
    "/data",
    "/models",
    "/?lang=en",
)


@dataclass(frozen=True, slots=True)
class Timing:
    """Latencies of one URL in milliseconds."""

    url: str
    status: int
    samples: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _serve(url: str, port: int) -> None:
    import uvicorn

    app = create_app(create_db_engine(url), auth=AuthConfig(secret_key=SECRET))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ensure_user(url: str) -> None:
    with session_scope(create_db_engine(url)) as session:
        if find_user(session, EMAIL) is None:
            create_user(session, EMAIL, role="analyst", password=PASSWORD)
        else:
            set_password(session, EMAIL, password=PASSWORD)


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _login(client: httpx.Client) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token[1]})
    bearer = client.post("/api/v1/auth/token", data={"username": EMAIL, "password": PASSWORD})
    return str(bearer.json()["access_token"])


def _api_urls(client: httpx.Client) -> list[str]:
    """Every GET under /api/v1 without path parameters, from the app's own OpenAPI."""
    spec = client.get("/openapi.json").json()
    return sorted(
        path
        for path, item in spec["paths"].items()
        if path.startswith("/api/v1/") and "get" in item and "{" not in path
    )


def _time_or_fail(
    client: httpx.Client, url: str, *, warmup: int, requests: int, headers: dict[str, str]
) -> Timing | None:
    """Like :func:`_time`, but a URL whose server side fails is reported, not timed."""
    try:
        return _time(client, url, warmup=warmup, requests=requests, headers=headers)
    except httpx.TransportError as exc:
        print(f"{url}: the server failed ({exc}); not timed", file=sys.stderr)
        return None


def _time(
    client: httpx.Client, url: str, *, warmup: int, requests: int, headers: dict[str, str]
) -> Timing:
    status = 0
    for _ in range(warmup):
        status = client.get(url, headers=headers).status_code
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        response.read()
        samples.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    return Timing(url, status, samples)


def _report(timings: list[Timing]) -> int:
    print(f"{'url':58s} {'status':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    slow = 0
    for timing in timings:
        flag = "  <-- over target" if timing.p95 > TARGET_MS else ""
        slow += bool(flag)
        print(
            f"{timing.url[:58]:58s} {timing.status:6d} {timing.p50:8.1f} {timing.p95:8.1f} "
            f"{max(timing.samples):8.1f}{flag}"
        )
    worst = max(timings, key=lambda t: t.p95)
    print(
        f"\n{len(timings)} URLs; worst p95 {worst.p95:.1f} ms ({worst.url}); {slow} over {TARGET_MS:.0f} ms"
    )
    return slow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL with the medium demo loaded")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    _ensure_user(args.db)
    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(args.db, port))
    server.start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base)
        with httpx.Client(base_url=base, timeout=60) as client:
            bearer = _login(client)
            api = {"Authorization": f"Bearer {bearer}"}
            runs: list[tuple[str, dict[str, str]]] = [(page, {}) for page in PAGES] + [
                (url, api) for url in _api_urls(client)
            ]
            timed = [
                _time_or_fail(
                    client, url, warmup=args.warmup, requests=args.requests, headers=headers
                )
                for url, headers in runs
            ]
            timings = [timing for timing in timed if timing is not None]
    finally:
        server.terminate()
        server.join(timeout=10)
    sys.exit(1 if _report(timings) else 0)


if __name__ == "__main__":
    main()
