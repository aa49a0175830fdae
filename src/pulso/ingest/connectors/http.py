"""Polite HTTP for connectors: who we are, how fast we go, and when we stop.

Every request a connector makes goes through :class:`PoliteClient`, which

* sends an identifying ``User-Agent`` and honours ``robots.txt`` (RFC 9309: a missing
  ``robots.txt`` allows everything; one that answers 5xx or cannot be reached disallows
  everything), including its ``Crawl-delay`` and ``Request-rate``;
* keeps at most ``max_concurrency`` requests in flight per host and spaces their starts at
  least ``min_interval_seconds`` apart, across every client of the process;
* times out, and retries 429 and 5xx replies and transport errors with exponential backoff
  (honouring ``Retry-After``);
* counts failures in a per-source :class:`CircuitBreaker`, which opens after
  ``breaker_threshold`` consecutive failures and then refuses requests until its cool-down
  ends, so a broken site is not hammered run after run;
* sends conditional requests (``If-None-Match`` / ``If-Modified-Since``) when a
  :class:`ResponseCache` holds the page, and re-uses the cached body on ``304``.

Foreign exceptions (httpx's) become :class:`FetchError`, a :class:`~pulso.errors.SourceError`.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from pulso.errors import SourceError

__all__ = [
    "DEFAULT_USER_AGENT",
    "BreakerState",
    "CachedResponse",
    "CircuitBreaker",
    "CircuitOpenError",
    "FetchError",
    "FetchedPage",
    "HostGates",
    "HttpPolicy",
    "MemoryCache",
    "PoliteClient",
    "ResponseCache",
    "RobotsDisallowedError",
    "cache_key",
]

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = (
    "PulsoBot/0.1 (+https://github.com/pulso-pe/pulso; price research; contact: see repository)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SUCCESS_STATUSES = frozenset({200, 206})

Params = Sequence[tuple[str, str | int]] | Mapping[str, str | int] | None


class FetchError(SourceError):
    """A request failed for good (after retries, or with a status that is not retried)."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class RobotsDisallowedError(FetchError):
    """``robots.txt`` does not allow our user agent to fetch the URL."""


class CircuitOpenError(FetchError):
    """The source's circuit breaker is open: no request is sent until the cool-down ends."""


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """How politely a connector fetches; tests shorten the waits, never the manners."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout_seconds: float = 20.0
    min_interval_seconds: float = 1.0
    max_concurrency: int = 2
    max_retries: int = 4
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 60.0
    breaker_threshold: int = 5
    breaker_cooldown_seconds: float = 900.0
    respect_robots: bool = True
    max_response_bytes: int = 30_000_000


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A successful reply (``200``/``206``, or a cached body re-used on ``304``)."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    from_cache: bool = False

    @property
    def text(self) -> str:
        return self.body.decode(_charset(self.headers), errors="replace")


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """What a cache keeps of a page to revalidate it later."""

    url: str
    status: int
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


class ResponseCache(Protocol):
    """Storage of cached pages by :func:`cache_key` (the store keeps them per source)."""

    def get(self, key: str) -> CachedResponse | None: ...

    def put(self, key: str, response: CachedResponse) -> None: ...


class MemoryCache:
    """A :class:`ResponseCache` in a dict (one process, one run)."""

    def __init__(self) -> None:
        self.entries: dict[str, CachedResponse] = {}

    def get(self, key: str) -> CachedResponse | None:
        return self.entries.get(key)

    def put(self, key: str, response: CachedResponse) -> None:
        self.entries[key] = response


def cache_key(url: str) -> str:
    """Hex SHA-256 of the full URL (query included)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class BreakerState:
    """What a breaker remembers between runs."""

    consecutive_failures: int = 0
    opened_at: datetime | None = None


