"""Will a competitor promote an item next week? Gradient boosting with SHAP explanations.

:func:`make_promo_features` turns a weekly listing panel (see
:func:`pulso.pricing.forecasting.listing_panel`) into one row per listing and origin week
``t``: features computed from weeks ``<= t`` (the listing's promotion history, its retailer's
and category's promotion activity, price position) plus the calendar of week ``t + 1``, and the
label ``promoted_next`` (1 when the listing shows an offer price, card price or promotion text
on any day of week ``t + 1``).

:func:`evaluate_promotions` holds out the last weeks, tunes a
:class:`~sklearn.ensemble.HistGradientBoostingClassifier` by expanding-window cross-validation
on the earlier weeks (average precision), picks the F1-best threshold on the last fold, and
scores precision, recall, F1 and PR-AUC on the held-out weeks against the base rate and two
baselines ("promoted last week" and the listing's 13-week promotion frequency).
:func:`explain_promotions` gives exact TreeSHAP values (log-odds); retailer and category enter
as one-hot columns, because SHAP's tree conversion mis-handles the classifier's native
categorical splits.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
import shap
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import (
    average_precision_score,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
)
from sklearn.model_selection import GridSearchCV

from pulso.errors import InputError
from pulso.pricing.backtest import expanding_window_splits
from pulso.pricing.forecasting import (
    ORIGIN,
    PERIOD,
    PRICE,
    PROMO_SHARE,
    REGULAR,
    SERIES,
    TARGET_PERIOD,
    CalendarFunction,
    FeatureConfig,
    periods_since,
    pivot_panel,
    rolling_stat,
    run_length,
    sample_series,
)

__all__ = [
    "DEFAULT_PARAM_GRID",
    "LABEL",
    "PROMO_KEY_COLUMNS",
    "PromoClassifier",
    "PromoEvaluation",
    "category_promotions",
    "evaluate_promotions",
    "explain_promotions",
    "f1_threshold",
    "fit_promo_classifier",
    "make_promo_features",
    "promo_classifier",
    "promo_feature_names",
    "shap_importance",
    "top_reasons",
    "trainable",
    "tune_promo_classifier",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

LABEL = "promoted_next"
#: Columns of a promotion feature frame that are not features.
PROMO_KEY_COLUMNS = (SERIES, ORIGIN, TARGET_PERIOD, "retailer_id", "category", LABEL)
#: The grid searched by :func:`tune_promo_classifier` unless told otherwise.
DEFAULT_PARAM_GRID: dict[str, list[Any]] = {
    "learning_rate": [0.05, 0.1],
    "max_leaf_nodes": [15, 31],
}
_COVARIATES = ("promo_days", "promo_last_day", "days_since_promo")
_MAX_DAYS = 364.0


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def _lagged(values: FloatArray, k: int) -> FloatArray:
    shifted = np.full_like(values, np.nan)
    shifted[:, k:] = values[:, :-k]
    return shifted


def _group_share(
    any_promo: FloatArray, labels: pd.Series, window: int | None = None
) -> FloatArray:
    """Share of each row's group (per period) on promotion, broadcast back to the rows."""
    frame = pd.DataFrame(any_promo)
    frame["group"] = labels.to_numpy()
    shares = frame.groupby("group").mean()
    values = shares.to_numpy(dtype=np.float64)
    if window is not None:
        values = rolling_stat(values, window, "mean")
    positions = shares.index.get_indexer(pd.Index(labels))
    return np.asarray(values[positions], dtype=np.float64)


