"""Retail model steps: weekly price forecasts and next week's promotion probabilities.

``forecast_prices`` backtests and trains :class:`~pulso.pricing.forecasting.PriceForecaster`
twice, per listing and per retailer x category, and writes 1-4 week forecasts with intervals;
``predict_promotions`` tunes, scores and trains the promotion classifier and writes next
week's probabilities with their SHAP reasons. Both read weekly aggregates of the price
observations (``pulso.store.queries.forecast``), save their models under
``data_dir/models/<name>/<version>/`` with a ``model_version`` row, and replace their insight
rows in one transaction. A re-run on the same data and parameters reuses the version number
and writes the same rows (every model is seeded).

Parameters (``context.params``): ``threads`` (native threads while fitting, default 1);
``forecast_max_train_series`` (listings sampled to train the per-listing model, default
1200); ``forecast_max_iter`` (boosting iterations of the point model, default 150; the interval
models get half); ``forecast_backtest_origins``, ``forecast_backtest_step`` and
``forecast_refit_every`` (backtest origins, weeks between them and origins per refit; default
6, 1, 3 per listing and 10, 3, 2 per category); ``promo_max_train_series`` (listings sampled
to tune and train the promotion model, default 3000); ``promo_test_weeks`` (held-out weeks,
default 8 or a quarter of the history) and ``promo_param_grid``.

Final intervals are the quantile models' bounds calibrated per horizon on the backtest errors
(conformalized quantile regression, :func:`pulso.pricing.backtest.conformal_margins`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]
import numpy as np
import pandas as pd
from sklearn.base import clone
from sqlalchemy import Connection, delete, func, insert, select, update
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from pulso.pipelines.registry import StepContext, StepResult, step
from pulso.pricing.backtest import (
    apply_margins,
    backtest_origins,
    conformal_margins,
    rolling_origin_backtest,
)
from pulso.pricing.calendar import weekly_calendar
from pulso.pricing.forecasting import (
    ORIGIN,
    PERIOD,
    SERIES,
    TARGET,
    FeatureConfig,
    PriceForecaster,
    category_panel,
    feature_columns,
    listing_panel,
    make_forecast_features,
    predict_prices,
    resolve_categories,
    sample_series,
)
from pulso.pricing.promo_prediction import (
    LABEL,
    PromoEvaluation,
    category_promotions,
    evaluate_promotions,
    explain_promotions,
    fit_promo_classifier,
    make_promo_features,
    promo_feature_names,
    shap_importance,
    top_reasons,
)
from pulso.store.queries import forecast as queries
from pulso.store.tables import Base, ModelVersion
from pulso.store.tables_forecast import (
    InsightModelMetric,
    InsightPriceForecast,
    InsightPromoPrediction,
    InsightPromoShapImportance,
)

__all__ = [
    "CATEGORY_MODEL",
    "LISTING_MODEL",
    "PROMO_MODEL",
    "forecast_prices",
    "predict_promotions",
]

logger = logging.getLogger(__name__)

AREA = "retail"
LISTING_MODEL = "price_forecast_listing"
CATEGORY_MODEL = "price_forecast_category"
PROMO_MODEL = "promo_classifier"
HORIZONS = (1, 2, 3, 4)
GROUPS = ("retailer_code", "category_code")
_YEAR = 52
_IMPORTANCE_ROWS = 5000  # rows explained for the global SHAP importance


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class _RetailData:
    panel: pd.DataFrame
    listings: pd.DataFrame
    categories: list[str]
    data_version: str


def _param(context: StepContext, name: str, default: Any) -> Any:
    return context.params.get(name, default)


def _threads(context: StepContext) -> Any:
    """Cap native thread pools while fitting: on a small shared machine gradient boosting's
    OpenMP threads spin-wait and run several times slower than one thread."""
    return threadpool_limits(limits=int(_param(context, "threads", 1)))


def _load(context: StepContext) -> _RetailData | None:
    weekly = queries.load_weekly_prices(context.engine)
    if weekly.empty:
        return None
    listings = queries.load_listing_attributes(context.engine)
    categories = queries.load_product_categories(context.engine)
    if not categories:
        labels = listings["listing_category"].dropna().str.strip().str.capitalize()
        categories = sorted(labels.unique())
    listings["category"] = resolve_categories(listings, categories)
    panel = listing_panel(weekly, listings)
    panel["retailer_code"] = panel["retailer_id"].astype(int)
    codes = pd.Categorical(panel["category"], categories=categories).codes
    panel["category_code"] = (codes + 1).astype(int)  # 0 = unknown
    version = queries.price_data_version(context.engine)
    return _RetailData(panel, listings, categories, version)


def _calendar(periods: pd.DatetimeIndex) -> pd.DataFrame:
    return weekly_calendar(periods.date)


# --------------------------------------------------------------------------- model registry


@contextmanager
def _registered(
    context: StepContext, name: str, *, params: dict[str, Any], data_version: str
) -> Iterator[tuple[int, Path]]:
    """The version to write: the same one when data and parameters are unchanged, else a new one.

    Yields the version and its artifact folder; the caller saves there and registers it.
    """
    with context.engine.connect() as connection:
        rows = connection.execute(
            select(ModelVersion.version, ModelVersion.params).where(
                ModelVersion.name == name, ModelVersion.data_version == data_version
            )
        ).all()
        latest = connection.scalar(
            select(func.max(ModelVersion.version)).where(ModelVersion.name == name)
        )
    same = [int(row.version) for row in rows if row.params == params]
    version = same[-1] if same else int(latest or 0) + 1
    folder = context.data_dir / "models" / name / str(version)
    folder.mkdir(parents=True, exist_ok=True)
    yield version, folder


def _register(
    connection: Connection,
    name: str,
    version: int,
    *,
    params: dict[str, Any],
    metrics: dict[str, Any],
    artifact: Path,
    data_version: str,
) -> None:
    """Upsert the ``model_version`` row and make it the production version."""
    connection.execute(
        update(ModelVersion)
        .where(ModelVersion.name == name, ModelVersion.stage == "production")
        .values(stage="archived")
    )
    values = {
        "stage": "production",
        "created_at": datetime.now(UTC),
        "params": params,
        "metrics": metrics,
        "artifact_uri": str(artifact.resolve()),
        "data_version": data_version,
    }
    exists = connection.scalar(
        select(ModelVersion.id).where(ModelVersion.name == name, ModelVersion.version == version)
    )
    if exists is None:
        connection.execute(insert(ModelVersion).values(name=name, version=version, **values))
    else:
        connection.execute(update(ModelVersion).where(ModelVersion.id == exists).values(**values))


def _save(folder: Path, model: Any, metadata: dict[str, Any]) -> Path:
    path = folder / "model.joblib"
    joblib.dump(model, path)
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=2, default=str))
    return path


def _clean(value: Any) -> Any:
    """A JSON-safe number: NaN becomes None."""
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


# --------------------------------------------------------------------------- forecasts


@dataclass(frozen=True, slots=True)
class _Forecast:
    name: str
    level: str
    version: int
    predictions: pd.DataFrame
    summary: pd.DataFrame
    params: dict[str, Any]


def _forecast_config(n_periods: int, *, covariates: Sequence[str]) -> FeatureConfig:
    season = _YEAR if n_periods > 2 * _YEAR else None
    return FeatureConfig(
        freq="W-MON",
        horizons=HORIZONS,
        season_length=season,
        group_columns=GROUPS,
        covariates=tuple(covariates),
    )


def _seasonal_period(n_periods: int) -> int:
    """52 weeks when the backtest has a year before its origins, else 4 (a month)."""
    return _YEAR if n_periods > _YEAR + max(HORIZONS) + 8 else 4


@dataclass(frozen=True, slots=True)
class _BacktestPlan:
    """``origins`` origins ``step`` weeks apart, the model refitted every ``refit_every``."""

    origins: int
    step: int
    refit_every: int


#: Per-listing training is the expensive part: 6 consecutive weekly origins, 2 refits. The
#: category model is cheap: 10 origins 3 weeks apart (about 7 months, events included).
_PLANS = {"listing": _BacktestPlan(6, 1, 3), "category": _BacktestPlan(10, 3, 2)}


def _plan(context: StepContext, level: str) -> _BacktestPlan:
    plan = _PLANS[level]
    return _BacktestPlan(
        int(_param(context, "forecast_backtest_origins", plan.origins)),
        int(_param(context, "forecast_backtest_step", plan.step)),
        int(_param(context, "forecast_refit_every", plan.refit_every)),
    )


def _train_forecaster(
    context: StepContext,
    panel: pd.DataFrame,
    *,
    name: str,
    level: str,
    covariates: Sequence[str],
    max_train_series: int | None,
    data_version: str,
) -> _Forecast:
    periods = pd.DatetimeIndex(sorted(panel[PERIOD].unique()))
    config = _forecast_config(len(periods), covariates=covariates)
    max_iter = int(_param(context, "forecast_max_iter", 150))
    estimator = PriceForecaster(
        max_iter=max_iter,
        interval_max_iter=max(10, max_iter // 2),
        categorical_features=list(GROUPS),
        random_state=context.seed,
    )
    plan = _plan(context, level)
    horizon = max(HORIZONS)
    while plan.origins * plan.step + horizon >= len(periods) and plan.step > 1:
        plan = _BacktestPlan(plan.origins, plan.step - 1, plan.refit_every)  # short history
    origins = backtest_origins(periods, n_origins=plan.origins, horizon=horizon, step=plan.step)
    season = _seasonal_period(len(periods))
    backtest = rolling_origin_backtest(
        panel,
        estimator=estimator,
        config=config,
        origins=origins,
        calendar=_calendar,
        season_length=season,
        max_train_series=max_train_series,
        refit_every=plan.refit_every,
        random_state=context.seed,
    )
    sample = sample_series(panel[SERIES], max_series=max_train_series, random_state=context.seed)
    train = make_forecast_features(panel[sample], config=config, calendar=_calendar)
    train = train[np.isfinite(train[TARGET])]
    model = clone(estimator).fit(train[feature_columns(train)], train[TARGET])
    latest = make_forecast_features(
        panel, config=config, calendar=_calendar, origins=[periods[-1]]
    )
    margins = conformal_margins(backtest.errors, coverage=estimator.coverage)
    predictions = apply_margins(predict_prices(model, latest), margins)
    params = {
        "estimator": model.get_params(),
        "features": asdict(config),
        "seasonal_naive_period": season,
        "mase_scale_period": 1,
        "backtest_origins": [str(origin.date()) for origin in origins],
        "backtest_refit_every": plan.refit_every,
        "conformal_log_margins": {str(h): round(float(m), 6) for h, m in margins.items()},
        "max_train_series": max_train_series,
        "train_rows": len(train),
    }
    params = json.loads(json.dumps(params, default=str))
    metrics = {
        f"{column}_h{int(row['horizon'])}": _clean(row[column])
        for _, row in backtest.summary.iterrows()
        for column in (
            "mase_model",
            "mase_naive",
            "mase_seasonal_naive",
            "mase_pooled_model",
            "mase_pooled_naive",
            "coverage_conformal",
        )
    }
    with _registered(context, name, params=params, data_version=data_version) as (version, folder):
        metadata = {"name": name, "version": version, "params": params, "metrics": metrics}
        artifact = _save(folder, {"model": model, "config": config}, metadata)
        with context.engine.begin() as connection:
            _register(
                connection,
                name,
                version,
                params=params,
                metrics=metrics,
                artifact=artifact,
                data_version=data_version,
            )
    logger.info("%s v%d backtest:\n%s", name, version, backtest.summary.to_string())
    return _Forecast(name, level, version, predictions, backtest.summary, params)


def _forecast_rows(
    forecast: _Forecast, statics: pd.DataFrame, coverage: float
) -> list[dict[str, Any]]:
    frame = forecast.predictions.join(statics, on=SERIES)
    frame = frame[np.isfinite(frame["forecast"])]
    now = datetime.now(UTC)
    return [
        {
            "level": forecast.level,
            "retailer_id": int(row["retailer_id"]),
            "listing_id": int(row[SERIES]) if forecast.level == "listing" else None,
            "category": row["category"] if isinstance(row["category"], str) else None,
            "origin_week": pd.Timestamp(row[ORIGIN]).date(),
            "target_week": pd.Timestamp(row["target_period"]).date(),
            "horizon_weeks": int(row["horizon"]),
            "last_price_pen": _clean(round(float(row["last_price"]), 2)),
            "forecast_pen": round(float(row["forecast"]), 2),
            "lower_pen": round(float(row["lower"]), 2),
            "upper_pen": round(float(row["upper"]), 2),
            "coverage": coverage,
            "model_name": forecast.name,
            "model_version": forecast.version,
            "created_at": now,
        }
        for row in frame.to_dict("records")
    ]


_SUMMARY_METRICS = (
    ("mase", "mase_model", "model", "n_scaled"),
    ("mase", "mase_naive", "naive", "n_scaled"),
    ("mase", "mase_seasonal_naive", "seasonal_naive", "n_scaled"),
    ("relative_mae", "relmae_naive", "naive", "n"),
    ("relative_mae", "relmae_seasonal_naive", "seasonal_naive", "n"),
    ("mase_pooled", "mase_pooled_model", "model", "n_scaled"),
    ("mase_pooled", "mase_pooled_naive", "naive", "n_scaled"),
    ("mase_pooled", "mase_pooled_seasonal_naive", "seasonal_naive", "n_scaled"),
    ("mae_pen", "mae_model", "model", "n"),
    ("interval_coverage", "coverage", "quantile_models", "n"),
    ("interval_coverage", "coverage_conformal", "model", "n"),
)


def _forecast_metric_rows(forecast: _Forecast) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {
            "model_name": forecast.name,
            "model_version": forecast.version,
            "metric": metric,
            "method": method,
            "segment": "all",
            "horizon": int(row["horizon"]),
            "value": _clean(row.get(column, np.nan)),
            "n_obs": int(row[count]),
            "evaluated_at": now,
        }
        for _, row in forecast.summary.iterrows()
        for metric, column, method, count in _SUMMARY_METRICS
    ]


@step("forecast_prices", after=["match_listings"], area=AREA)
def forecast_prices(context: StepContext) -> StepResult:
    """Backtest and train the weekly price forecasters; write 1-4 week forecasts."""
    data = _load(context)
    if data is None:
        return StepResult(0, {"skipped": "no price observations"})
    listing_frame = data.panel.drop(columns=["category", "retailer_id"])
    categories = category_panel(data.panel)
    categories["retailer_code"] = categories["retailer_id"].astype(int)
    codes = pd.Categorical(categories["category"], categories=data.categories).codes
    categories["category_code"] = (codes + 1).astype(int)
    max_series = _param(context, "forecast_max_train_series", 1200)
    with _threads(context):
        by_listing = _train_forecaster(
            context,
            listing_frame,
            name=LISTING_MODEL,
            level="listing",
            covariates=("promo_last_day", "days_since_promo"),
            max_train_series=max_series,
            data_version=data.data_version,
        )
        by_category = _train_forecaster(
            context,
            categories.drop(columns=["category", "retailer_id", "listings"]),
            name=CATEGORY_MODEL,
            level="category",
            covariates=(),
            max_train_series=None,
            data_version=data.data_version,
        )
    statics = data.panel.drop_duplicates(SERIES).set_index(SERIES)[["retailer_id", "category"]]
    category_statics = categories.drop_duplicates(SERIES).set_index(SERIES)[
        ["retailer_id", "category"]
    ]
    coverage = PriceForecaster().coverage
    rows = _forecast_rows(by_listing, statics, coverage)
    rows += _forecast_rows(by_category, category_statics, coverage)
    metrics = _forecast_metric_rows(by_listing) + _forecast_metric_rows(by_category)
    with context.engine.begin() as connection:
        connection.execute(delete(InsightPriceForecast))
        connection.execute(
            delete(InsightModelMetric).where(
                InsightModelMetric.model_name.in_([LISTING_MODEL, CATEGORY_MODEL])
            )
        )
        if rows:
            connection.execute(insert(InsightPriceForecast), rows)
        connection.execute(insert(InsightModelMetric), metrics)
    detail = {
        forecast.name: {
            "version": forecast.version,
            **{
                f"mase_h{int(r['horizon'])}": _clean(r["mase_model"])
                for _, r in forecast.summary.iterrows()
            },
            **{
                f"mase_naive_h{int(r['horizon'])}": _clean(r["mase_naive"])
                for _, r in forecast.summary.iterrows()
            },
        }
        for forecast in (by_listing, by_category)
    }
    return StepResult(len(rows) + len(metrics), detail)


# --------------------------------------------------------------------------- promotions


def _test_weeks(context: StepContext, n_weeks: int) -> int:
    return int(_param(context, "promo_test_weeks", max(2, min(8, n_weeks // 4))))


def _promo_metric_rows(metrics: pd.DataFrame, version: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {
            "model_name": PROMO_MODEL,
            "model_version": version,
            "metric": row["metric"],
            "method": row["method"],
            "segment": row["segment"],
            "horizon": 1,
            "value": _clean(row["value"]),
            "n_obs": int(row["n_obs"]),
            "evaluated_at": now,
        }
        for row in metrics.to_dict("records")
    ]


def _promo_rows(
    latest: pd.DataFrame, categories: pd.DataFrame, *, version: int, threshold: float
) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    common = {"model_name": PROMO_MODEL, "model_version": version, "created_at": now}
    target_week = pd.Timestamp(latest["target_period"].max()).date() if len(latest) else None
    rows = [
        {
            "level": "listing",
            "retailer_id": int(row["retailer_id"]),
            "listing_id": int(row[SERIES]),
            "category": row["category"] if isinstance(row["category"], str) else None,
            "target_week": pd.Timestamp(row["target_period"]).date(),
            "probability": float(row["probability"]),
            "predicted": bool(row["probability"] >= threshold),
            "expected_share": None,
            "listings": None,
            "reasons": row["reasons"],
        }
        | common
        for row in latest.to_dict("records")
    ]
    rows += [
        {
            "level": "category",
            "retailer_id": int(row["retailer_id"]),
            "listing_id": None,
            "category": row["category"],
            "target_week": target_week,
            "probability": float(row["probability"]),
            "predicted": bool(row["probability"] >= 0.5),
            "expected_share": float(row["expected_share"]),
            "listings": int(row["listings"]),
            "reasons": row["reasons"],
        }
        | common
        for row in categories.to_dict("records")
    ]
    return rows


@dataclass(frozen=True, slots=True)
class _Promotions:
    model: Any
    names: list[str]
    evaluation: PromoEvaluation
    latest: pd.DataFrame
    categories: pd.DataFrame
    importance: pd.DataFrame
    expected_value: float
    params: dict[str, Any]


def _fit_promotions(context: StepContext, data: _RetailData) -> _Promotions:
    """Tune and score on held-out weeks, refit on everything, explain next week's chances."""
    retailers = dict(zip(data.listings["retailer_id"], data.listings["retailer"], strict=True))
    frame = make_promo_features(
        data.panel, calendar=_calendar, retailers=retailers, categories=data.categories
    )
    names = promo_feature_names(frame)
    n_weeks = frame.loc[frame[LABEL].notna(), ORIGIN].nunique()
    max_series = _param(context, "promo_max_train_series", 3000)
    evaluation, _ = evaluate_promotions(
        frame,
        test_weeks=_test_weeks(context, n_weeks),
        param_grid=_param(context, "promo_param_grid", None),
        max_train_series=max_series,
        random_state=context.seed,
    )
    sample = sample_series(frame[SERIES], max_series=max_series, random_state=context.seed)
    model = fit_promo_classifier(
        frame[sample], params=evaluation.tuning["best_params"], random_state=context.seed
    )
    competitors = data.listings.loc[~data.listings["is_own"].astype(bool), "retailer_id"]
    latest = frame[(frame[ORIGIN] == frame[ORIGIN].max()) & frame["retailer_id"].isin(competitors)]
    latest = latest.reset_index(drop=True)
    latest["probability"] = model.predict_proba(latest[names])[:, 1]
    shap_values, expected = explain_promotions(model, latest[names])
    latest["reasons"] = top_reasons(shap_values, latest[names])
    labelled = frame[frame[LABEL].notna()]
    rows = labelled.sample(n=min(_IMPORTANCE_ROWS, len(labelled)), random_state=context.seed)
    importance = shap_importance(explain_promotions(model, rows[names])[0], names)
    params = {
        "estimator": model.get_params(),
        "tuning": evaluation.tuning,
        "threshold": evaluation.threshold,
        "test_start": str(evaluation.test_start.date()),
        "max_train_series": max_series,
        "features": names,
    }
    return _Promotions(
        model,
        names,
        evaluation,
        latest,
        category_promotions(latest, shap_values, names),
        importance,
        expected,
        json.loads(json.dumps(params, default=str)),
    )


