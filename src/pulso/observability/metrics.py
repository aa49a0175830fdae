"""Prometheus metrics: what the process measures, and what the database says at scrape time.

Two kinds of series are exposed on ``/metrics``:

* **Process metrics**, kept in :data:`REGISTRY`: HTTP requests per route template
  (:class:`RequestMetricsMiddleware`) and the steps the local runner ran in this process
  (:func:`record_step_outcome`).
* **Database metrics**, computed on each scrape by :class:`DatabaseCollector` from the tables
  every process writes (``ingest_run``, ``pipeline_run``, ``alert``, ``model_version`` and the
  insight tables), so ingest, Airflow workers and one-off CLI runs are seen without pushing
  metrics from short-lived processes, and the ingest layer needs no metrics code.

Names follow https://prometheus.io/docs/practices/naming: the ``pulso_`` prefix, base units
(seconds, ratios in [0, 1]), ``_total`` counters, and labels from small sets only (source,
kind, step, retailer, category, restaurant, aspect, model), never a product, listing or diner.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pulso import __version__
from pulso.store.queries import indicators, ops
from pulso.store.queries.models import production_versions

__all__ = [
    "HTTP_REQUESTS",
    "HTTP_REQUEST_DURATION",
    "PIPELINE_STEP_DURATION",
    "PIPELINE_STEP_FAILURES",
    "PIPELINE_STEP_RETRIES",
    "REGISTRY",
    "DatabaseCollector",
    "RequestMetricsMiddleware",
    "database_collector",
    "record_step_outcome",
    "render_metrics",
]

logger = logging.getLogger(__name__)

#: The process's own metrics (HTTP, pipeline steps run here, process and runtime).
REGISTRY = CollectorRegistry(auto_describe=True)
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    REGISTRY.register(_collector)

_BUILD_INFO = Gauge("pulso_build_info", "Pulso version running.", ["version"], registry=REGISTRY)
_BUILD_INFO.labels(__version__).set(1)

HTTP_REQUESTS = Counter(
    "pulso_http_requests",
    "HTTP requests served, by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_REQUEST_DURATION = Histogram(
    "pulso_http_request_duration_seconds",
    "Time to serve an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
PIPELINE_STEP_DURATION = Histogram(
    "pulso_pipeline_step_duration_seconds",
    "Duration of pipeline steps run in this process (one observation per partition).",
    ["step", "status"],
    buckets=(0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0),
    registry=REGISTRY,
)
PIPELINE_STEP_FAILURES = Counter(
    "pulso_pipeline_step_failures",
    "Pipeline step partitions run in this process that failed after every retry.",
    ["step"],
    registry=REGISTRY,
)
PIPELINE_STEP_RETRIES = Counter(
    "pulso_pipeline_step_retries",
    "Failed attempts of pipeline steps in this process that were retried.",
    ["step"],
    registry=REGISTRY,
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_UNMATCHED_ROUTE = "unmatched"
#: Tokens of evaluation figures in ``model_version.metrics`` (other entries are counts).
_HIGHER_IS_BETTER = frozenset(
    {"f1", "precision", "recall", "accuracy", "auc", "ari", "nmi", "ndcg", "map", "mrr", "hit"}
    | {"r2", "silhouette", "coverage"}
)
_LOWER_IS_BETTER = frozenset(
    {"rmse", "mae", "mape", "smape", "wape", "mase", "brier", "logloss", "loss", "error"}
)


def record_step_outcome(step: str, *, status: str, attempts: int, duration_seconds: float) -> None:
    """Count one step partition the runner finished (called by the pipeline runner)."""
    PIPELINE_STEP_DURATION.labels(step, status).observe(duration_seconds)
    retried = max(0, attempts - 1)
    if retried:
        PIPELINE_STEP_RETRIES.labels(step).inc(retried)
    if status == "failed":
        PIPELINE_STEP_FAILURES.labels(step).inc()


# --- HTTP ------------------------------------------------------------------------------------


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else _UNMATCHED_ROUTE


class RequestMetricsMiddleware:
    """ASGI middleware: count and time each HTTP request by its route template.

    The label is the template the router matched (``/api/v1/retail/products/{product_id}``),
    or ``unmatched`` for 404s, so label values stay a small, fixed set.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            method = scope.get("method", "GET")
            method = method if method in _METHODS else "OTHER"
            route = _route_template(scope)
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_REQUEST_DURATION.labels(method, route).observe(time.perf_counter() - started)


