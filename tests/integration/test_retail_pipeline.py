"""The retail steps on the small demo (SQLite and PostgreSQL), scored against the planted truth,
and the ``/api/v1/retail`` endpoints over real HTTP on what they wrote.

The steps run once per engine (module-scoped fixture); tests that change data come last.
Figures asserted here are the small demo's; the medium demo's are recorded in the docs.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
import uvicorn
from sqlalchemy import Engine, func, select, text
from tests.conftest import DEMO_END_DATE, PG_URL, TEST_SECRET, pg_schema_url

from pulso.api.app import create_app
from pulso.ingest.runner import IngestOptions
from pulso.pipelines.demo import load_demo
from pulso.pipelines.registry import StepContext
from pulso.pipelines.runner import PipelineReport, run_pipeline
from pulso.pipelines.steps.retail import DEMO_SEEDER, DEMO_TRAINING_SHARE
from pulso.pricing.match_review import training_split
from pulso.store.session import create_db_engine, upgrade_database
from pulso.store.tables import Alert, Listing, ModelVersion, ProductMatch, Promotion, Retailer
from pulso.store.tables_retail import (
    InsightListingActivity,
    InsightPriceAnomaly,
    InsightPriceGap,
    InsightPriceIndex,
    InsightPromoCalendar,
    InsightPromoStats,
    InsightStrategyCluster,
)

pytestmark = pytest.mark.slow

RETAIL_STEPS = [
    "match_listings",
    "parse_promotions",
    "price_comparison",
    "promo_stats",
    "cluster_competitors",
    "alerts",
]
INSIGHT_TABLES = [
    InsightPriceGap,
    InsightPriceIndex,
    InsightListingActivity,
    InsightPriceAnomaly,
    InsightPromoStats,
    InsightPromoCalendar,
    InsightStrategyCluster,
]


@dataclass(frozen=True)
class RetailDemo:
    engine: Engine
    context: StepContext
    report: PipelineReport
    demo_dir: Path

    def detail(self, step: str) -> dict[str, Any]:
        return next(o.detail or {} for o in self.report.outcomes if o.step == step)


def _pg_demo_engine(small_demo_dir: Path) -> Iterator[Engine]:
    if not PG_URL:
        pytest.skip("PULSO_TEST_PG_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_db_engine(pg_schema_url(schema))
    upgrade_database(engine)
    load_demo(
        engine,
        small_demo_dir,
        scale="small",
        seed=7,
        end_date=DEMO_END_DATE,
        options=IngestOptions(pseudonym_key=TEST_SECRET.encode()),
        regenerate=False,
    )
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def retail_demo(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    small_demo_dir: Path,
    _small_demo_sqlite_template: Path,
) -> Iterator[RetailDemo]:
    folder = tmp_path_factory.mktemp(f"retail-{request.param}")
    if request.param == "sqlite":
        shutil.copyfile(_small_demo_sqlite_template, folder / "demo.db")
        engines: Iterator[Engine] = iter([create_db_engine(f"sqlite:///{folder / 'demo.db'}")])
    else:
        engines = _pg_demo_engine(small_demo_dir)
    engine = next(engines)
    context = StepContext(
        engine=engine,
        data_dir=folder / ".pulso",
        run_key="",
        today=DEMO_END_DATE + timedelta(days=1),
        params={"demo_dir": str(small_demo_dir)},
    )
    report = run_pipeline(context, steps=RETAIL_STEPS, backoff_seconds=0)
    yield RetailDemo(engine, context, report, small_demo_dir)
    next(engines, None)
    engine.dispose()


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def test_every_step_succeeds_and_fills_its_tables(retail_demo):
    failures = [(o.step, o.error) for o in retail_demo.report.outcomes if o.status != "succeeded"]

    assert failures == []
    assert [o.step for o in retail_demo.report.outcomes] == RETAIL_STEPS
    assert {
        table.__tablename__: _count(retail_demo.engine, table) > 0 for table in INSIGHT_TABLES
    } == {table.__tablename__: True for table in INSIGHT_TABLES}
    assert _count(retail_demo.engine, Alert) > 0


def test_matching_scores_on_held_out_listings_only(retail_demo):
    detail = retail_demo.detail("match_listings")

    assert detail["scorer"] == "model"
    assert detail["training_pairs"] >= 80
    assert detail["heldout_listings"] >= 200
    assert detail["heldout_f1"] >= 0.95
    assert detail["heldout_precision"] >= 0.99
    assert detail["heldout_names_only_f1"] >= 0.95  # no EAN on either side
    assert detail["heldout_no_counterpart_matched"] == 0  # other sizes, flavours, own brands
    assert detail["heldout_wrong_product"] == 0
    with retail_demo.engine.connect() as connection:
        seeded = connection.execute(
            select(Retailer.name, Listing.external_id)
            .join(Listing, Listing.retailer_id == Retailer.id)
            .join(ProductMatch, ProductMatch.listing_id == Listing.id)
            .where(ProductMatch.decided_by == DEMO_SEEDER)
        ).all()
    keys = [f"{retailer}|{external_id}" for retailer, external_id in seeded]
    assert len(keys) == detail["training_pairs"]
    assert all(training_split(keys, share=DEMO_TRAINING_SHARE))


def test_promotions_are_parsed_as_planted(retail_demo):
    detail = retail_demo.detail("parse_promotions")

    assert detail["truth_found"] == detail["truth_promotions"] > 1000
    assert detail["type_accuracy"] >= 0.99
    assert detail["discount_within_0_01"] >= 0.99
    with retail_demo.engine.connect() as connection:
        unparsed = connection.scalar(
            select(func.count()).select_from(Promotion).where(Promotion.promo_type.is_(None))
        )
    assert unparsed == 0


def test_planted_price_typos_are_flagged_and_alerted(retail_demo):
    detail = retail_demo.detail("price_comparison")

    assert detail["planted_outliers"] > 0
    assert detail["planted_outliers_flagged"] == detail["planted_outliers"]
    assert detail["anomalies_flagged"] == detail["planted_outliers"]  # and nothing else
    with retail_demo.engine.connect() as connection:
        alerted = connection.scalar(
            select(func.count()).select_from(Alert).where(Alert.kind == "price_anomaly")
        )
    assert alerted == detail["anomalies_flagged"]


def test_clusters_recover_the_planted_strategies(retail_demo):
    detail = retail_demo.detail("cluster_competitors")

    assert detail["ari_competitor"] >= 0.8
    assert detail["ari_competitor_category"] >= 0.8
    assert detail["label_accuracy_competitor"] == 1.0
    with retail_demo.engine.connect() as connection:
        labels = dict(
            connection.execute(
                select(Retailer.name, InsightStrategyCluster.label)
                .join(Retailer, Retailer.id == InsightStrategyCluster.retailer_id)
                .where(InsightStrategyCluster.category == "*")
            ).all()
        )
    assert labels == {
        "Tottus": "high_low",
        "Metro": "everyday_low_price",
        "Wong": "premium",
        "Vivanda": "premium",
        "Makro": "discounter",
    }


def test_price_index_follows_the_planted_price_levels(retail_demo):
    with retail_demo.engine.connect() as connection:
        rows = connection.execute(
            select(Retailer.name, func.avg(InsightPriceIndex.index_regular))
            .join(Retailer, Retailer.id == InsightPriceIndex.retailer_id)
            .where(InsightPriceIndex.category == "*")
            .group_by(Retailer.name)
        ).all()
    index = {name: float(value) for name, value in rows}

    assert index["Makro"] == pytest.approx(88.0, abs=2.5)
    assert index["Metro"] == pytest.approx(93.5, abs=2.5)
    assert index["Tottus"] == pytest.approx(106.0, abs=2.5)
    assert index["Wong"] == pytest.approx(112.0, abs=2.5)
    assert index["Vivanda"] == pytest.approx(112.0, abs=2.5)


def test_a_second_run_changes_nothing(retail_demo):
    before = {table.__tablename__: _count(retail_demo.engine, table) for table in INSIGHT_TABLES}
    counts = (Alert, ProductMatch, Promotion, ModelVersion)
    before_counts = [_count(retail_demo.engine, table) for table in counts]
    with retail_demo.engine.connect() as connection:
        gaps_before = pd.read_sql(
            select(InsightPriceGap.listing_id, InsightPriceGap.gap_shelf_pct), connection
        )

    report = run_pipeline(retail_demo.context, steps=RETAIL_STEPS, backoff_seconds=0)

    after = {table.__tablename__: _count(retail_demo.engine, table) for table in INSIGHT_TABLES}
    assert report.succeeded
    assert after == before
    assert [_count(retail_demo.engine, table) for table in counts] == before_counts
    alerts = next(o for o in report.outcomes if o.step == "alerts")
    assert alerts.rows_written == 0
    with retail_demo.engine.connect() as connection:
        gaps_after = pd.read_sql(
            select(InsightPriceGap.listing_id, InsightPriceGap.gap_shelf_pct), connection
        )
    pd.testing.assert_frame_equal(
        gaps_before.sort_values("listing_id", ignore_index=True),
        gaps_after.sort_values("listing_id", ignore_index=True),
    )


# --- the API over HTTP --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(retail_demo) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(retail_demo.engine), host="127.0.0.1", port=port, log_level="warning"
    )
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


RETAIL_PATHS = {
    "/api/v1/retail/matches",
    "/api/v1/retail/matches/review-queue",
    "/api/v1/retail/matches/{match_id}/confirm",
    "/api/v1/retail/matches/{match_id}/reject",
    "/api/v1/retail/price-comparison",
    "/api/v1/retail/price-index",
    "/api/v1/retail/price-activity",
    "/api/v1/retail/price-activity/summary",
    "/api/v1/retail/products/{product_id}/history",
    "/api/v1/retail/promotions",
    "/api/v1/retail/promotions/calendar",
    "/api/v1/retail/promotions/stats",
    "/api/v1/retail/clusters",
    "/api/v1/retail/alerts",
    "/api/v1/retail/alerts/{alert_id}/acknowledge",
}


def test_read_endpoints_page_and_filter(server):
    api = f"{server}/api/v1/retail"
    spec = httpx.get(f"{server}/openapi.json").json()
    assert set(spec["paths"]) >= RETAIL_PATHS

    tottus = httpx.get(f"{api}/price-comparison", params={"competitor": "tottus"}).json()
    assert tottus["total"] > 0
    assert {item["retailer_name"] for item in tottus["items"]} == {"Tottus"}
    gap = tottus["items"][0]
    assert {"gap_regular_pct", "gap_shelf_pct", "gap_card_pct", "gap_unit_pct"} <= set(gap)

    index = httpx.get(
        f"{api}/price-index",
        params={"category": "*", "competitor": "Metro", "date_from": "2026-10-01", "page_size": 3},
    ).json()
    assert len(index["items"]) == 3
    assert index["total"] > 3
    assert all(item["week"] >= "2026-10-01" for item in index["items"])
    assert all(80 < item["index_regular"] < 100 for item in index["items"])

    product_id = gap["product_id"]
    history = httpx.get(f"{api}/products/{product_id}/history", params={"date_from": "2026-11-01"})
    series = history.json()["series"]
    assert any(s["is_own"] for s in series)
    assert any(s["retailer_name"] == "Tottus" for s in series)
    assert all(p["observed_at"] >= "2026-11-01" for s in series for p in s["points"])

    promotions = httpx.get(f"{api}/promotions", params={"competitor": "wong", "page_size": 5})
    assert promotions.json()["items"][0]["promo_type"] is not None
    calendar = httpx.get(f"{api}/promotions/calendar", params={"category": "*"}).json()
    assert calendar["total"] > 0
    stats = httpx.get(f"{api}/promotions/stats", params={"competitor": "tottus", "category": "*"})
    assert stats.json()["items"][0]["promo_day_share"] > 0.2
    clusters = httpx.get(f"{api}/clusters", params={"category": "*"}).json()
    assert {item["label"] for item in clusters["items"]} >= {"premium", "high_low"}
    activity = httpx.get(f"{api}/price-activity", params={"competitor": "makro"}).json()
    assert activity["items"][0]["stockout_rate"] >= activity["items"][-1]["stockout_rate"]
    summary = httpx.get(f"{api}/price-activity/summary", params={"competitor": "makro"}).json()
    assert sum(item["listings"] for item in summary["items"]) == activity["total"]
    assert all(0 <= item["stockout_rate"] < 0.2 for item in summary["items"])

    assert httpx.get(f"{api}/price-index", params={"competitor": "nowhere"}).status_code == 404
    bad_range = httpx.get(
        f"{api}/promotions", params={"date_from": "2026-11-02", "date_to": "2026-11-01"}
    )
    assert bad_range.status_code == 422
    assert bad_range.headers["content-type"].startswith("application/problem+json")


def test_alerts_are_filtered_and_acknowledged(server):
    api = f"{server}/api/v1/retail"
    anomalies = httpx.get(f"{api}/alerts", params={"kind": "price_anomaly"}).json()
    tottus = httpx.get(f"{api}/alerts", params={"competitor": "tottus", "page_size": 500}).json()
    assert anomalies["total"] > 0
    assert {item["detail"]["retailer_id"] for item in tottus["items"]} == {
        tottus["items"][0]["detail"]["retailer_id"]
    }

    alert_id = anomalies["items"][0]["id"]
    done = httpx.post(f"{api}/alerts/{alert_id}/acknowledge", json={"acknowledged_by": "ana"})
    open_after = httpx.get(
        f"{api}/alerts", params={"kind": "price_anomaly", "acknowledged": "false"}
    ).json()

    assert done.status_code == 200
    assert done.json()["acknowledged_by"] == "ana"
    assert open_after["total"] == anomalies["total"] - 1
    missing = httpx.post(f"{api}/alerts/999999/acknowledge", json={"acknowledged_by": "ana"})
    assert missing.status_code == 404


def test_matches_are_confirmed_rejected_and_linked_over_http(server):
    api = f"{server}/api/v1/retail"
    matches = httpx.get(f"{api}/matches", params={"status": "auto", "competitor": "wong"}).json()
    first, second = matches["items"][0], matches["items"][1]

    confirmed = httpx.post(f"{api}/matches/{first['id']}/confirm", json={"decided_by": "ana"})
    rejected = httpx.post(f"{api}/matches/{second['id']}/reject", json={"decided_by": "luis"})
    relinked = httpx.post(
        f"{api}/matches",
        json={
            "listing_id": second["listing_id"],
            "product_id": first["product_id"],
            "decided_by": "luis",
        },
    )

    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["decided_by"] == "ana"
    assert confirmed.json()["decided_at"] is not None
    assert rejected.json()["status"] == "rejected"
    assert relinked.status_code == 201
    assert relinked.json()["method"] == "manual"
    assert httpx.get(f"{api}/matches/review-queue").json()["total"] == 0
    assert httpx.post(f"{api}/matches/1/confirm", json={"decided_by": ""}).status_code == 422