def _importance_rows(importance: pd.DataFrame, version: int) -> list[dict[str, Any]]:
    return [
        {
            "model_name": PROMO_MODEL,
            "model_version": version,
            "feature": row["feature"],
            "mean_abs_shap": float(row["mean_abs_shap"]),
            "rank": int(row["rank"]),
        }
        for row in importance.to_dict("records")
    ]


@step("predict_promotions", after=["parse_promotions", "match_listings"], area=AREA)
def predict_promotions(context: StepContext) -> StepResult:
    """Tune, score and train the promotion classifier; write next week's probabilities."""
    data = _load(context)
    if data is None:
        return StepResult(0, {"skipped": "no price observations"})
    with _threads(context):
        fitted = _fit_promotions(context, data)
    headline = {
        f"{r['metric']}_{r['method']}_{r['segment']}": _clean(r["value"])
        for r in fitted.evaluation.metrics.to_dict("records")
    }
    threshold = fitted.evaluation.threshold
    with _registered(
        context, PROMO_MODEL, params=fitted.params, data_version=data.data_version
    ) as (version, folder):
        metadata = {"name": PROMO_MODEL, "version": version, "params": fitted.params}
        bundle = {
            "model": fitted.model,
            "features": fitted.names,
            "expected_value": fitted.expected_value,
        }
        artifact = _save(folder, bundle, metadata | {"metrics": headline})
        rows = _promo_rows(fitted.latest, fitted.categories, version=version, threshold=threshold)
        metric_rows = _promo_metric_rows(fitted.evaluation.metrics, version)
        importance_rows = _importance_rows(fitted.importance, version)
        with context.engine.begin() as connection:
            _register(
                connection,
                PROMO_MODEL,
                version,
                params=fitted.params,
                metrics=headline,
                artifact=artifact,
                data_version=data.data_version,
            )
            for table in (InsightPromoPrediction, InsightPromoShapImportance):
                connection.execute(delete(table))
            connection.execute(
                delete(InsightModelMetric).where(InsightModelMetric.model_name == PROMO_MODEL)
            )
            inserts: list[tuple[type[Base], list[dict[str, Any]]]] = [
                (InsightPromoPrediction, rows),
                (InsightPromoShapImportance, importance_rows),
                (InsightModelMetric, metric_rows),
            ]
            for model_table, values in inserts:
                if values:
                    connection.execute(insert(model_table), values)
    detail = {"version": version, **headline, "threshold": threshold}
    return StepResult(len(rows) + len(metric_rows) + len(importance_rows), detail)
