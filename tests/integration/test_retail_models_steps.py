"""The forecast_prices and predict_promotions steps on the small demo (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import joblib  # type: ignore[import-untyped]
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.conftest import DEMO_END_DATE

from pulso.pipelines.registry import STEPS, StepContext, order_steps
from pulso.pipelines.runner import run_pipeline
from pulso.pipelines.steps.retail_models import CATEGORY_MODEL, LISTING_MODEL, PROMO_MODEL
from pulso.store.queries import forecast as queries
from pulso.store.tables import Listing, ModelVersion, PriceObservation, Retailer
from pulso.store.tables_forecast import (
    InsightModelMetric,
    InsightPriceForecast,
    InsightPromoPrediction,
    InsightPromoShapImportance,
)

T = TypeVar("T")

#: Smaller than the defaults so the tests stay fast; the defaults run on the medium demo.
PARAMS = {
    "forecast_backtest_origins": 3,
    "forecast_max_iter": 40,
    "promo_param_grid": {"max_iter": [40], "learning_rate": [0.1], "max_leaf_nodes": [7, 15]},
}
LAST_WEEK = date(2026, 11, 9)  # Monday of the demo's last week (it ends on Sunday 15 November)


def run_models(engine, data_dir: Path):
    context = StepContext(
        engine=engine, data_dir=data_dir, run_key="", today=DEMO_END_DATE, params=PARAMS
    )
    report = run_pipeline(context, steps=["forecast_prices", "predict_promotions"])
    assert report.succeeded, report.to_dict()
    return report


def _rows(session: Session, table: type[T]) -> Sequence[T]:
    return session.scalars(select(table)).all()


def test_steps_are_registered_after_their_upstream_steps():
    assert STEPS["predict_promotions"].after == ("parse_promotions", "match_listings")
    names = [step.name for step in order_steps()]
    for upstream in ("parse_promotions", "match_listings"):
        if upstream in STEPS:
            assert names.index(upstream) < names.index("predict_promotions")


@pytest.mark.slow
def test_steps_write_forecasts_promotions_metrics_and_models(demo_engine, tmp_path):
    run_models(demo_engine, tmp_path / "data")
    with Session(demo_engine) as session:
        listings = session.scalar(select(func.count(func.distinct(PriceObservation.listing_id))))
        own = session.scalar(select(Retailer.id).where(Retailer.is_own))
        forecasts = _rows(session, InsightPriceForecast)
        by_listing = [f for f in forecasts if f.level == "listing"]
        by_category = [f for f in forecasts if f.level == "category"]
        assert len(by_listing) == 4 * int(listings or 0)
        assert {f.horizon_weeks for f in forecasts} == {1, 2, 3, 4}
        for forecast in forecasts:
            assert forecast.lower_pen <= forecast.forecast_pen <= forecast.upper_pen
            assert forecast.origin_week == LAST_WEEK
            assert forecast.target_week == LAST_WEEK + timedelta(weeks=forecast.horizon_weeks)
        assert by_category
        assert all(f.listing_id is None and f.category for f in by_category)
        assert {f.model_name for f in by_category} == {CATEGORY_MODEL}

        predictions = _rows(session, InsightPromoPrediction)
        listing_rows = [p for p in predictions if p.level == "listing"]
        category_rows = [p for p in predictions if p.level == "category"]
        assert listing_rows
        assert own not in {p.retailer_id for p in predictions}  # competitors only
        for prediction in listing_rows:
            assert 0.0 <= prediction.probability <= 1.0
            assert prediction.target_week == LAST_WEEK + timedelta(weeks=1)
            assert [set(r) for r in prediction.reasons] == [{"feature", "value", "shap"}] * 3
        for category in category_rows:
            members = [
                p.probability
                for p in listing_rows
                if (p.retailer_id, p.category) == (category.retailer_id, category.category)
            ]
            assert category.listings == len(members)
            assert category.probability >= max(members) - 1e-9
            assert category.expected_share == pytest.approx(sum(members) / len(members))

        importance = _rows(session, InsightPromoShapImportance)
        assert [row.rank for row in importance] == list(range(1, len(importance) + 1))
        assert importance[0].mean_abs_shap >= importance[-1].mean_abs_shap

        metrics = {
            (m.model_name, m.metric, m.method, m.segment, m.horizon): m.value
            for m in _rows(session, InsightModelMetric)
        }
        for name in (LISTING_MODEL, CATEGORY_MODEL):
            for horizon in (1, 2, 3, 4):
                for method in ("model", "naive", "seasonal_naive"):
                    assert (name, "mase", method, "all", horizon) in metrics
        base_rate = float(metrics[PROMO_MODEL, "pr_auc", "base_rate", "all", 1] or 0.0)
        assert float(metrics[PROMO_MODEL, "pr_auc", "model", "all", 1] or 0.0) > base_rate + 0.2

        versions = _rows(session, ModelVersion)
        assert {(v.name, v.version, v.stage) for v in versions} == {
            (LISTING_MODEL, 1, "production"),
            (CATEGORY_MODEL, 1, "production"),
            (PROMO_MODEL, 1, "production"),
        }
        for version in versions:
            assert str(version.data_version).startswith("prices-")
            assert "mase_model_h1" in version.metrics or "pr_auc_model_all" in version.metrics
            artifact = joblib.load(version.artifact_uri)
            assert hasattr(artifact["model"], "predict")
            assert (
                Path(str(version.artifact_uri)).parent
                == tmp_path / "data" / "models" / (version.name) / "1"
            )

        # the API's read queries on this engine
        label = str(by_category[0].category)
        page = queries.list_price_forecasts(
            session, level="category", category=label.upper(), horizon=2, page_size=500
        )
        assert page.total == sum(
            1 for f in by_category if f.category == label and f.horizon_weeks == 2
        )
        promos = queries.list_promo_predictions(session, level="listing", page_size=5)
        assert [p.probability for p in promos.items] == sorted(
            (p.probability for p in listing_rows), reverse=True
        )[:5]
        assert queries.list_model_metrics(session, model=PROMO_MODEL, metric="pr_auc").total > 0


@pytest.mark.slow
def test_a_rerun_on_the_same_data_writes_the_same_rows(demo_sqlite_engine, tmp_path):
    def snapshot() -> tuple[Any, ...]:
        with Session(demo_sqlite_engine) as session:
            forecasts = sorted(
                (
                    f.level,
                    f.retailer_id,
                    f.listing_id or 0,
                    f.category or "",
                    f.horizon_weeks,
                    f.forecast_pen,
                    f.lower_pen,
                    f.upper_pen,
                )
                for f in _rows(session, InsightPriceForecast)
            )
            promos = sorted(
                (p.level, p.retailer_id, p.listing_id or 0, p.category or "", p.probability)
                for p in _rows(session, InsightPromoPrediction)
            )
            versions = sorted((v.name, v.version) for v in _rows(session, ModelVersion))
            metrics = session.scalar(select(func.count()).select_from(InsightModelMetric))
        return forecasts, promos, versions, metrics

    run_models(demo_sqlite_engine, tmp_path / "data")
    first = snapshot()
    run_models(demo_sqlite_engine, tmp_path / "data")
    assert snapshot() == first
    assert first[2] == sorted([(CATEGORY_MODEL, 1), (LISTING_MODEL, 1), (PROMO_MODEL, 1)])


def test_steps_skip_an_empty_database(engine, tmp_path):
    report = run_models(engine, tmp_path / "data")
    assert [o.detail for o in report.outcomes] == [{"skipped": "no price observations"}] * 2
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Listing)) == 0