# --- database --------------------------------------------------------------------------------


def _timestamp(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _quality_direction(metric: str) -> str | None:
    """``higher_is_better`` / ``lower_is_better`` for an evaluation figure, None for a count."""
    tokens = set(re.split(r"[^a-z0-9]+", metric.lower()))
    if tokens & _LOWER_IS_BETTER:
        return "lower_is_better"
    if tokens & _HIGHER_IS_BETTER:
        return "higher_is_better"
    return None


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


@dataclass(frozen=True, slots=True)
class _Scrape:
    """What section builders share: the scrape time and the collector's memo of fact times."""

    now: float
    fact_times: dict[int, datetime | None] = field(default_factory=dict)


SectionBuilder = Callable[[Connection | None, _Scrape], list[Metric]]


class DatabaseCollector(Collector):
    """Gauges and counters computed from the database on each scrape.

    Results are cached for ``cache_seconds`` so several scrapers do not multiply the queries.
    Each section (ingest, freshness, pipeline, alerts, models, retail, restaurants) runs on its
    own connection; a section that fails (say, a table a newer migration adds) is reported by
    ``pulso_metrics_section_up`` and its families are exposed without samples.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        cache_seconds: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.cache_seconds = cache_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, list[Metric]] | None = None
        self._failing: set[str] = set()
        self._fact_times: dict[int, datetime | None] = {}

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            now = self.clock()
            if self._cached is None or now - self._cached[0] >= self.cache_seconds:
                self._cached = (now, self._collect(now))
            families = self._cached[1]
        yield from families

    def _collect(self, now: float) -> list[Metric]:
        started = time.perf_counter()
        up = GaugeMetricFamily(
            "pulso_metrics_section_up",
            "Whether a section of the database metrics could be read (1) or not (0).",
            labels=["section"],
        )
        families: list[Metric] = [up]
        scrape = _Scrape(now, self._fact_times)
        for name, build in _SECTIONS:
            built = self._section(name, build, scrape)
            up.add_metric([name], 0.0 if built is None else 1.0)
            families.extend(build(None, scrape) if built is None else built)
        duration = GaugeMetricFamily(
            "pulso_metrics_collect_duration_seconds",
            "Time the last database metrics collection took.",
            value=time.perf_counter() - started,
        )
        return [*families, duration]

    def _section(self, name: str, build: SectionBuilder, scrape: _Scrape) -> list[Metric] | None:
        try:
            with self.engine.connect() as connection:
                built = build(connection, scrape)
        except SQLAlchemyError as exc:
            log = logger.debug if name in self._failing else logger.warning
            log("metrics section %s could not be read: %s", name, exc.__class__.__name__)
            self._failing.add(name)
            return None
        self._failing.discard(name)
        return built


def _ingest_families(connection: Connection | None, scrape: _Scrape) -> list[Metric]:
    del scrape
    runs = CounterMetricFamily(
        "pulso_ingest_runs",
        "Ingest runs by source, import kind and status.",
        labels=["source", "kind", "status"],
    )
    rows = CounterMetricFamily(
        "pulso_ingest_rows",
        "Rows ingested by source and import kind; outcome is accepted, quarantined or duplicate.",
        labels=["source", "kind", "outcome"],
    )
    if connection is not None:
        merged: dict[tuple[str, str, str], int] = {}
        for total in ops.ingest_totals(connection):
            runs.add_metric([total.source, total.kind, total.status], total.runs)
            for outcome, count in (
                ("accepted", total.accepted),
                ("quarantined", total.quarantined),
                ("duplicate", total.duplicates),
            ):
                key = (total.source, total.kind, outcome)
                merged[key] = merged.get(key, 0) + count
        for labels, count in merged.items():
            rows.add_metric(list(labels), count)
    return [runs, rows]


def _freshness_families(connection: Connection | None, scrape: _Scrape) -> list[Metric]:
    success = GaugeMetricFamily(
        "pulso_source_last_success_timestamp_seconds",
        "When the latest successful ingest run of a source and kind finished (Unix time).",
        labels=["source", "kind"],
    )
    observed = GaugeMetricFamily(
        "pulso_data_last_observation_timestamp_seconds",
        "Newest fact time (price observed, order placed...) a source delivered (Unix time).",
        labels=["source", "kind"],
    )
    freshness = GaugeMetricFamily(
        "pulso_data_freshness_seconds",
        "Seconds since the newest good observation of a source and kind.",
        labels=["source", "kind"],
    )
    last_rows = GaugeMetricFamily(
        "pulso_ingest_last_run_rows",
        "Rows read by the latest successful run of a source and kind.",
        labels=["source", "kind"],
    )
    last_ratio = GaugeMetricFamily(
        "pulso_ingest_last_run_quarantined_ratio",
        "Share of the rows of the latest successful run that went to quarantine.",
        labels=["source", "kind"],
    )
    statuses = (
        ops.source_status(connection, known=scrape.fact_times) if connection is not None else []
    )
    for status in statuses:
        labels = [status.source, status.kind]
        finished = _timestamp(status.last_success_at)
        if finished is not None:
            success.add_metric(labels, finished)
        last_observation = _timestamp(status.last_observation_at)
        if last_observation is not None:
            observed.add_metric(labels, last_observation)
            freshness.add_metric(labels, max(0.0, scrape.now - last_observation))
        last_rows.add_metric(labels, status.last_run_rows)
        ratio = status.last_run_quarantined / status.last_run_rows if status.last_run_rows else 0.0
        last_ratio.add_metric(labels, ratio)
    return [success, observed, freshness, last_rows, last_ratio]


def _pipeline_families(connection: Connection | None, scrape: _Scrape) -> list[Metric]:
    del scrape
    runs = CounterMetricFamily(
        "pulso_pipeline_step_runs",
        "Recorded pipeline step partition runs (all processes), by step and status.",
        labels=["step", "status"],
    )
    started = GaugeMetricFamily(
        "pulso_pipeline_step_last_run_timestamp_seconds",
        "When the latest run of a step started (Unix time).",
        labels=["step"],
    )
    duration = GaugeMetricFamily(
        "pulso_pipeline_step_last_duration_seconds",
        "Seconds the latest run of a step took, summed over its partitions.",
        labels=["step"],
    )
    failed = GaugeMetricFamily(
        "pulso_pipeline_step_last_failed_partitions",
        "Partitions of the latest run of a step that failed (0 when it succeeded).",
        labels=["step"],
    )
    success = GaugeMetricFamily(
        "pulso_pipeline_step_last_success_timestamp_seconds",
        "When a step last succeeded (Unix time).",
        labels=["step"],
    )
    for status in ops.pipeline_step_status(connection) if connection is not None else []:
        for state, count in status.runs_by_status.items():
            runs.add_metric([status.step, state], count)
        if status.last_started_at is not None:
            started.add_metric([status.step], status.last_started_at.timestamp())
            duration.add_metric([status.step], status.last_duration_seconds)
            failed.add_metric([status.step], status.last_failed_partitions)
        if status.last_success_at is not None:
            success.add_metric([status.step], status.last_success_at.timestamp())
    return [runs, started, duration, failed, success]


def _alert_families(connection: Connection | None, scrape: _Scrape) -> list[Metric]:
    del scrape
    open_alerts = GaugeMetricFamily(
        "pulso_alerts_open",
        "Alerts not yet acknowledged, by severity and kind.",
        labels=["severity", "kind"],
    )
    for count in ops.open_alert_counts(connection) if connection is not None else []:
        open_alerts.add_metric([count.severity, count.kind], count.open)
    return [open_alerts]


def _model_families(connection: Connection | None, scrape: _Scrape) -> list[Metric]:
    del scrape
    quality = GaugeMetricFamily(
        "pulso_model_quality",
        "Evaluation figures (F1, NDCG, RMSE...) of each model's production version; "
        "direction tells which way is better.",
        labels=["model", "metric", "direction"],
    )
    version = GaugeMetricFamily(
        "pulso_model_production_version",
        "Version number of each model's production version.",
        labels=["model"],
    )
    trained = GaugeMetricFamily(
        "pulso_model_trained_timestamp_seconds",
        "When each model's production version was trained (Unix time).",
        labels=["model"],
    )
    for record in production_versions(connection) if connection is not None else []:
        version.add_metric([record.name], record.version)
        trained.add_metric([record.name], record.created_at.timestamp())
        for metric, raw in sorted(record.metrics.items()):
            value, direction = _numeric(raw), _quality_direction(metric)
            if value is not None and direction is not None:
                quality.add_metric([record.name, metric, direction], value)
    return [quality, version, trained]


def _retail_families(connection: Connection | None, scrape: _Scrape) -> list[Metric]:
    del scrape
    index = GaugeMetricFamily(
        "pulso_price_index",
        "Newest weekly price index of a competitor in a category (our prices = 100).",
        labels=["retailer", "category", "level"],
    )
    promo = GaugeMetricFamily(
        "pulso_promo_listings_ratio",
        "Newest week's share of a retailer's listings on promotion, by category.",
        labels=["retailer", "category"],
    )
    active = GaugeMetricFamily(
        "pulso_promotions_active",
        "Promotions active in the newest week, by retailer.",
        labels=["retailer"],
    )
    drop = GaugeMetricFamily(
        "pulso_competitor_price_drop_ratio",
        "Largest drop of a competitor's matched listing below its mean regular price (0-1).",
        labels=["retailer"],
    )
    if connection is not None:
        for level in ("shelf", "regular"):
            for row in indicators.latest_price_index(connection, level=level):
                index.add_metric([row.retailer, row.category, level], row.value)
        for row in indicators.latest_promo_intensity(connection):
            promo.add_metric([row.retailer, row.category], row.value)
        for value in indicators.latest_active_promotions(connection):
            active.add_metric([value.retailer], value.value)
        for value in indicators.competitor_price_drops(connection):
            drop.add_metric([value.retailer], value.value)
    return [index, promo, active, drop]


def _restaurant_families(connection: Connection | None, scrape: _Scrape) -> list[Metric]:
    del scrape
    sentiment = GaugeMetricFamily(
        "pulso_review_net_sentiment",
        "Newest month's net sentiment (share positive minus share negative) per restaurant and aspect.",
        labels=["restaurant", "aspect"],
    )
    for row in indicators.latest_sentiment(connection) if connection is not None else []:
        sentiment.add_metric([row.restaurant, row.aspect], row.value)
    return [sentiment]


_SECTIONS: tuple[tuple[str, SectionBuilder], ...] = (
    ("ingest", _ingest_families),
    ("freshness", _freshness_families),
    ("pipeline", _pipeline_families),
    ("alerts", _alert_families),
    ("models", _model_families),
    ("retail", _retail_families),
    ("restaurants", _restaurant_families),
)


# --- exposition ------------------------------------------------------------------------------


class _Forward(Collector):
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterable[Metric]:
        return self.registry.collect()


_COLLECTORS: weakref.WeakKeyDictionary[Engine, DatabaseCollector] = weakref.WeakKeyDictionary()
_COLLECTORS_LOCK = threading.Lock()


def database_collector(engine: Engine) -> DatabaseCollector:
    """The (cached) database collector of ``engine``."""
    with _COLLECTORS_LOCK:
        collector = _COLLECTORS.get(engine)
        if collector is None:
            collector = _COLLECTORS[engine] = DatabaseCollector(engine)
        return collector


def render_metrics(engine: Engine | None, *, accept: str = "") -> tuple[bytes, str]:
    """The exposition of the process metrics and ``engine``'s database metrics.

    ``accept`` is the scraper's ``Accept`` header (OpenMetrics or the classic text format).
    Returns the body and its content type.
    """
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Forward(REGISTRY))
    if engine is not None:
        registry.register(database_collector(engine))
    encoder, content_type = choose_encoder(accept)
    return encoder(registry), content_type
