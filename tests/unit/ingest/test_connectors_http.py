"""The polite HTTP layer, driven through httpx.MockTransport (no network)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from pulso.errors import SourceError
from pulso.ingest.connectors.http import (
    DEFAULT_USER_AGENT,
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
    FetchError,
    HostGates,
    HttpPolicy,
    MemoryCache,
    PoliteClient,
    RobotsDisallowedError,
)

FAST = HttpPolicy(
    min_interval_seconds=0,
    backoff_seconds=0.5,
    max_backoff_seconds=4,
    max_retries=3,
    breaker_threshold=3,
    breaker_cooldown_seconds=60,
)


class Script:
    """A MockTransport handler that answers from a script and records requests."""

    def __init__(self, *replies: httpx.Response | Exception, robots: str | None = None) -> None:
        self.replies = list(replies)
        self.robots = robots
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            if self.robots is None:
                return httpx.Response(404)
            return httpx.Response(200, text=self.robots)
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        return reply


def client_for(
    script: Script, policy: HttpPolicy = FAST, **kwargs
) -> tuple[PoliteClient, list[float]]:
    slept: list[float] = []
    client = PoliteClient(
        policy,
        transport=httpx.MockTransport(script),
        gates=HostGates(),
        sleep=slept.append,
        **kwargs,
    )
    return client, slept


def test_identifies_itself_and_treats_200_and_206_as_success():
    script = Script(httpx.Response(206, json=[1]), httpx.Response(200, json=[2]))
    client, _ = client_for(script)
    first = client.get("https://shop.pe/search", params=[("_from", 0), ("_to", 49)])
    second = client.get("https://shop.pe/search")
    assert (first.status, first.body, second.status) == (206, b"[1]", 200)
    assert first.url == "https://shop.pe/search?_from=0&_to=49"
    assert script.requests[0].headers["user-agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("PulsoBot/")


def test_429_is_retried_after_the_delay_the_server_asks():
    script = Script(
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(503),
        httpx.Response(200, text="ok"),
    )
    client, slept = client_for(script)
    page = client.get("https://shop.pe/p")
    assert page.text == "ok"
    assert len(script.requests) == 3
    assert slept == [3.0, 1.0]  # Retry-After, then 0.5 * 2**1
    assert client.breaker.state == "closed"


def test_backoff_grows_exponentially_and_gives_up_with_a_source_error():
    script = Script(httpx.Response(500))
    policy = HttpPolicy(
        min_interval_seconds=0, backoff_seconds=0.5, max_retries=3, breaker_threshold=10
    )
    client, slept = client_for(script, policy)
    with pytest.raises(FetchError, match="failed after 4 attempts: HTTP 500") as caught:
        client.get("https://shop.pe/p")
    assert isinstance(caught.value, SourceError)
    assert slept == [0.5, 1.0, 2.0]


def test_500s_trip_the_breaker_and_it_then_refuses_without_sending():
    script = Script(httpx.Response(500))
    client, _ = client_for(script)
    with pytest.raises(CircuitOpenError):
        client.get("https://shop.pe/p")
    assert len(script.requests) == 3  # threshold reached: no fourth attempt
    with pytest.raises(CircuitOpenError, match="circuit breaker open after 3"):
        client.get("https://shop.pe/other")
    assert len(script.requests) == 3
    assert client.breaker.state == "open"


def test_breaker_half_opens_after_the_cooldown_and_closes_on_success():
    now = [datetime(2026, 11, 20, 8, 0, tzinfo=UTC)]
    breaker = CircuitBreaker(
        threshold=2,
        cooldown_seconds=600,
        state=BreakerState(2, now[0]),
        clock=lambda: now[0],
    )
    assert breaker.state == "open"
    now[0] += timedelta(minutes=11)
    assert breaker.state == "half_open"
    script = Script(httpx.Response(200, text="back"))
    client, _ = client_for(script, breaker=breaker)
    assert client.get("https://shop.pe/p").text == "back"
    assert breaker.snapshot() == BreakerState(0, None)


def test_a_failure_while_half_open_opens_the_breaker_again():
    now = [datetime(2026, 11, 20, 8, 0, tzinfo=UTC)]
    breaker = CircuitBreaker(
        threshold=5, cooldown_seconds=60, state=BreakerState(5, now[0]), clock=lambda: now[0]
    )
    now[0] += timedelta(seconds=61)
    breaker.record_failure()
    assert breaker.state == "open"
    assert breaker.snapshot().opened_at == now[0]


def test_404_is_not_retried_and_does_not_count_against_the_site():
    script = Script(httpx.Response(404))
    client, slept = client_for(script)
    with pytest.raises(FetchError, match="HTTP 404") as caught:
        client.get("https://shop.pe/missing")
    assert caught.value.status == 404
    assert (len(script.requests), slept) == (1, [])
    assert client.breaker.snapshot().consecutive_failures == 0


def test_robots_txt_disallow_stops_the_request():
    script = Script(
        httpx.Response(200, text="x"),
        robots="User-agent: PulsoBot\nDisallow: /private/\n\nUser-agent: *\nDisallow:\n",
    )
    client, _ = client_for(script)
    assert client.get("https://shop.pe/public").text == "x"
    with pytest.raises(RobotsDisallowedError, match="does not allow PulsoBot"):
        client.get("https://shop.pe/private/prices")
    assert [r.url.path for r in script.requests] == ["/public"]


def test_robots_txt_that_answers_5xx_disallows_everything():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503 if request.url.path == "/robots.txt" else 200)

    policy = HttpPolicy(min_interval_seconds=0, backoff_seconds=0, max_retries=1)
    client = PoliteClient(policy, transport=httpx.MockTransport(handler), sleep=lambda _s: None)
    with pytest.raises(RobotsDisallowedError):
        client.get("https://shop.pe/p")


def test_robots_crawl_delay_spaces_the_requests():
    script = Script(httpx.Response(200), robots="User-agent: *\nCrawl-delay: 7\n")
    client, slept = client_for(script)
    client.get("https://shop.pe/a")
    client.get("https://shop.pe/b")
    assert slept
    assert slept[-1] == pytest.approx(7, abs=1.5)


def test_per_host_interval_is_shared_by_clients_of_the_same_gates():
    gates = HostGates()
    slept: list[float] = []
    policy = HttpPolicy(min_interval_seconds=5, respect_robots=False)
    transport = httpx.MockTransport(lambda _r: httpx.Response(200))
    first = PoliteClient(policy, transport=transport, gates=gates, sleep=slept.append)
    second = PoliteClient(policy, transport=transport, gates=gates, sleep=slept.append)
    first.get("https://shop.pe/a")
    second.get("https://shop.pe/b")
    second.get("https://other.pe/c")
    assert len(slept) == 1
    assert slept[0] == pytest.approx(5, abs=1.5)


def test_conditional_requests_reuse_the_cached_body_on_304():
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.headers))
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(
            200, text="[1, 2]", headers={"ETag": '"v1"', "Last-Modified": "Fri, 20 Nov 2026"}
        )

    cache = MemoryCache()
    policy = HttpPolicy(min_interval_seconds=0, respect_robots=False)
    for _ in range(2):
        client = PoliteClient(policy, transport=httpx.MockTransport(handler), cache=cache)
        page = client.get("https://shop.pe/search", params={"ft": "leche"})
        assert page.text == "[1, 2]"
    assert page.from_cache is True
    assert "if-none-match" not in seen[0]
    assert seen[1]["if-none-match"] == '"v1"'
    assert seen[1]["if-modified-since"] == "Fri, 20 Nov 2026"


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (httpx.ConnectError("refused"), True),
        (httpx.ReadTimeout("slow"), True),
        (httpx.RemoteProtocolError("peer closed"), True),
        (httpx.UnsupportedProtocol("ftp"), False),
        (httpx.TooManyRedirects("loop"), False),
        (httpx.DecodingError("gzip"), False),
    ],
)
def test_every_httpx_error_becomes_a_fetch_error(error, retried):
    script = Script(error)
    policy = HttpPolicy(
        min_interval_seconds=0, backoff_seconds=0, max_retries=2, respect_robots=False
    )
    client, _ = client_for(script, policy)
    with pytest.raises(FetchError) as caught:
        client.get("https://shop.pe/p")
    assert isinstance(caught.value, SourceError)
    assert len(script.requests) == (3 if retried else 1)


def test_an_invalid_url_is_a_fetch_error():
    client, _ = client_for(Script(httpx.Response(200)))
    with pytest.raises(FetchError, match="invalid URL"):
        client.get("https://")
    with pytest.raises(FetchError, match="invalid URL"):
        client.get("mailto:compras@shop.pe")


def test_replies_over_the_size_limit_are_refused():
    policy = HttpPolicy(min_interval_seconds=0, respect_robots=False, max_response_bytes=10)
    client, _ = client_for(Script(httpx.Response(200, content=b"x" * 11)), policy)
    with pytest.raises(FetchError, match="larger than 10 bytes"):
        client.get("https://shop.pe/big")