def _listing_features(panel: pd.DataFrame) -> tuple[Any, dict[str, FloatArray]]:
    config = FeatureConfig(covariates=_COVARIATES)
    wide = pivot_panel(panel[[SERIES, PERIOD, PRICE, REGULAR, PROMO_SHARE, *_COVARIATES]], config)
    if wide.promo is None:
        raise InputError("the promotion panel lacks promo_share")
    share = wide.promo
    any_promo = np.where(np.isfinite(share), (share > 0) * 1.0, np.nan)
    observed = np.isfinite(share)
    run_weeks = run_length(any_promo == 1.0)
    last_day = wide.covariates["promo_last_day"]
    counts = np.cumsum(observed, axis=1)
    log_price = np.log(wide.price)
    log_regular = np.log(wide.regular)
    depth = np.where(any_promo == 1.0, log_price - log_regular, np.nan)
    features = {
        "promo_share": share,
        "promo_last_day": last_day,
        "days_since_promo": np.minimum(wide.covariates["days_since_promo"], _MAX_DAYS),
        "promo_run_weeks": run_weeks,
        "promo_run_days": np.where(
            last_day == 1.0, wide.covariates["promo_days"] + 7.0 * (run_weeks - 1.0), 0.0
        ),
        "weeks_since_promo": periods_since(any_promo == 1.0),
        "promo_freq_4": rolling_stat(any_promo, 4, "mean"),
        "promo_freq_13": rolling_stat(any_promo, 13, "mean"),
        "promo_freq_all": np.cumsum(np.nan_to_num(any_promo), axis=1) / np.maximum(counts, 1),
        "promo_depth_13": rolling_stat(depth, 13, "mean"),
        "price_position_13": log_price - np.log(rolling_stat(wide.regular, 13, "max")),
        "regular_change_4": log_regular - _lagged(log_regular, 4),
    }
    for k in (1, 2, 3):
        features[f"promo_share_lag{k}"] = _lagged(share, k)
    return wide, features | {"_any": any_promo}


def _activity_features(
    any_promo: FloatArray, retailer: pd.Series, category: pd.Series
) -> dict[str, FloatArray]:
    both = retailer.astype(str) + ":" + category.fillna("").astype(str)
    return {
        "retailer_promo_share": _group_share(any_promo, retailer),
        "retailer_promo_share_13": _group_share(any_promo, retailer, 13),
        "retailer_category_promo_share": _group_share(any_promo, both),
        "retailer_category_promo_share_13": _group_share(any_promo, both, 13),
        "market_category_promo_share": _group_share(any_promo, category.fillna("")),
    }


