"""Rolling-origin evaluation of forecasts: MASE per horizon against naive baselines.

At each origin ``T`` a fresh copy of the model is trained on the rows whose target period is
``<= T`` (nothing after the origin is seen), forecasts ``T + 1 .. T + H`` are scored, and the
same targets are forecast by two baselines: *naive* (the last observed price) and *seasonal
naive* (the price one season before the target, ``y[T + h - m * ceil(h / m)]``).

Errors are scaled as in the MASE of Hyndman and Koehler (2006): by the in-sample mean
absolute difference ``|y[t] - y[t - m']|`` of the same series over the periods ``<= T``, with
``m' = 1`` for weekly data and ``m' = 12`` for monthly data (the M4 competition's choice). A
MASE below 1 beats the in-sample one-step naive forecast. Series whose scale is 0 (a constant
price so far) cannot be scaled: they are left out of MASE and counted in ``relative MAE``, the
ratio of summed absolute errors of the model and of a baseline over every scored row.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import clone

from pulso.errors import InputError
from pulso.pricing.forecasting import (
    HORIZON,
    ORIGIN,
    SERIES,
    TARGET,
    TARGET_PERIOD,
    CalendarFunction,
    FeatureConfig,
    PriceForecaster,
    make_forecast_features,
    pivot_panel,
    predict_prices,
    sample_series,
)

__all__ = [
    "BacktestResult",
    "apply_margins",
    "backtest_origins",
    "conformal_margins",
    "expanding_window_splits",
    "mase",
    "naive_forecast",
    "rolling_origin_backtest",
    "seasonal_naive_forecast",
    "summarise_backtest",
]

logger = logging.getLogger(__name__)

_EPSILON = 1e-8
FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]


def naive_forecast(history: Sequence[float] | FloatArray, horizon: int) -> FloatArray:
    """The last value of ``history`` repeated ``horizon`` times."""
    values = np.asarray(history, dtype=np.float64)
    if values.size == 0:
        raise InputError("a naive forecast needs at least one past value")
    return np.full(horizon, values[-1])


def seasonal_naive_forecast(
    history: Sequence[float] | FloatArray, horizon: int, *, season_length: int
) -> FloatArray:
    """``y[T + h - m * ceil(h / m)]`` for ``h = 1 .. horizon``: the same point one season ago."""
    values = np.asarray(history, dtype=np.float64)
    if values.size < season_length:
        raise InputError(
            f"a seasonal naive forecast needs {season_length} past values, got {values.size}"
        )
    steps = np.arange(1, horizon + 1)
    back = steps - season_length * np.ceil(steps / season_length).astype(int)
    return np.asarray(values[values.size - 1 + back], dtype=np.float64)


def mase(
    y_true: Sequence[float] | FloatArray,
    y_pred: Sequence[float] | FloatArray,
    y_train: Sequence[float] | FloatArray,
    *,
    season_length: int = 1,
) -> float:
    """Mean absolute scaled error of ``y_pred`` for one series trained on ``y_train``."""
    train = np.asarray(y_train, dtype=np.float64)
    if train.size <= season_length:
        raise InputError(f"MASE needs more than {season_length} training values")
    scale = float(np.mean(np.abs(train[season_length:] - train[:-season_length])))
    if scale == 0.0:
        raise InputError("MASE is undefined: the training series is constant")
    errors = np.abs(np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64))
    return float(np.mean(errors) / scale)


def backtest_origins(
    periods: pd.DatetimeIndex, *, n_origins: int, horizon: int, step: int = 1
) -> pd.DatetimeIndex:
    """The last ``n_origins`` origins (``step`` apart) whose ``horizon`` targets are observed."""
    last = len(periods) - 1 - horizon
    positions = [last - k * step for k in range(n_origins) if last - k * step >= 1]
    if not positions:
        raise InputError(f"{len(periods)} periods are too few to backtest {horizon} ahead")
    return pd.DatetimeIndex(periods[sorted(positions)])


def expanding_window_splits(
    periods: Sequence[object] | pd.Series, *, n_splits: int, gap: int = 0
) -> list[tuple[IndexArray, IndexArray]]:
    """Time-aware cross-validation folds over rows labelled with ``periods``.

    The last ``n_splits`` blocks of distinct periods are the test folds, in time order; each
    fold trains on every row whose period is earlier than the fold's first period by more than
    ``gap`` periods (an expanding window, like :class:`~sklearn.model_selection.TimeSeriesSplit`
    but never splitting a period across train and test).
    """
    values = pd.Series(periods).reset_index(drop=True)
    unique = np.sort(values.unique())
    size = max(1, unique.size // (n_splits + 1))
    if unique.size < n_splits + 1 + gap:
        raise InputError(f"{unique.size} periods are too few for {n_splits} folds")
    folds = []
    for k in range(n_splits, 0, -1):
        start = unique.size - k * size
        test = unique[start : start + size]
        train_end = unique[start - gap - 1] if start - gap - 1 >= 0 else None
        if train_end is None:
            continue
        train_index = np.flatnonzero(values <= train_end)
        test_index = np.flatnonzero(values.isin(test))
        folds.append((train_index.astype(np.intp), test_index.astype(np.intp)))
    return folds


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """Scored forecasts (one row per series, origin and horizon) and their summary."""

    errors: pd.DataFrame
    summary: pd.DataFrame


def _scales(price: FloatArray, season_length: int) -> FloatArray:
    """In-sample mean ``|y[t] - y[t - m]|`` up to each period (NaN where no pair exists)."""
    diff = np.abs(price[:, season_length:] - price[:, :-season_length])
    diff = np.where(diff < _EPSILON, 0.0, diff)  # weekly means of equal prices differ by ~1e-15
    valid = np.isfinite(diff)
    sums = np.cumsum(np.where(valid, diff, 0.0), axis=1)
    counts = np.cumsum(valid, axis=1)
    scale = np.full_like(price, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale[:, season_length:] = np.where(counts > 0, sums / counts, np.nan)
    return scale


def _baselines(
    errors: pd.DataFrame,
    panel: pd.DataFrame,
    config: FeatureConfig,
    *,
    season_length: int,
    scale_season_length: int,
) -> pd.DataFrame:
    wide = pivot_panel(panel, config)
    filled = pd.DataFrame(wide.price.T).ffill().to_numpy().T
    rows = wide.series.get_indexer(pd.Index(errors[SERIES]))
    cols = wide.periods.get_indexer(pd.DatetimeIndex(errors[ORIGIN]))
    horizon = errors[HORIZON].to_numpy()
    back = cols + horizon - season_length * np.ceil(horizon / season_length).astype(int)
    seasonal = np.full(len(errors), np.nan)
    ok = back >= 0
    seasonal[ok] = filled[rows[ok], back[ok]]
    out = errors.copy()
    out["naive"] = filled[rows, cols]
    out["seasonal_naive"] = seasonal
    out["scale"] = _scales(wide.price, scale_season_length)[rows, cols]
    return out


def rolling_origin_backtest(
    panel: pd.DataFrame,
    *,
    estimator: PriceForecaster,
    config: FeatureConfig,
    origins: Sequence[pd.Timestamp] | pd.DatetimeIndex,
    calendar: CalendarFunction | None = None,
    season_length: int = 52,
    scale_season_length: int = 1,
    max_train_series: int | None = None,
    refit_every: int = 1,
    random_state: int = 0,
) -> BacktestResult:
    """Refit ``estimator`` at every ``refit_every``-th origin; score it and the baselines.

    Between refits the last model forecasts the later origins from their own (newer) data
    without seeing their targets ("rolling origin without re-estimation", Tashman 2000), which
    keeps the backtest honest at a fraction of the cost. Training uses at most
    ``max_train_series`` series (drawn once, at random); every series is scored.
    ``season_length`` is the seasonal naive's period and ``scale_season_length`` the MASE
    scale's.
    """
    train_mask = sample_series(
        panel[SERIES], max_series=max_train_series, random_state=random_state
    )
    train_frame = make_forecast_features(panel[train_mask], config=config, calendar=calendar)
    train_frame = train_frame[np.isfinite(train_frame[TARGET])]
    test_frame = make_forecast_features(panel, config=config, calendar=calendar, origins=origins)
    test_frame = test_frame[np.isfinite(test_frame[TARGET])]
    scored = []
    model: PriceForecaster | None = None
    for position, origin in enumerate(sorted(origins)):
        if model is None or position % max(1, refit_every) == 0:
            train = train_frame[train_frame[TARGET_PERIOD] <= origin]
            if train.empty:
                logger.warning("backtest origin %s skipped: no training rows", origin)
                continue
            model = clone(estimator).fit(train.drop(columns=_KEYS), train[TARGET])
            logger.info("backtest: refitted at %s on %d rows", origin, len(train))
        test = test_frame[test_frame[ORIGIN] == origin]
        if test.empty:
            continue
        predicted = predict_prices(model, test)
        predicted["actual"] = np.exp(test[TARGET].to_numpy() + test["anchor"].to_numpy())
        scored.append(predicted)
    if not scored:
        raise InputError("no backtest origin had both training and test rows")
    errors = _baselines(
        pd.concat(scored, ignore_index=True),
        panel,
        config,
        season_length=season_length,
        scale_season_length=scale_season_length,
    )
    return BacktestResult(errors, summarise_backtest(errors, coverage=estimator.coverage))


_KEYS = [SERIES, ORIGIN, HORIZON, TARGET_PERIOD, "anchor", TARGET]
_METHODS = ("forecast", "naive", "seasonal_naive")


def _mase_of(scaled: pd.Series) -> float:
    return float(scaled.mean()) if len(scaled) else math.nan


def conformal_margins(errors: pd.DataFrame, *, coverage: float) -> pd.Series:
    """Per horizon, the conformalized-quantile-regression margin (log scale) of the intervals.

    The conformity score of a scored row is ``max(log(lower / actual), log(actual / upper))``
    (positive when the actual falls outside the interval); the margin is its
    ``ceil((n + 1) * coverage) / n`` empirical quantile (Romano, Patterson and Candès, 2019).
    Widening each bound by the margin (it may be negative: narrowing) gives intervals that
    cover ``coverage`` of new targets when the errors are exchangeable.
    """
    scored = errors.dropna(subset=["actual", "lower", "upper"])
    scored = scored[(scored["actual"] > 0) & (scored["lower"] > 0) & (scored["upper"] > 0)]
    score = pd.Series(
        np.maximum(
            np.log(scored["lower"] / scored["actual"]), np.log(scored["actual"] / scored["upper"])
        ),
        index=scored.index,
    )
    margins = {}
    for horizon, values in score.groupby(scored[HORIZON]):
        n = len(values)
        level = min(1.0, math.ceil((n + 1) * coverage) / n)
        margins[int(horizon)] = float(np.quantile(values.to_numpy(), level, method="higher"))
    return pd.Series(margins, name="margin", dtype=np.float64)


def apply_margins(frame: pd.DataFrame, margins: pd.Series) -> pd.DataFrame:
    """``frame`` with ``lower``/``upper`` moved out (or in) by each horizon's log margin."""
    out = frame.copy()
    margin = out[HORIZON].map(margins).fillna(0.0).to_numpy()
    out["lower"] = np.minimum(out["lower"] * np.exp(-margin), out["forecast"])
    out["upper"] = np.maximum(out["upper"] * np.exp(margin), out["forecast"])
    return out


