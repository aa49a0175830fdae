"""Promotion prediction: leakage-free features, tuning, held-out scores and SHAP."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from pulso.errors import InputError
from pulso.pricing.calendar import weekly_calendar
from pulso.pricing.forecasting import ORIGIN, PERIOD, PROMO_SHARE, SERIES
from pulso.pricing.promo_prediction import (
    LABEL,
    category_promotions,
    evaluate_promotions,
    explain_promotions,
    f1_threshold,
    fit_promo_classifier,
    make_promo_features,
    promo_feature_names,
    shap_importance,
    top_reasons,
    trainable,
)

GRID: dict[str, list[Any]] = {"learning_rate": [0.1], "max_leaf_nodes": [7, 15]}


@pytest.fixture(autouse=True)
def _one_thread():
    """Gradient boosting's OpenMP threads spin-wait on a busy 2-core machine: use one."""
    with threadpool_limits(limits=1):
        yield


def _calendar(periods: pd.DatetimeIndex) -> pd.DataFrame:
    return weekly_calendar(periods.date)


def promo_panel(*, n_listings: int = 40, n_weeks: int = 30, seed: int = 5) -> pd.DataFrame:
    """Retailer 1 promotes each listing every 4th week; retailer 2 rarely and at random."""
    rng = np.random.default_rng(seed)
    weeks = pd.date_range("2026-01-05", periods=n_weeks, freq="W-MON")
    rows = []
    for listing in range(n_listings):
        retailer = 1 if listing % 2 == 0 else 2
        phase = int(rng.integers(0, 4))
        regular = float(rng.uniform(2.0, 20.0))
        last_promo_day = np.nan
        for t, week in enumerate(weeks):
            if retailer == 1:
                on_promo = (t + phase) % 4 == 0 and rng.random() < 0.9
            else:
                on_promo = rng.random() < 0.08
            days = 5 if on_promo else 0
            day_index = 7 * t + 6
            if on_promo:
                last_promo_day = 7 * t + 4
            rows.append(
                {
                    SERIES: listing,
                    PERIOD: week,
                    "price": regular * (1 - 0.2 * days / 7),
                    "regular": regular,
                    PROMO_SHARE: days / 7,
                    "promo_days": float(days),
                    "promo_last_day": 0.0,
                    "days_since_promo": float(day_index - last_promo_day),
                    "retailer_id": retailer,
                    "category": "Bebidas" if listing % 4 < 2 else "Lácteos",
                }
            )
    return pd.DataFrame(rows)


def test_features_use_only_past_weeks_and_label_is_next_week():
    panel = promo_panel(n_listings=8, n_weeks=16)
    origin = pd.Timestamp(sorted(panel[PERIOD].unique())[9])
    frame = make_promo_features(panel, calendar=_calendar)
    changed = panel.copy()
    future = changed[PERIOD] > origin
    flipped = (changed.loc[future, PROMO_SHARE] == 0).astype(float)
    changed.loc[future, PROMO_SHARE] = flipped
    changed.loc[future, "promo_days"] = 7.0 * flipped
    other = make_promo_features(changed, calendar=_calendar)
    names = promo_feature_names(frame)
    at = frame[frame[ORIGIN] == origin].reset_index(drop=True)
    at_other = other[other[ORIGIN] == origin].reset_index(drop=True)
    pd.testing.assert_frame_equal(at[names], at_other[names])
    next_week = panel[panel[PERIOD] == origin + pd.Timedelta(weeks=1)].set_index(SERIES)
    expected = (next_week.loc[at[SERIES], PROMO_SHARE] > 0).astype(float).to_numpy()
    np.testing.assert_array_equal(at[LABEL].to_numpy(), expected)
    assert (at_other[LABEL].to_numpy() == 1.0 - expected).all()
    assert frame[frame[ORIGIN] == frame[ORIGIN].max()][LABEL].isna().all()


def test_one_hot_columns_are_fixed_by_the_given_retailers_and_categories():
    panel = promo_panel(n_listings=4, n_weeks=6)
    frame = make_promo_features(
        panel, retailers={1: "tottus", 2: "plaza-vea", 3: "wong"}, categories=["Bebidas"]
    )
    names = promo_feature_names(frame)
    assert {"retailer_tottus", "retailer_plaza_vea", "retailer_wong", "category_bebidas"} <= set(
        names
    )
    assert "category_lacteos" not in names
    assert frame["retailer_wong"].sum() == 0.0
    with pytest.raises(InputError, match="lacks"):
        make_promo_features(panel.drop(columns=["days_since_promo"]))