def make_promo_features(
    panel: pd.DataFrame,
    *,
    calendar: CalendarFunction | None = None,
    retailers: Mapping[int, str] | None = None,
    categories: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per listing and origin week: keys, label (NaN when unknown) and features.

    ``panel`` is a weekly listing panel with ``promo_share``, ``promo_days``,
    ``promo_last_day``, ``days_since_promo``, ``retailer_id`` and ``category``. ``retailers`` (id to
    slug, naming the ``retailer_<slug>`` columns) and ``categories`` fix the one-hot columns
    (default: those in the panel), so a model trained on one panel can score another.
    """
    missing = [c for c in ("retailer_id", "category", *_COVARIATES) if c not in panel.columns]
    if missing:
        raise InputError(f"the promotion panel lacks column(s) {', '.join(missing)}")
    wide, features = _listing_features(panel)
    statics = panel.drop_duplicates(SERIES).set_index(SERIES).reindex(wide.series)
    any_promo = features.pop("_any")
    features |= _activity_features(any_promo, statics["retailer_id"], statics["category"])
    rows, cols = np.nonzero(np.isfinite(wide.promo if wide.promo is not None else any_promo))
    frame = pd.DataFrame(
        {
            SERIES: wide.series[rows],
            ORIGIN: wide.periods[cols],
            TARGET_PERIOD: wide.periods[cols] + pd.Timedelta(weeks=1),
            "retailer_id": statics["retailer_id"].to_numpy()[rows],
            "category": statics["category"].to_numpy()[rows],
        }
    )
    label = np.full(rows.size, np.nan)
    inside = cols + 1 < len(wide.periods)
    label[inside] = any_promo[rows[inside], cols[inside] + 1]
    frame[LABEL] = label
    values = pd.DataFrame({name: array[rows, cols] for name, array in features.items()})
    blocks = [frame, values, *_calendar_blocks(calendar, frame)]
    blocks.append(_one_hot(frame, retailers=retailers, categories=categories))
    return pd.concat(blocks, axis=1)


def _calendar_blocks(calendar: CalendarFunction | None, frame: pd.DataFrame) -> list[pd.DataFrame]:
    if calendar is None:
        return []
    origins = pd.DatetimeIndex(frame[ORIGIN])
    weeks = origins.union(pd.DatetimeIndex(frame[TARGET_PERIOD])).unique()
    table = calendar(pd.DatetimeIndex(weeks.sort_values()))
    nxt = table.reindex(pd.DatetimeIndex(frame[TARGET_PERIOD])).add_prefix("next_")
    events = [c for c in table.columns if c.startswith("event_")]
    now = table[events].reindex(origins).add_prefix("this_")
    return [nxt.reset_index(drop=True), now.reset_index(drop=True)]


def _one_hot(
    frame: pd.DataFrame, *, retailers: Mapping[int, str] | None, categories: Sequence[str] | None
) -> pd.DataFrame:
    if retailers is None:
        retailers = {int(value): str(value) for value in sorted(frame["retailer_id"].unique())}
    category_values = (
        sorted(frame["category"].dropna().unique()) if categories is None else categories
    )
    columns = {
        f"retailer_{_slug(name)}": (frame["retailer_id"] == value).to_numpy(dtype=np.float64)
        for value, name in retailers.items()
    }
    columns |= {
        f"category_{_slug(value)}": (frame["category"] == value).to_numpy(dtype=np.float64)
        for value in category_values
    }
    return pd.DataFrame(columns, index=frame.index)


def promo_feature_names(frame: pd.DataFrame) -> list[str]:
    """The feature columns of a frame from :func:`make_promo_features`, in order."""
    return [name for name in frame.columns if name not in PROMO_KEY_COLUMNS]


# --------------------------------------------------------------------------- model


class PromoClassifier(HistGradientBoostingClassifier):  # type: ignore[misc]
    """A :class:`~sklearn.ensemble.HistGradientBoostingClassifier` that tolerates empty columns.

    scikit-learn 1.9's histogram binning fails on a feature without any value (which an early
    cross-validation fold can have, e.g. a 13-week promotion depth); :meth:`fit` sets such
    columns to 0, a constant the trees never split on, so predictions and TreeSHAP values do
    not depend on them.
    """

    def fit(self, X: Any, y: Any, sample_weight: Any = None, **params: Any) -> Self:
        """Fit on ``X`` with columns that hold no value at all set to 0."""
        if isinstance(X, pd.DataFrame):
            X = trainable(X)
        else:
            X = np.array(X, dtype=np.float64)
            X[:, np.isnan(X).all(axis=0)] = 0.0
        super().fit(X, y, sample_weight=sample_weight, **params)
        return self


def trainable(X: pd.DataFrame) -> pd.DataFrame:
    """``X`` with columns that hold no value at all set to 0.

    scikit-learn 1.9's histogram binning fails on such a column; a constant is never split
    on, so the model ignores it and later values of that feature do not matter.
    """
    empty = [name for name in X.columns if X[name].isna().all()]
    return X.assign(**dict.fromkeys(empty, 0.0)) if empty else X


def promo_classifier(*, random_state: int = 0, **params: Any) -> PromoClassifier:
    """The untuned classifier: fixed iterations (no early stopping), seeded."""
    settings: dict[str, Any] = {
        "max_iter": 150,
        "learning_rate": 0.1,
        "max_leaf_nodes": 31,
        "min_samples_leaf": 40,
        "l2_regularization": 1.0,
        "early_stopping": False,
        "random_state": random_state,
    }
    return PromoClassifier(**(settings | params))


def f1_threshold(y_true: Any, scores: Any) -> float:
    """The score threshold that maximises F1 on ``(y_true, scores)``."""
    precision, recall, thresholds = precision_recall_curve(y_true, scores)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    if thresholds.size == 0:
        return 0.5
    return float(thresholds[int(np.argmax(f1[:-1]))])


def tune_promo_classifier(
    X: pd.DataFrame,
    y: pd.Series,
    periods: pd.Series,
    *,
    param_grid: Mapping[str, Sequence[Any]] | None = None,
    n_splits: int = 3,
    random_state: int = 0,
) -> tuple[HistGradientBoostingClassifier, dict[str, Any], float]:
    """Grid-search the classifier over expanding-window folds of ``periods``.

    Returns the best classifier refitted on all rows, a summary (best parameters, mean
    cross-validated average precision) and the F1-best threshold of the last fold.
    """
    folds = expanding_window_splits(periods, n_splits=n_splits)
    search = GridSearchCV(
        promo_classifier(random_state=random_state),
        {key: list(values) for key, values in (param_grid or DEFAULT_PARAM_GRID).items()},
        scoring="average_precision",
        cv=folds,
        refit=True,
    )
    search.fit(X, y)
    train, test = folds[-1]
    fold_model = clone(search.best_estimator_).fit(X.iloc[train], y.iloc[train])
    threshold = f1_threshold(y.iloc[test], fold_model.predict_proba(X.iloc[test])[:, 1])
    summary = {
        "best_params": dict(search.best_params_),
        "cv_average_precision": float(search.best_score_),
        "folds": len(folds),
        "grid_size": len(search.cv_results_["params"]),
    }
    logger.info("promotion model tuned: %s (CV AP %.3f)", search.best_params_, search.best_score_)
    return search.best_estimator_, summary, threshold


def fit_promo_classifier(
    frame: pd.DataFrame, *, params: Mapping[str, Any], random_state: int = 0
) -> HistGradientBoostingClassifier:
    """Fit the classifier with ``params`` on every labelled row of ``frame``."""
    labelled = frame[frame[LABEL].notna()]
    model = promo_classifier(random_state=random_state, **params)
    return model.fit(labelled[promo_feature_names(frame)], labelled[LABEL].astype(int))


@dataclass(frozen=True, slots=True)
class PromoEvaluation:
    """Held-out scores of the tuned model and its baselines, and how it was tuned."""

    metrics: pd.DataFrame
    tuning: dict[str, Any]
    threshold: float
    test_start: pd.Timestamp


def _binary_scores(y: Any, predicted: Any) -> dict[str, float]:
    return {
        "precision": float(precision_score(y, predicted, zero_division=0)),
        "recall": float(recall_score(y, predicted, zero_division=0)),
        "f1": float(f1_score(y, predicted, zero_division=0)),
    }


def _score_segment(
    test: pd.DataFrame, segment: str, thresholds: dict[str, float]
) -> list[dict[str, Any]]:
    y = test[LABEL].astype(int)
    n = len(test)
    if n == 0 or y.nunique() < 2:
        return []
    rows: list[dict[str, Any]] = []

    def add(metric: str, method: str, value: float) -> None:
        rows.append(
            {"metric": metric, "method": method, "segment": segment, "value": value, "n_obs": n}
        )

    add("pr_auc", "base_rate", float(y.mean()))
    for method, scores in (
        ("model", test["_score"]),
        ("promoted_last_week", (test["promo_share"] > 0).astype(float)),
        ("history_frequency", test["promo_freq_13"].fillna(0.0)),
    ):
        add("pr_auc", method, float(average_precision_score(y, scores)))
        for metric, value in _binary_scores(y, scores >= thresholds[method]).items():
            add(metric, method, value)
    add("positive_rate", "base_rate", float(y.mean()))
    return rows


def evaluate_promotions(
    frame: pd.DataFrame,
    *,
    test_weeks: int,
    param_grid: Mapping[str, Sequence[Any]] | None = None,
    n_splits: int = 3,
    max_train_series: int | None = None,
    random_state: int = 0,
) -> tuple[PromoEvaluation, HistGradientBoostingClassifier]:
    """Tune on all but the last ``test_weeks`` origins, then score on those held-out weeks.

    Segments: ``all`` and ``not_on_promo`` (listings not on promotion on the origin week's
    last day: next week's promotion would be a new one).
    """
    labelled = frame[frame[LABEL].notna()].reset_index(drop=True)
    weeks = np.sort(labelled[ORIGIN].unique())
    if weeks.size <= test_weeks + n_splits:
        raise InputError(f"{weeks.size} labelled weeks are too few to hold out {test_weeks}")
    test_start = pd.Timestamp(weeks[-test_weeks])
    history = labelled[labelled[ORIGIN] < test_start]
    history = history[
        sample_series(history[SERIES], max_series=max_train_series, random_state=random_state)
    ]
    history = history.sort_values(ORIGIN, kind="stable").reset_index(drop=True)
    names = promo_feature_names(frame)
    model, tuning, threshold = tune_promo_classifier(
        history[names],
        history[LABEL].astype(int),
        history[ORIGIN],
        param_grid=param_grid,
        n_splits=n_splits,
        random_state=random_state,
    )
    test = labelled[labelled[ORIGIN] >= test_start].copy()
    test["_score"] = model.predict_proba(test[names])[:, 1]
    thresholds = {
        "model": threshold,
        "promoted_last_week": 0.5,
        "history_frequency": f1_threshold(history[LABEL], history["promo_freq_13"].fillna(0.0)),
    }
    rows = _score_segment(test, "all", thresholds)
    rows += _score_segment(test[test["promo_last_day"] != 1.0], "not_on_promo", thresholds)
    rows += _category_share_errors(test)
    metrics = pd.DataFrame(rows)
    return PromoEvaluation(metrics, tuning, threshold, test_start), model


def _category_share_errors(test: pd.DataFrame) -> list[dict[str, Any]]:
    """MAE of the promoted share per retailer x category and week: model vs last week's share."""
    known = test.dropna(subset=["category"]).assign(_last=(test["promo_share"] > 0) * 1.0)
    groups = known.groupby(["retailer_id", "category", ORIGIN])[[LABEL, "_score", "_last"]].mean()
    if groups.empty:
        return []
    return [
        {
            "metric": "category_share_mae",
            "method": method,
            "segment": "category",
            "value": float((groups[column] - groups[LABEL]).abs().mean()),
            "n_obs": len(groups),
        }
        for method, column in (("model", "_score"), ("promoted_last_week", "_last"))
    ]


# --------------------------------------------------------------------------- explanations


def explain_promotions(
    model: HistGradientBoostingClassifier, X: pd.DataFrame
) -> tuple[FloatArray, float]:
    """TreeSHAP values (rows x features, log-odds) and the expected value they add up from.

    ``expected + shap_values.sum(axis=1)`` equals ``model.decision_function(X)``.
    """
    explainer = shap.TreeExplainer(model)
    values = np.asarray(explainer.shap_values(X), dtype=np.float64)
    if values.ndim == 3:
        values = values[:, :, -1]
    expected = float(np.ravel(explainer.expected_value)[-1])
    return values, expected


def top_reasons(
    shap_values: FloatArray, X: pd.DataFrame, *, top_k: int = 3
) -> list[list[dict[str, Any]]]:
    """Per row, the ``top_k`` features with the largest absolute SHAP value.

    Each reason is ``{"feature", "value", "shap"}``; a positive ``shap`` raises the chance
    of a promotion.
    """
    names = list(X.columns)
    values = X.to_numpy(dtype=np.float64)
    order = np.argsort(-np.abs(shap_values), axis=1)[:, :top_k]
    return [
        [
            {
                "feature": names[j],
                "value": None if np.isnan(values[i, j]) else round(float(values[i, j]), 4),
                "shap": round(float(shap_values[i, j]), 4),
            }
            for j in order[i]
        ]
        for i in range(shap_values.shape[0])
    ]


def shap_importance(shap_values: FloatArray, feature_names: Sequence[str]) -> pd.DataFrame:
    """Global importance: mean absolute SHAP value per feature, most important first."""
    importance = pd.DataFrame(
        {"feature": list(feature_names), "mean_abs_shap": np.abs(shap_values).mean(axis=0)}
    )
    importance = importance.sort_values("mean_abs_shap", ascending=False, kind="stable")
    importance["rank"] = np.arange(1, len(importance) + 1)
    return importance.reset_index(drop=True)


def category_promotions(
    predictions: pd.DataFrame,
    shap_values: FloatArray,
    feature_names: Sequence[str],
    *,
    top_k: int = 3,
) -> pd.DataFrame:
    """Aggregate listing probabilities per retailer and category.

    ``probability`` is the chance that at least one listing is promoted (listings treated as
    independent), ``expected_share`` the mean listing probability, ``reasons`` the features
    with the largest mean SHAP value over the category's listings.
    """
    known = predictions.reset_index(drop=True)
    known = known[known["category"].notna()]
    rows = []
    for (retailer_id, category), group in known.groupby(["retailer_id", "category"]):
        probabilities = group["probability"].to_numpy()
        mean_shap = shap_values[group.index.to_numpy()].mean(axis=0)
        order = np.argsort(-np.abs(mean_shap))[:top_k]
        rows.append(
            {
                "retailer_id": retailer_id,
                "category": category,
                "probability": float(1.0 - np.prod(1.0 - probabilities)),
                "expected_share": float(probabilities.mean()),
                "listings": len(group),
                "reasons": [
                    {
                        "feature": feature_names[j],
                        "value": None,
                        "shap": round(float(mean_shap[j]), 4),
                    }
                    for j in order
                ],
            }
        )
    return pd.DataFrame(rows)
