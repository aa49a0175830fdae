"""``/metrics`` over real HTTP: ingest, freshness, pipeline, models, alerts; dashboards and rules.

The database metrics are computed at scrape time from the tables every process writes, so a
demo loaded by one process and a pipeline run by another both show up on the web app's
``/metrics``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import Engine, insert, text
from tests.factories import BAD_PRICE_ROWS, prices_file
from tests.integration.ops_support import (
    app_with_metrics,
    dashboard_expressions,
    exposed_names,
    parse_samples,
    promql_metric_names,
    serve,
)

from pulso.ingest.runner import ingest_file
from pulso.observability.metrics import DatabaseCollector
from pulso.pipelines.registry import STEPS, StepContext, StepResult, step
from pulso.pipelines.runner import run_pipeline
from pulso.store.tables import Alert, ModelVersion

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
#: Series that Prometheus makes itself (not exposed by /metrics).
PROMETHEUS_SERIES = {"up"}


@pytest.fixture
def ops_steps() -> Iterator[None]:
    @step("ops_demo_step", area="ops_test")
    def demo_step(context: StepContext) -> StepResult:
        return StepResult(rows_written=7)

    @step("ops_failing_step", area="ops_test", retries=0)
    def failing_step(context: StepContext) -> StepResult:
        raise RuntimeError("model input missing")

    yield
    STEPS.pop("ops_demo_step")
    STEPS.pop("ops_failing_step")


def _scrape(url: str) -> str:
    response = httpx.get(f"{url}/metrics", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def _value(samples, name: str, **labels: str) -> float:
    matching = [v for found, v in samples.get(name, []) if labels.items() <= found.items()]
    assert matching, f"no {name} sample with {labels}"
    return float(sum(matching))


@pytest.mark.slow
def test_after_the_demo_metrics_show_ingest_pipeline_and_freshness(
    demo_engine, ops_steps, tmp_path
):
    context = StepContext(
        engine=demo_engine, data_dir=tmp_path, run_key="", today=datetime.now(UTC).date()
    )
    report = run_pipeline(context, steps=["ops_demo_step", "ops_failing_step"], backoff_seconds=0)
    assert not report.succeeded
    with serve(app_with_metrics(demo_engine)) as url:
        httpx.get(f"{url}/health")
        httpx.get(f"{url}/no-such-page")
        samples = parse_samples(_scrape(url))

    accepted = _value(samples, "pulso_ingest_rows_total", outcome="accepted")
    prices = _value(samples, "pulso_ingest_rows_total", outcome="accepted", kind="prices")
    quarantined = _value(samples, "pulso_ingest_rows_total", outcome="quarantined")
    assert accepted > 50_000
    assert 0 < prices < accepted
    assert quarantined > 0  # the demo plants dirt
    assert _value(samples, "pulso_ingest_runs_total", status="succeeded") >= 10
    freshness = [
        v for labels, v in samples["pulso_data_freshness_seconds"] if labels["kind"] == "prices"
    ]
    assert len(freshness) >= 5
    assert all(v > 0 for v in freshness)
    assert _value(samples, "pulso_pipeline_step_runs_total", step="ops_demo_step") == 1
    assert (
        _value(samples, "pulso_pipeline_step_last_failed_partitions", step="ops_failing_step") == 1
    )
    assert _value(samples, "pulso_pipeline_step_last_failed_partitions", step="ops_demo_step") == 0
    assert _value(samples, "pulso_pipeline_step_failures_total", step="ops_failing_step") >= 1
    assert _value(samples, "pulso_pipeline_step_duration_seconds_count", step="ops_demo_step") >= 1
    assert _value(samples, "pulso_http_requests_total", route="/health", status="200") >= 1
    assert _value(samples, "pulso_http_requests_total", route="unmatched", status="404") >= 1
    assert all(
        v == 1
        for labels, v in samples["pulso_metrics_section_up"]
        if labels["section"] in ("ingest", "freshness", "pipeline")
    )


def test_freshness_counts_and_quarantine_of_one_source(sqlite_engine, tmp_path, ingest_options):
    path = prices_file(tmp_path / "prices.csv", good=97, bad=BAD_PRICE_ROWS)
    ingest_file(sqlite_engine, "prices", path, options=ingest_options, source="tottus-export")
    ingest_file(sqlite_engine, "prices", path, options=ingest_options, source="tottus-export")
    newest = datetime(2026, 7, 1, 5, tzinfo=UTC)  # 2026-07-01 00:00 in Lima
    now = newest.timestamp() + 3600.0
    collector = DatabaseCollector(sqlite_engine, cache_seconds=0, clock=lambda: now)

    families = {family.name: family for family in collector.collect()}

    def sample(family: str, suffix: str = "", **labels: str) -> float:
        found = [
            s.value
            for s in families[family].samples
            if s.name == family + suffix and labels.items() <= s.labels.items()
        ]
        assert len(found) == 1, (family, labels, found)
        return found[0]

    source = {"source": "tottus-export", "kind": "prices"}
    assert sample("pulso_data_freshness_seconds", **source) == pytest.approx(3600.0)
    assert sample("pulso_ingest_rows", "_total", outcome="accepted", **source) == 97
    assert sample("pulso_ingest_rows", "_total", outcome="duplicate", **source) == 97
    assert sample("pulso_ingest_rows", "_total", outcome="quarantined", **source) == 6
    assert sample("pulso_ingest_runs", "_total", status="succeeded", **source) == 2
    assert sample("pulso_ingest_last_run_quarantined_ratio", **source) == pytest.approx(3 / 100)


def test_models_alerts_and_a_missing_table(sqlite_engine):
    now = datetime.now(UTC)
    with sqlite_engine.begin() as connection:
        connection.execute(
            insert(ModelVersion),
            [
                {
                    "name": "recommender",
                    "version": 1,
                    "stage": "archived",
                    "created_at": now,
                    "metrics": {"ndcg@10": 0.2},
                },
                {
                    "name": "recommender",
                    "version": 2,
                    "stage": "production",
                    "created_at": now,
                    "metrics": {
                        "ndcg@10": 0.31,
                        "rmse": 0.9,
                        "training_rows": 5000,
                        "fitted": True,
                    },
                },
            ],
        )
        connection.execute(
            insert(Alert),
            [
                {
                    "dedup_key": f"k{i}",
                    "kind": kind,
                    "severity": severity,
                    "title": "t",
                    "created_at": now,
                    "acknowledged_at": acked,
                }
                for i, (kind, severity, acked) in enumerate(
                    [
                        ("price_drop", "high", None),
                        ("price_drop", "high", None),
                        ("undercut", "medium", None),
                        ("stockout", "low", now),
                    ]
                )
            ],
        )
        connection.execute(text("DROP TABLE IF EXISTS insight_sentiment_period"))
    collector = DatabaseCollector(sqlite_engine, cache_seconds=0)

    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for f in collector.collect()
        for s in f.samples
    }

    def get(name: str, **labels: str) -> float | None:
        return samples.get((name, tuple(sorted(labels.items()))))

    assert (
        get(
            "pulso_model_quality",
            model="recommender",
            metric="ndcg@10",
            direction="higher_is_better",
        )
        == 0.31
    )
    assert (
        get("pulso_model_quality", model="recommender", metric="rmse", direction="lower_is_better")
        == 0.9
    )
    assert not [
        k for k in samples if k[0] == "pulso_model_quality" and ("metric", "training_rows") in k[1]
    ]
    assert get("pulso_model_production_version", model="recommender") == 2
    assert get("pulso_alerts_open", severity="high", kind="price_drop") == 2
    assert get("pulso_alerts_open", severity="medium", kind="undercut") == 1
    assert get("pulso_alerts_open", severity="low", kind="stockout") is None
    assert get("pulso_metrics_section_up", section="restaurants") == 0
    assert get("pulso_metrics_section_up", section="models") == 1


def test_scrapes_are_cached(sqlite_engine):
    clock = {"now": 1000.0}
    collector = DatabaseCollector(sqlite_engine, cache_seconds=10, clock=lambda: clock["now"])

    def open_alerts() -> float:
        return sum(
            s.value
            for f in collector.collect()
            if f.name == "pulso_alerts_open"
            for s in f.samples
        )

    assert open_alerts() == 0
    with sqlite_engine.begin() as connection:
        connection.execute(
            insert(Alert).values(
                dedup_key="a",
                kind="undercut",
                severity="high",
                title="t",
                created_at=datetime.now(UTC),
            )
        )
    clock["now"] += 5
    assert open_alerts() == 0
    clock["now"] += 6
    assert open_alerts() == 1


def test_dashboards_and_alert_rules_use_only_exposed_metrics(sqlite_engine: Engine):
    with serve(app_with_metrics(sqlite_engine)) as url:
        exposed = exposed_names(_scrape(url))
    dashboards = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    used: dict[str, set[str]] = {}
    for path in dashboards:
        for expression in dashboard_expressions(json.loads(path.read_text())):
            used.setdefault(path.name, set()).update(promql_metric_names(expression))
    for group in rules["groups"]:
        for rule in group["rules"]:
            used.setdefault("alerts.yml", set()).update(promql_metric_names(rule["expr"]))

    assert len(dashboards) == 2
    assert {"pulso-operations.json", "pulso-business.json", "alerts.yml"} <= set(used)
    missing = {name: sorted(names - exposed - PROMETHEUS_SERIES) for name, names in used.items()}
    assert missing == {name: [] for name in used}
    assert "pulso_price_index" in used["pulso-business.json"]
    assert "pulso_data_freshness_seconds" in used["pulso-operations.json"]
