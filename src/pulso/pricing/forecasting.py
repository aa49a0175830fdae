"""Price forecasts one to a few periods ahead with gradient boosting and prediction intervals.

A *panel* is a long frame with one row per series and period (a listing's or a category's
weekly mean offer-or-regular price, a market's monthly price): columns ``series_id``,
``period`` and ``price``, optionally ``regular`` (the list price, used as the level the
forecast is relative to), ``promo_share`` (share of the period's days on promotion), extra
covariates and static group columns (retailer, category).

:func:`make_forecast_features` turns a panel into one supervised row per series, origin and
horizon ("direct" multi-horizon strategy). Every feature of origin ``t`` is computed from
periods ``<= t`` only (and from the calendar of the target period, known in advance); the
target is ``log(price[t + h] / level[t])`` where the level is the last known regular price,
so one model serves cheap and expensive products alike. :class:`PriceForecaster` is a
scikit-learn regressor: a :class:`~sklearn.ensemble.HistGradientBoostingRegressor` with the
absolute-error loss for the point forecast (MASE is an absolute-error measure) and two
quantile-loss models for the interval bounds. :func:`predict_prices` maps the log ratios back
to prices.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.utils.validation import check_is_fitted, validate_data

from pulso.errors import InputError

__all__ = [
    "ANCHOR",
    "HORIZON",
    "KEY_COLUMNS",
    "ORIGIN",
    "PERIOD",
    "PRICE",
    "PROMO_SHARE",
    "REGULAR",
    "SERIES",
    "TARGET",
    "TARGET_PERIOD",
    "CalendarFunction",
    "FeatureConfig",
    "PriceForecaster",
    "WidePanel",
    "canonical_category",
    "category_panel",
    "feature_columns",
    "listing_panel",
    "make_forecast_features",
    "periods_since",
    "pivot_panel",
    "predict_prices",
    "resolve_categories",
    "rolling_stat",
    "run_length",
    "sample_series",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
CalendarFunction = Callable[[pd.DatetimeIndex], pd.DataFrame]

SERIES, PERIOD, PRICE, REGULAR, PROMO_SHARE = (
    "series_id",
    "period",
    "price",
    "regular",
    "promo_share",
)
ORIGIN, HORIZON, TARGET_PERIOD, ANCHOR, TARGET = (
    "origin",
    "horizon",
    "target_period",
    "anchor",
    "target",
)
#: Columns of a feature frame that are not features.
KEY_COLUMNS = (SERIES, ORIGIN, HORIZON, TARGET_PERIOD, ANCHOR, TARGET)
_REPRICE_THRESHOLD = 0.005


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """What :func:`make_forecast_features` builds.

    ``freq`` is the pandas frequency of the periods (``W-MON`` for weeks starting on Monday,
    ``MS`` for months), ``lags`` the past periods whose price ratio is a feature, ``windows``
    the rolling windows (periods) of summary features, ``season_length`` the period of the
    yearly season (52 weeks, 12 months; ``None`` for no seasonal features), ``group_columns``
    static columns encoded as categorical codes and ``covariates`` extra panel columns used at
    lags 0 and 1.
    """

    freq: str = "W-MON"
    horizons: tuple[int, ...] = (1, 2, 3, 4)
    lags: tuple[int, ...] = (0, 1, 2, 3, 4, 8)
    windows: tuple[int, ...] = (4, 13)
    season_length: int | None = None
    group_columns: tuple[str, ...] = ()
    covariates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WidePanel:
    """A panel as arrays of shape (series, periods) on a complete period grid (NaN = unseen)."""

    series: pd.Index
    periods: pd.DatetimeIndex
    price: FloatArray
    regular: FloatArray
    promo: FloatArray | None
    covariates: dict[str, FloatArray] = field(default_factory=dict)
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)


# --------------------------------------------------------------------------- array helpers


def _frame(values: FloatArray) -> pd.DataFrame:
    """Periods as rows, so pandas' rolling and fill work along time."""
    return pd.DataFrame(values.T)