def _conformal_coverage(errors: pd.DataFrame, coverage: float) -> pd.Series:
    """Coverage on the later half of the origins with margins from the earlier half."""
    origins = np.sort(errors[ORIGIN].unique())
    if origins.size < 2:
        return pd.Series(dtype=np.float64)
    cut = origins[origins.size // 2]
    margins = conformal_margins(errors[errors[ORIGIN] < cut], coverage=coverage)
    later = apply_margins(errors[errors[ORIGIN] >= cut], margins)
    inside = (later["lower"] <= later["actual"]) & (later["actual"] <= later["upper"])
    return inside.groupby(later[HORIZON]).mean()


def summarise_backtest(errors: pd.DataFrame, *, coverage: float = 0.8) -> pd.DataFrame:
    """Per horizon: MASE and relative MAE of the model and baselines, interval coverage.

    ``coverage`` is the raw quantile interval's; ``coverage_conformal`` that of the intervals
    calibrated by :func:`conformal_margins` on the earlier half of the origins, measured on the
    later half. ``mase_pooled_*`` divide summed absolute errors by summed scales (a MASE
    weighted by each series' scale, robust to near-constant series).
    """
    methods = [m for m in _METHODS if errors[m].notna().any()]
    usable = errors.dropna(subset=["actual", *methods])
    calibrated = _conformal_coverage(usable, coverage)
    rows = []
    for horizon in sorted(set(usable[HORIZON].astype(int))):
        group = usable[usable[HORIZON] == horizon]
        scaled = group[group["scale"] > 0]
        row: dict[str, float] = {HORIZON: float(horizon), "n": float(len(group))}
        row["n_scaled"] = float(len(scaled))
        for method in _METHODS:
            name = "model" if method == "forecast" else method
            if method not in methods:
                row[f"mase_{name}"] = math.nan
                continue
            row[f"mase_{name}"] = _mase_of(
                (scaled[method] - scaled["actual"]).abs() / scaled["scale"]
            )
            row[f"mae_{name}"] = float((group[method] - group["actual"]).abs().mean())
        for baseline in ("naive", "seasonal_naive"):
            denominator = row.get(f"mae_{baseline}", math.nan)
            row[f"relmae_{baseline}"] = (
                row["mae_model"] / denominator if denominator and denominator > 0 else math.nan
            )
        for method in methods:
            name = "model" if method == "forecast" else method
            total = (scaled[method] - scaled["actual"]).abs().sum()
            row[f"mase_pooled_{name}"] = float(total / scaled["scale"].sum())
        inside = (group["lower"] <= group["actual"]) & (group["actual"] <= group["upper"])
        row["coverage"] = float(inside.mean())
        row["coverage_conformal"] = float(calibrated.get(horizon, math.nan))
        rows.append(row)
    summary = pd.DataFrame(rows)
    if not summary.empty:
        summary[HORIZON] = summary[HORIZON].astype(int)
        summary["n"] = summary["n"].astype(int)
        summary["n_scaled"] = summary["n_scaled"].astype(int)
    return summary