class CircuitBreaker:
    """Closed -> open after ``threshold`` consecutive failures -> half-open after the cool-down.

    Half-open lets one request through: a success closes the breaker, a failure opens it again
    for another cool-down.
    """

    def __init__(
        self,
        *,
        threshold: int,
        cooldown_seconds: float,
        state: BreakerState | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.threshold = threshold
        self.cooldown = timedelta(seconds=cooldown_seconds)
        self._clock = clock
        self._failures = state.consecutive_failures if state else 0
        self._opened_at = state.opened_at if state else None
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half_open" if self._clock() >= self._opened_at + self.cooldown else "open"

    def snapshot(self) -> BreakerState:
        return BreakerState(self._failures, self._opened_at)

    def check(self, url: str) -> None:
        """Raise :class:`CircuitOpenError` while the breaker is open."""
        if self.state == "open":
            assert self._opened_at is not None
            until = (self._opened_at + self.cooldown).isoformat(timespec="seconds")
            raise CircuitOpenError(
                f"circuit breaker open after {self._failures} consecutive failures; "
                f"no request until {until}",
                url=url,
            )

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            half_open = self._opened_at is not None
            if half_open or self._failures >= self.threshold:
                self._opened_at = self._clock()
                logger.warning("circuit breaker opened after %d failures", self._failures)


class _HostGate:
    def __init__(self, concurrency: int) -> None:
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._lock = threading.Lock()
        self._next_start = 0.0

    @contextmanager
    def slot(self, interval: float, sleep: Callable[[float], None]) -> Iterator[None]:
        with self._slots:
            with self._lock:
                now = time.monotonic()
                wait = self._next_start - now
                self._next_start = max(now, self._next_start) + interval
            if wait > 0:
                sleep(wait)
            yield


class HostGates:
    """Per-host concurrency caps and request spacing, shared by the clients of a process."""

    def __init__(self) -> None:
        self._gates: dict[str, _HostGate] = {}
        self._lock = threading.Lock()

    def gate(self, host: str, *, concurrency: int) -> _HostGate:
        with self._lock:
            if host not in self._gates:
                self._gates[host] = _HostGate(concurrency)
            return self._gates[host]


_PROCESS_GATES = HostGates()


@dataclass(slots=True)
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None
    allow_all: bool = False
    disallow_all: bool = False


class PoliteClient:
    """A synchronous httpx client wrapped in the politeness rules of the module docstring."""

    def __init__(
        self,
        policy: HttpPolicy | None = None,
        *,
        breaker: CircuitBreaker | None = None,
        cache: ResponseCache | None = None,
        transport: httpx.BaseTransport | None = None,
        gates: HostGates | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy or HttpPolicy()
        self.breaker = breaker or CircuitBreaker(
            threshold=self.policy.breaker_threshold,
            cooldown_seconds=self.policy.breaker_cooldown_seconds,
        )
        self.cache = cache
        self.requests_sent = 0
        self._gates = gates or _PROCESS_GATES
        self._sleep = sleep
        self._robots: dict[str, _Robots] = {}
        self._client = httpx.Client(
            headers={"User-Agent": self.policy.user_agent, "Accept-Language": "es-PE,es;q=0.9"},
            timeout=self.policy.timeout_seconds,
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, *, params: Params = None) -> FetchedPage:
        """GET ``url``; raises :class:`FetchError` (or a subclass) when it cannot succeed."""
        full_url = _with_params(url, params)
        if self.policy.respect_robots:
            self._check_robots(full_url)
        key = cache_key(full_url)
        cached = self.cache.get(key) if self.cache else None
        headers: dict[str, str] = {}
        if cached and cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached and cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
        interval = max(self.policy.min_interval_seconds, self._robots_delay(full_url))
        response = self._request(full_url, headers=headers, interval=interval)
        if response.status == 304 and cached is not None:
            return FetchedPage(full_url, cached.status, cached.body, {}, from_cache=True)
        if response.status not in SUCCESS_STATUSES:
            raise FetchError(
                f"GET {full_url} answered HTTP {response.status}",
                url=full_url,
                status=response.status,
            )
        if self.cache is not None:
            self._store(key, response)
        return response

    def _store(self, key: str, page: FetchedPage) -> None:
        etag, modified = page.headers.get("etag"), page.headers.get("last-modified")
        if (etag or modified) and self.cache is not None:
            self.cache.put(key, CachedResponse(page.url, page.status, page.body, etag, modified))

    def _request(self, url: str, *, headers: Mapping[str, str], interval: float) -> FetchedPage:
        policy = self.policy
        gate = self._gates.gate(urlsplit(url).netloc, concurrency=policy.max_concurrency)
        failure = "no attempt"
        for attempt in range(policy.max_retries + 1):
            self.breaker.check(url)
            retry_after: float | None = None
            with gate.slot(interval, self._sleep):
                try:
                    page = self._send(url, headers)
                except httpx.TransportError as exc:
                    failure = f"{type(exc).__name__}: {exc}"
                else:
                    if page.status not in RETRY_STATUSES:
                        self.breaker.record_success()
                        return page
                    failure = f"HTTP {page.status}"
                    retry_after = _retry_after(page.headers.get("retry-after"))
            self.breaker.record_failure()
            logger.info("GET %s failed (attempt %d): %s", url, attempt + 1, failure)
            self.breaker.check(url)
            if attempt == policy.max_retries:
                break
            self._sleep(self._backoff(attempt, retry_after))
        raise FetchError(
            f"GET {url} failed after {policy.max_retries + 1} attempts: {failure}", url=url
        )

    def _send(self, url: str, headers: Mapping[str, str]) -> FetchedPage:
        self.requests_sent += 1
        try:
            with self._client.stream("GET", url, headers=dict(headers)) as response:
                body = self._read_capped(response, url)
                return FetchedPage(
                    str(response.url), response.status_code, body, dict(response.headers)
                )
        except httpx.UnsupportedProtocol as exc:  # a TransportError that no retry can fix
            raise FetchError(f"GET {url} failed: {exc}", url=url) from exc
        except httpx.TransportError:
            raise  # retried by _request
        except httpx.HTTPError as exc:  # decoding errors, too many redirects
            raise FetchError(f"GET {url} failed: {type(exc).__name__}: {exc}", url=url) from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL {url!r}: {exc}", url=url) from exc

    def _read_capped(self, response: httpx.Response, url: str) -> bytes:
        limit = self.policy.max_response_bytes
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(f"GET {url}: reply larger than {limit} bytes", url=url)
            chunks.append(chunk)
        return b"".join(chunks)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        policy = self.policy
        wait = float(policy.backoff_seconds * 2.0**attempt)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return min(wait, policy.max_backoff_seconds)

    # --- robots.txt -------------------------------------------------------------------------

    def _robots_for(self, url: str) -> _Robots:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._fetch_robots(origin)
        return self._robots[origin]

    def _fetch_robots(self, origin: str) -> _Robots:
        robots_url = f"{origin}/robots.txt"
        try:
            page = self._request(robots_url, headers={}, interval=self.policy.min_interval_seconds)
        except CircuitOpenError:
            raise
        except FetchError as exc:
            logger.warning("robots.txt of %s unreachable (%s): disallowing all", origin, exc)
            return _Robots(None, disallow_all=True)
        if page.status in RETRY_STATUSES or page.status >= 500:
            return _Robots(None, disallow_all=True)
        if page.status >= 400:
            return _Robots(None, allow_all=True)
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(page.text.splitlines())
        return _Robots(parser)

    def _check_robots(self, url: str) -> None:
        robots = self._robots_for(url)
        if robots.allow_all:
            return
        if robots.disallow_all or (
            robots.parser is not None and not robots.parser.can_fetch(self.policy.user_agent, url)
        ):
            raise RobotsDisallowedError(
                f"robots.txt of {urlsplit(url).netloc} does not allow {self._agent_token} "
                f"to fetch {url}",
                url=url,
            )

    def _robots_delay(self, url: str) -> float:
        if not self.policy.respect_robots:
            return 0.0
        parser = self._robots_for(url).parser
        if parser is None:
            return 0.0
        delay = parser.crawl_delay(self.policy.user_agent)
        rate = parser.request_rate(self.policy.user_agent)
        from_rate = rate.seconds / rate.requests if rate and rate.requests else 0.0
        return float(max(float(delay or 0), from_rate))

    @property
    def _agent_token(self) -> str:
        return self.policy.user_agent.split("/", 1)[0]


def _with_params(url: str, params: Params) -> str:
    try:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise FetchError(f"invalid URL {url!r}: not an http(s) URL with a host", url=url)
        if params:
            items = params.items() if isinstance(params, Mapping) else params
            pairs: list[tuple[str, str | int | float | bool | None]] = list(items)
            parsed = parsed.copy_merge_params(pairs)
        return str(parsed)
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL {url!r}: {exc}", url=url) from exc


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _charset(headers: Mapping[str, Any]) -> str:
    content_type = str(headers.get("content-type", ""))
    for part in content_type.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"