def rolling_stat(values: FloatArray, window: int, how: str) -> FloatArray:
    """Rolling ``how`` (mean, min, max, std, sum) over the last ``window`` periods, NaN-aware.

    Missing values are skipped; a window without values gives NaN (std needs two values).
    """
    padded = np.pad(values, ((0, 0), (window - 1, 0)), constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, window, axis=1)
    finite = np.isfinite(windows)
    counts = finite.sum(axis=2)
    filled = np.where(finite, windows, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if how in ("mean", "sum", "std"):
            sums = filled.sum(axis=2)
            if how == "sum":
                return np.where(counts > 0, sums, np.nan)
            mean = sums / counts
            if how == "mean":
                return np.where(counts > 0, mean, np.nan)
            squares = (np.where(finite, windows, 0.0) ** 2).sum(axis=2)
            variance = (squares - counts * mean**2) / (counts - 1)
            return np.where(counts > 1, np.sqrt(np.maximum(variance, 0.0)), np.nan)
    if how in ("min", "max"):
        fill = np.inf if how == "min" else -np.inf
        reduced = getattr(np.where(finite, windows, fill), how)(axis=2)
        return np.where(counts > 0, reduced, np.nan)
    raise InputError(f"unknown rolling statistic {how!r}")


def _ffill(values: FloatArray) -> FloatArray:
    return np.asarray(_frame(values).ffill().to_numpy().T, dtype=np.float64)


def _shift(values: FloatArray, k: int) -> FloatArray:
    """``values[:, t - k]`` at position ``t`` (NaN where it does not exist)."""
    shifted = np.full_like(values, np.nan)
    if k == 0:
        return values.copy()
    if k > 0:
        shifted[:, k:] = values[:, :-k]
    else:
        shifted[:, :k] = values[:, -k:]
    return shifted


def periods_since(mask: BoolArray, known: BoolArray | None = None) -> FloatArray:
    """Periods since ``mask`` was last true, up to each period (NaN before the first time)."""
    index = np.arange(mask.shape[1])
    last = np.maximum.accumulate(np.where(mask, index, -1), axis=1)
    since = (index - last).astype(np.float64)
    since[last < 0] = np.nan
    if known is not None:
        since[~known & (last < 0)] = np.nan
    return since


def run_length(mask: BoolArray) -> FloatArray:
    """Length of the run of true values that ends at each period (0 where false)."""
    index = np.arange(mask.shape[1])
    last_false = np.maximum.accumulate(np.where(~mask, index, -1), axis=1)
    return (index - last_false).astype(np.float64)


def _log(values: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        logged = np.log(np.where(values > 0, values, np.nan))
    return np.asarray(logged, dtype=np.float64)


# --------------------------------------------------------------------------- panels


def _check_panel(panel: pd.DataFrame, config: FeatureConfig) -> None:
    required = [SERIES, PERIOD, PRICE, *config.group_columns, *config.covariates]
    missing = [name for name in required if name not in panel.columns]
    if missing:
        raise InputError(f"the price panel lacks column(s) {', '.join(missing)}")
    for name in config.group_columns:
        if not pd.api.types.is_integer_dtype(panel[name]) or (panel[name] < 0).any():
            raise InputError(f"group column {name!r} must hold non-negative integer codes")
    if panel.duplicated([SERIES, PERIOD]).any():
        raise InputError("the price panel has more than one row per series and period")


def pivot_panel(panel: pd.DataFrame, config: FeatureConfig) -> WidePanel:
    """Spread ``panel`` on a complete period grid of frequency ``config.freq``."""
    _check_panel(panel, config)
    if panel.empty:
        raise InputError("the price panel is empty")
    stamps = pd.DatetimeIndex(pd.to_datetime(panel[PERIOD]))
    grid = pd.date_range(stamps.min(), stamps.max(), freq=config.freq)
    if not stamps.isin(grid).all():
        raise InputError(f"panel periods do not fall on the {config.freq!r} grid")
    series = pd.Index(pd.unique(panel[SERIES]), name=SERIES).sort_values()
    rows = series.get_indexer(pd.Index(panel[SERIES]))
    cols = grid.get_indexer(stamps)

    def spread(column: str) -> FloatArray:
        values = np.full((len(series), len(grid)), np.nan)
        values[rows, cols] = panel[column].to_numpy(dtype=np.float64)
        return values

    price = spread(PRICE)
    regular = spread(REGULAR) if REGULAR in panel.columns else price.copy()
    promo = spread(PROMO_SHARE) if PROMO_SHARE in panel.columns else None
    groups = (
        panel.drop_duplicates(SERIES).set_index(SERIES).reindex(series)[list(config.group_columns)]
    )
    covariates = {name: spread(name) for name in config.covariates}
    return WidePanel(series, grid, price, regular, promo, covariates, groups)


# --------------------------------------------------------------------------- features


def _price_features(wide: WidePanel, config: FeatureConfig) -> dict[str, FloatArray]:
    log_price = _log(wide.price)
    anchor = _log(_ffill(wide.regular))
    features = {ANCHOR: anchor, "log_level": anchor}
    for k in config.lags:
        features[f"ratio_lag{k}"] = _shift(log_price, k) - anchor
    for w in config.windows:
        features[f"ratio_mean_{w}"] = rolling_stat(log_price, w, "mean") - anchor
        features[f"ratio_min_{w}"] = rolling_stat(log_price, w, "min") - anchor
        features[f"ratio_std_{w}"] = rolling_stat(log_price, w, "std")
        features[f"level_change_{w}"] = anchor - _shift(anchor, w)
    change = np.abs(anchor - _shift(anchor, 1)) > _REPRICE_THRESHOLD
    features["periods_since_level_change"] = periods_since(change)
    return features


def _promo_features(wide: WidePanel, config: FeatureConfig) -> dict[str, FloatArray]:
    if wide.promo is None:
        return {}
    share = wide.promo
    any_promo = np.where(np.isfinite(share), (share > 0) * 1.0, np.nan)
    depth = np.where(any_promo == 1.0, _log(wide.price) - _log(wide.regular), np.nan)
    features = {f"promo_share_lag{k}": _shift(share, k) for k in range(4)}
    for w in config.windows:
        features[f"promo_freq_{w}"] = rolling_stat(any_promo, w, "mean")
        features[f"promo_depth_{w}"] = rolling_stat(depth, w, "mean")
    features["periods_since_promo"] = periods_since(any_promo == 1.0)
    features["promo_run"] = run_length(any_promo == 1.0)
    return features


def _origin_features(wide: WidePanel, config: FeatureConfig) -> dict[str, FloatArray]:
    features = _price_features(wide, config) | _promo_features(wide, config)
    for name, values in wide.covariates.items():
        features[name] = values
        features[f"{name}_lag1"] = _shift(values, 1)
    for name in config.group_columns:
        codes = wide.groups[name].to_numpy(dtype=np.float64)
        features[name] = np.repeat(codes[:, None], len(wide.periods), axis=1)
    return features


def _calendar_block(
    calendar: CalendarFunction | None, periods: pd.DatetimeIndex, prefix: str
) -> pd.DataFrame:
    if calendar is None:
        return pd.DataFrame(index=periods)
    block = calendar(periods).reindex(periods)
    return block.add_prefix(prefix)


def make_forecast_features(
    panel: pd.DataFrame,
    *,
    config: FeatureConfig,
    calendar: CalendarFunction | None = None,
    origins: Sequence[pd.Timestamp] | pd.DatetimeIndex | None = None,
) -> pd.DataFrame:
    """One row per series, origin period and horizon: keys, target and features.

    ``origins`` restricts the rows to those origins (default: every period where the series
    has a level). ``target`` is NaN where the target period is not observed (or in the future).
    """
    wide = pivot_panel(panel, config)
    features = _origin_features(wide, config)
    n_periods = wide.price.shape[1]
    keep = np.isfinite(features[ANCHOR])
    if origins is not None:
        keep &= wide.periods.isin(pd.DatetimeIndex(list(origins)))[None, :]
    rows, cols = np.nonzero(keep)
    base = pd.DataFrame({SERIES: wide.series[rows], ORIGIN: wide.periods[cols]})
    origin_values = pd.DataFrame({name: values[rows, cols] for name, values in features.items()})
    horizon_max = max(config.horizons)
    future = pd.date_range(wide.periods[0], periods=n_periods + horizon_max, freq=config.freq)
    target_calendar = _calendar_block(calendar, future, "target_")
    origin_calendar = _calendar_block(calendar, wide.periods, "origin_")
    origin_calendar = origin_calendar[
        [c for c in origin_calendar.columns if str(c).startswith("origin_event_")]
    ]
    log_price = _log(wide.price)
    blocks = []
    for h in config.horizons:
        target_cols = cols + h
        target = np.full(rows.size, np.nan)
        inside = target_cols < n_periods
        target[inside] = log_price[rows[inside], target_cols[inside]]
        block = pd.concat([base, origin_values], axis=1)
        block.insert(2, HORIZON, h)
        block.insert(3, TARGET_PERIOD, future[target_cols])
        block.insert(5, TARGET, target - block[ANCHOR].to_numpy())
        block = pd.concat(
            [
                block,
                _seasonal_block(log_price, rows, cols, h, config.season_length, features),
                target_calendar.iloc[target_cols].reset_index(drop=True),
                origin_calendar.iloc[cols].reset_index(drop=True),
            ],
            axis=1,
        )
        blocks.append(block)
    frame = pd.concat(blocks, ignore_index=True)
    logger.debug("forecast features: %d rows x %d columns", len(frame), frame.shape[1])
    return frame


def _seasonal_block(
    log_price: FloatArray,
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    horizon: int,
    season_length: int | None,
    features: dict[str, FloatArray],
) -> pd.DataFrame:
    """Last season's price at the target period, and its change since last season's origin."""
    if season_length is None or horizon > season_length:
        return pd.DataFrame(index=range(rows.size))
    back = cols + horizon - season_length
    then_origin = cols - season_length
    ok = then_origin >= 0
    at_target = np.full(rows.size, np.nan)
    at_origin = np.full(rows.size, np.nan)
    at_target[ok] = log_price[rows[ok], back[ok]]
    at_origin[ok] = log_price[rows[ok], then_origin[ok]]
    return pd.DataFrame(
        {
            "seasonal_ratio": at_target - features[ANCHOR][rows, cols],
            "seasonal_change": at_target - at_origin,
        }
    )


def feature_columns(frame: pd.DataFrame) -> list[str]:
    """The feature columns of a frame from :func:`make_forecast_features`, in order."""
    return [name for name in frame.columns if name not in KEY_COLUMNS]


def sample_series(series: pd.Series, *, max_series: int | None, random_state: int) -> pd.Series:
    """A boolean mask keeping the rows of at most ``max_series`` series drawn at random."""
    unique = pd.unique(series)
    if max_series is None or unique.size <= max_series:
        return pd.Series(True, index=series.index)
    rng = np.random.default_rng(random_state)
    chosen = rng.choice(np.asarray(unique), size=max_series, replace=False)
    return series.isin(chosen)


# --------------------------------------------------------------------------- model


class PriceForecaster(RegressorMixin, BaseEstimator):  # type: ignore[misc]
    """Gradient-boosted regressor of log price ratios with quantile prediction intervals.

    The point forecast minimises absolute error; ``coverage`` (e.g. 0.8) sets the quantiles
    ``(1 - coverage) / 2`` and ``(1 + coverage) / 2`` of two quantile-loss models that bound
    :meth:`predict_interval` (``interval_max_iter`` trees each, at twice the learning rate:
    the bounds need less precision than the point). ``categorical_features`` names (or indexes) columns holding
    category codes. Missing values are allowed (they are routed by the trees).
    """

    def __init__(
        self,
        *,
        max_iter: int = 150,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 31,
        min_samples_leaf: int = 40,
        l2_regularization: float = 1.0,
        coverage: float = 0.8,
        interval_max_iter: int = 80,
        categorical_features: Sequence[str] | Sequence[int] | None = None,
        random_state: int = 0,
    ) -> None:
        self.max_iter = max_iter
        self.interval_max_iter = interval_max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.coverage = coverage
        self.categorical_features = categorical_features
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def _categorical_indices(self) -> list[int] | None:
        if not self.categorical_features:
            return None
        names = list(getattr(self, "feature_names_in_", []))
        indices = []
        for item in self.categorical_features:
            if isinstance(item, str):
                if item not in names:
                    raise InputError(f"categorical feature {item!r} is not a column of X")
                indices.append(names.index(item))
            else:
                indices.append(int(item))
        return indices

    def _booster(self, loss: str, quantile: float | None = None) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            loss=loss,
            quantile=quantile,
            max_iter=self.max_iter if quantile is None else self.interval_max_iter,
            learning_rate=self.learning_rate if quantile is None else 2 * self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            categorical_features=self._categorical_indices(),
            early_stopping=False,
            random_state=self.random_state,
        )

    def fit(self, X: Any, y: Any) -> Self:
        """Fit the point model and the two interval models on ``X`` and log ratios ``y``."""
        if not 0.0 < self.coverage < 1.0:
            raise InputError(f"coverage must be in (0, 1), got {self.coverage}")
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", y_numeric=True)
        self.ignored_features_ = np.flatnonzero(np.isnan(X).all(axis=0))
        X = self._without_ignored(X)
        low, high = (1.0 - self.coverage) / 2.0, (1.0 + self.coverage) / 2.0
        self.model_ = self._booster("absolute_error").fit(X, y)
        self.lower_model_ = self._booster("quantile", low).fit(X, y)
        self.upper_model_ = self._booster("quantile", high).fit(X, y)
        self.n_iter_ = int(self.model_.n_iter_)
        return self

    def _without_ignored(self, X: FloatArray) -> FloatArray:
        """``X`` with features that were all missing in training set to 0 (ignored).

        scikit-learn 1.9's histogram binning fails on a column without any value.
        """
        if self.ignored_features_.size == 0:
            return X
        X = np.array(X, dtype=np.float64)
        X[:, self.ignored_features_] = 0.0
        return X

    def predict(self, X: Any) -> FloatArray:
        """Point forecasts (log ratios)."""
        check_is_fitted(self)
        X = self._without_ignored(
            validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        )
        return np.asarray(self.model_.predict(X), dtype=np.float64)

    def predict_interval(self, X: Any) -> tuple[FloatArray, FloatArray]:
        """Lower and upper interval bounds (log ratios), widened to contain the point."""
        check_is_fitted(self)
        X = self._without_ignored(
            validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        )
        point = self.model_.predict(X)
        lower = np.minimum(self.lower_model_.predict(X), point)
        upper = np.maximum(self.upper_model_.predict(X), point)
        return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


def predict_prices(estimator: PriceForecaster, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s keys with ``forecast``, ``lower`` and ``upper`` in price units."""
    X = frame[feature_columns(frame)]
    point = estimator.predict(X)
    lower, upper = estimator.predict_interval(X)
    level = np.exp(frame[ANCHOR].to_numpy())
    out = frame[[SERIES, ORIGIN, HORIZON, TARGET_PERIOD]].copy()
    out["forecast"] = level * np.exp(point)
    out["lower"] = level * np.exp(lower)
    out["upper"] = level * np.exp(upper)
    last = frame["ratio_lag0"].to_numpy() if "ratio_lag0" in frame else np.nan
    out["last_price"] = level * np.exp(last)
    return out


# --------------------------------------------------------------------------- retail panels

_STOPWORDS = frozenset({"y", "de", "del", "la", "el", "los", "las", "e"})
_CATEGORY_SYNONYMS = {"despensa": "abarrotes", "bodega": "abarrotes"}


def _tokens(label: str) -> frozenset[str]:
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()
    words = (_CATEGORY_SYNONYMS.get(w, w) for w in re.findall(r"[a-z]+", plain))
    return frozenset(w for w in words if w not in _STOPWORDS)


def canonical_category(label: str | None, categories: Sequence[str]) -> str | None:
    """Map a retailer's category label onto one of ``categories`` by shared words.

    Accents and case are ignored and a few synonyms are known ("Despensa" is "Abarrotes"):
    "LACTEOS" and "Lácteos y Huevos" map to "Lácteos", "Carnes, Aves y Pescados" to "Carnes y
    aves". A label sharing no word with any category maps to ``None``.
    """
    if not label:
        return None
    words = _tokens(label)
    best, best_score = None, 0.0
    for category in categories:
        known = _tokens(category)
        score = len(words & known) / len(words | known) if words | known else 0.0
        if score > best_score:
            best, best_score = category, score
    return best


def resolve_categories(listings: pd.DataFrame, categories: Sequence[str]) -> pd.Series:
    """Each listing's category: its product match's, else its EAN's, else its own label's.

    ``listings`` has ``match_category``, ``ean_category`` and ``listing_category``; the
    result is one of ``categories`` or missing.
    """
    labels = {
        label: canonical_category(label, categories)
        for label in listings["listing_category"].dropna().unique()
    }
    own = listings["listing_category"].map(labels)
    resolved = listings["match_category"].fillna(listings["ean_category"]).fillna(own)
    return resolved.where(resolved.isin(categories)).astype("object")


def listing_panel(weekly: pd.DataFrame, listings: pd.DataFrame) -> pd.DataFrame:
    """A weekly panel per listing from the weekly aggregates of the price observations.

    ``weekly`` has ``listing_id``, ``week``, ``price``, ``regular``, ``n_days``,
    ``promo_days``, ``last_promo_at``, ``last_at``; ``listings`` has ``listing_id``,
    ``retailer_id`` and ``category``. Adds ``promo_share``, ``promo_last_day`` (1 when the
    week's last observation was on promotion) and ``days_since_promo`` (days from the last
    promotion day so far to the week's last observation).
    """
    frame = weekly.sort_values(["listing_id", "week"]).reset_index(drop=True)
    last_promo = frame.groupby("listing_id")["last_promo_at"].cummax()
    panel = pd.DataFrame(
        {
            SERIES: frame["listing_id"].to_numpy(),
            PERIOD: frame["week"].to_numpy(),
            PRICE: frame["price"].to_numpy(dtype=np.float64),
            REGULAR: frame["regular"].to_numpy(dtype=np.float64),
            PROMO_SHARE: (frame["promo_days"] / frame["n_days"]).to_numpy(dtype=np.float64),
            "promo_days": frame["promo_days"].to_numpy(dtype=np.float64),
            "promo_last_day": (frame["last_promo_at"] == frame["last_at"]).to_numpy(
                dtype=np.float64
            ),
            "days_since_promo": ((frame["last_at"] - last_promo).dt.total_seconds() / 86400.0)
            .round()
            .to_numpy(dtype=np.float64),
        }
    )
    attributes = listings.set_index("listing_id")[["retailer_id", "category"]]
    return panel.join(attributes, on=SERIES)


def category_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """Weekly mean prices and promotion share per retailer and category of a listing panel.

    ``series_id`` is ``"<retailer_id>:<category>"``; listings without a category are left out.
    ``promo_last_day`` becomes the share of the category's listings on promotion on the
    week's last day.
    """
    known = panel.dropna(subset=["category"])
    grouped = known.groupby(["retailer_id", "category", PERIOD], as_index=False).agg(
        price=(PRICE, "mean"),
        regular=(REGULAR, "mean"),
        promo_share=(PROMO_SHARE, "mean"),
        promo_last_day=("promo_last_day", "mean"),
        listings=(SERIES, "nunique"),
    )
    grouped.insert(
        0, SERIES, grouped["retailer_id"].astype(str) + ":" + grouped["category"].astype(str)
    )
    return grouped