def test_tuned_model_beats_the_base_rate_and_the_baselines_on_held_out_weeks():
    frame = make_promo_features(promo_panel(), calendar=_calendar)
    evaluation, model = evaluate_promotions(frame, test_weeks=6, param_grid=GRID, n_splits=2)
    scores = evaluation.metrics.set_index(["segment", "metric", "method"])["value"]
    base_rate = scores["all", "pr_auc", "base_rate"]
    assert 0.1 < base_rate < 0.4
    assert scores["all", "pr_auc", "model"] > base_rate + 0.4
    assert scores["all", "pr_auc", "model"] > scores["all", "pr_auc", "promoted_last_week"]
    assert scores["all", "f1", "model"] > scores["all", "f1", "promoted_last_week"]
    assert evaluation.tuning["best_params"]["max_leaf_nodes"] in (7, 15)
    assert evaluation.tuning["grid_size"] == 2
    assert 0.0 < evaluation.threshold < 1.0
    held_out = frame.loc[frame[LABEL].notna(), ORIGIN]
    assert evaluation.test_start == sorted(held_out.unique())[-6]
    assert model.n_features_in_ == len(promo_feature_names(frame))


def test_shap_values_add_up_to_the_model_output():
    frame = make_promo_features(promo_panel(n_listings=20), calendar=_calendar)
    model = fit_promo_classifier(frame, params={"max_iter": 40})
    names = promo_feature_names(frame)
    rows = trainable(frame[names]).iloc[[0, 50, 100, 200, 300]]
    values, expected = explain_promotions(model, rows)
    assert values.shape == (5, len(names))
    np.testing.assert_allclose(
        expected + values.sum(axis=1), model.decision_function(rows), atol=1e-6
    )


def test_reasons_and_importance_rank_features_by_absolute_shap():
    X = pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, 3.0], "c": [0.5, 0.25]})
    shap_values = np.array([[0.1, -0.5, 0.2], [0.3, 0.0, -0.1]])
    reasons = top_reasons(shap_values, X, top_k=2)
    assert [r["feature"] for r in reasons[0]] == ["b", "c"]
    assert reasons[0][0] == {"feature": "b", "value": 2.0, "shap": -0.5}
    assert reasons[1][0] == {"feature": "a", "value": None, "shap": 0.3}
    importance = shap_importance(shap_values, list(X.columns))
    assert importance["feature"].tolist() == ["b", "a", "c"]
    assert importance["mean_abs_shap"].tolist() == pytest.approx([0.25, 0.2, 0.15])
    assert importance["rank"].tolist() == [1, 2, 3]


def test_category_promotions_combine_listing_probabilities():
    predictions = pd.DataFrame(
        {
            "retailer_id": [1, 1, 2],
            "category": ["Bebidas", "Bebidas", None],
            "probability": [0.5, 0.2, 0.9],
        }
    )
    shap_values = np.array([[0.2, -1.0], [0.4, 0.0], [9.0, 9.0]])
    categories = category_promotions(predictions, shap_values, ["x", "y"], top_k=1)
    assert len(categories) == 1
    row = categories.iloc[0]
    assert row["probability"] == pytest.approx(1 - 0.5 * 0.8)
    assert row["expected_share"] == pytest.approx(0.35)
    assert row["listings"] == 2
    assert row["reasons"] == [{"feature": "y", "value": None, "shap": -0.5}]


def test_f1_threshold_and_trainable():
    y = np.array([0, 0, 1, 1, 1])
    scores = np.array([0.1, 0.6, 0.55, 0.8, 0.9])
    assert f1_threshold(y, scores) == pytest.approx(0.55)
    X = pd.DataFrame({"a": [np.nan, np.nan], "b": [1.0, np.nan]})
    filled = trainable(X)
    assert filled["a"].tolist() == [0.0, 0.0]
    assert filled["b"].isna().tolist() == [False, True]
