"""Price forecasting: calendar, MASE and baselines, leakage-free features, the estimator."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from pulso.errors import InputError
from pulso.pricing.backtest import (
    apply_margins,
    backtest_origins,
    conformal_margins,
    expanding_window_splits,
    mase,
    naive_forecast,
    rolling_origin_backtest,
    seasonal_naive_forecast,
)
from pulso.pricing.calendar import easter_sunday, event_windows, peru_holidays, weekly_calendar
from pulso.pricing.forecasting import (
    ORIGIN,
    PERIOD,
    PRICE,
    PROMO_SHARE,
    REGULAR,
    SERIES,
    TARGET,
    FeatureConfig,
    PriceForecaster,
    canonical_category,
    feature_columns,
    make_forecast_features,
    predict_prices,
    rolling_stat,
)


@pytest.fixture(autouse=True)
def _one_thread():
    """Gradient boosting's OpenMP threads spin-wait on a busy 2-core machine: use one."""
    with threadpool_limits(limits=1):
        yield


def _calendar(periods: pd.DatetimeIndex) -> pd.DataFrame:
    return weekly_calendar(periods.date)


def high_low_panel(*, n_series: int = 12, n_weeks: int = 40, seed: int = 3) -> pd.DataFrame:
    """Weekly prices of listings on a 3-week promotion cycle (2 weeks regular, 1 on offer)."""
    rng = np.random.default_rng(seed)
    weeks = pd.date_range("2025-01-06", periods=n_weeks, freq="W-MON")
    rows = []
    for s in range(n_series):
        regular = rng.uniform(3.0, 30.0)
        phase = int(rng.integers(0, 3))
        depth = rng.uniform(0.15, 0.35)
        for t, week in enumerate(weeks):
            on_promo = (t + phase) % 3 == 0
            noise = rng.normal(0.0, 0.005)
            price = regular * (1.0 - depth if on_promo else 1.0) * (1.0 + noise)
            rows.append(
                {
                    SERIES: s,
                    PERIOD: week,
                    PRICE: price,
                    REGULAR: regular,
                    PROMO_SHARE: 1.0 if on_promo else 0.0,
                    "retailer_code": s % 3,
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- calendar


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2000, date(2000, 4, 23)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2026, date(2026, 4, 5)),
    ],
)
def test_easter_sunday_matches_known_dates(year, expected):
    assert easter_sunday(year) == expected


def test_peru_holidays_follow_the_laws_that_added_them():
    holidays_2021 = peru_holidays(2021)
    holidays_2026 = peru_holidays(2026)
    assert holidays_2026[date(2026, 7, 28)] == "Fiestas Patrias"
    assert holidays_2026[date(2026, 4, 3)] == "Viernes Santo"
    assert date(2026, 6, 7) in holidays_2026
    assert date(2021, 6, 7) not in holidays_2021
    assert date(2021, 12, 9) not in holidays_2021
    assert len(holidays_2026) == 16


def test_event_windows_and_weekly_shares():
    windows = event_windows(2026)
    assert max(windows["madre"]) == date(2026, 5, 10)  # second Sunday of May
    assert len(windows["madre"]) == 11
    assert max(windows["padre"]) == date(2026, 6, 21)
    assert min(windows["black_friday"]) == date(2026, 11, 27)
    weeks = weekly_calendar([date(2026, 7, 20), date(2026, 3, 30), date(2026, 10, 5)])
    assert weeks.loc["2026-07-20", "event_fiestas_patrias"] == 1.0
    assert weeks.loc["2026-07-20", "holidays"] == 1.0  # 23 July
    assert weeks.loc["2026-03-30", "event_escolar"] == pytest.approx(2 / 7)
    assert weeks.loc["2026-10-05", "holidays"] == 1.0  # 8 October
    assert weeks.loc["2026-10-05"].filter(like="event_").sum() == 0.0


# --------------------------------------------------------------------------- metrics


def test_mase_against_a_hand_computed_example():
    y_train = [1.0, 2.0, 4.0, 4.0, 5.0]  # naive in-sample errors 1, 2, 0, 1: scale 1.0
    y_true, y_pred = [6.0, 8.0], [5.0, 5.0]  # absolute errors 1 and 3: mean 2.0
    assert mase(y_true, y_pred, y_train) == pytest.approx(2.0)
    # seasonal scale (m = 2): |4 - 1|, |4 - 2|, |5 - 4| -> 2.0
    assert mase(y_true, y_pred, y_train, season_length=2) == pytest.approx(1.0)
    assert mase(y_true, y_true, y_train) == 0.0


def test_mase_rejects_a_constant_or_short_training_series():
    with pytest.raises(InputError, match="constant"):
        mase([2.0], [1.0], [3.0, 3.0, 3.0])
    with pytest.raises(InputError, match="more than 4"):
        mase([2.0], [1.0], [1.0, 2.0, 3.0], season_length=4)


def test_naive_and_seasonal_naive_forecasts():
    history = np.arange(1.0, 9.0)  # 1 .. 8
    assert naive_forecast(history, 3).tolist() == [8.0, 8.0, 8.0]
    assert seasonal_naive_forecast(history, 6, season_length=4).tolist() == [
        5.0,
        6.0,
        7.0,
        8.0,
        5.0,
        6.0,
    ]
    assert seasonal_naive_forecast(history, 2, season_length=1).tolist() == [8.0, 8.0]
    with pytest.raises(InputError):
        seasonal_naive_forecast(history[:3], 2, season_length=4)


def test_rolling_stat_matches_pandas_and_skips_missing_values():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(20, 30))
    values[rng.random(values.shape) < 0.3] = np.nan
    for how in ("mean", "min", "max", "std"):
        expected = getattr(pd.DataFrame(values.T).rolling(4, min_periods=1), how)()
        np.testing.assert_allclose(rolling_stat(values, 4, how), expected.to_numpy().T)


def test_expanding_window_splits_train_strictly_before_test():
    periods = pd.Series(np.repeat(np.arange(10), 3))
    folds = expanding_window_splits(periods, n_splits=3, gap=1)
    assert len(folds) == 3
    for train, test in folds:
        assert periods[train].max() < periods[test].min() - 1
        assert not set(train) & set(test)
    assert [periods[test].min() for _, test in folds] == [4, 6, 8]


def test_canonical_category_maps_retailer_labels():
    known = ["Abarrotes", "Carnes y aves", "Lácteos", "Limpieza"]
    assert canonical_category("LACTEOS", known) == "Lácteos"
    assert canonical_category("Lácteos y Huevos", known) == "Lácteos"
    assert canonical_category("Carnes, Aves y Pescados", known) == "Carnes y aves"
    assert canonical_category("Despensa", known) == "Abarrotes"
    assert canonical_category("Limpieza del Hogar", known) == "Limpieza"
    assert canonical_category("Juguetería", known) is None
    assert canonical_category(None, known) is None


# --------------------------------------------------------------------------- features


def test_features_at_an_origin_use_only_data_up_to_that_origin():
    panel = high_low_panel(n_series=5, n_weeks=30)
    config = FeatureConfig(group_columns=("retailer_code",), season_length=8)
    origin = pd.Timestamp(sorted(panel[PERIOD].unique())[17])
    full = make_forecast_features(panel, config=config, calendar=_calendar, origins=[origin])
    future = panel[PERIOD] > origin
    changed = panel.copy()
    changed.loc[future, [PRICE, REGULAR]] *= 3.0
    changed.loc[future, PROMO_SHARE] = 1.0 - changed.loc[future, PROMO_SHARE]
    cut = panel[~future]
    for other in (changed, cut):
        frame = make_forecast_features(other, config=config, calendar=_calendar, origins=[origin])
        columns = feature_columns(full)
        pd.testing.assert_frame_equal(
            full[columns].reset_index(drop=True), frame[columns].reset_index(drop=True)
        )
    assert np.isfinite(full[TARGET]).all()
    assert full[TARGET].to_numpy() != pytest.approx(
        make_forecast_features(changed, config=config, calendar=_calendar, origins=[origin])[
            TARGET
        ].to_numpy()
    )


def test_feature_frame_has_one_row_per_series_origin_and_horizon():
    panel = high_low_panel(n_series=4, n_weeks=10)
    config = FeatureConfig(horizons=(1, 2), group_columns=("retailer_code",))
    frame = make_forecast_features(panel, config=config)
    assert len(frame) == 4 * 10 * 2
    assert frame.groupby(["horizon"]).size().tolist() == [40, 40]
    assert frame[frame[ORIGIN] == frame[ORIGIN].max()][TARGET].isna().all()
    with pytest.raises(InputError, match="integer codes"):
        make_forecast_features(panel.assign(retailer_code="a"), config=config)
    with pytest.raises(InputError, match="lacks"):
        make_forecast_features(panel.drop(columns=[PRICE]), config=config)


# --------------------------------------------------------------------------- estimator


@parametrize_with_checks(
    [PriceForecaster(max_iter=20, learning_rate=0.3, interval_max_iter=5, min_samples_leaf=5)]
)
def test_price_forecaster_follows_the_sklearn_contract(estimator, check):
    check(estimator)


def test_price_forecaster_is_deterministic_and_unfitted_use_fails():
    panel = high_low_panel()
    frame = make_forecast_features(
        panel, config=FeatureConfig(group_columns=("retailer_code",)), calendar=_calendar
    )
    frame = frame[np.isfinite(frame[TARGET])]
    X, y = frame[feature_columns(frame)], frame[TARGET]
    with pytest.raises(NotFittedError):
        PriceForecaster().predict(X)
    model = PriceForecaster(max_iter=40, categorical_features=["retailer_code"], random_state=1)
    assert model.fit(X, y) is model
    again = PriceForecaster(max_iter=40, categorical_features=["retailer_code"], random_state=1)
    np.testing.assert_array_equal(model.predict(X), again.fit(X, y).predict(X))
    lower, upper = model.predict_interval(X)
    point = model.predict(X)
    assert (lower <= point).all()
    assert (point <= upper).all()
    assert model.feature_names_in_.tolist() == feature_columns(frame)
    with pytest.raises(InputError, match="not a column"):
        PriceForecaster(categorical_features=["nope"]).fit(X, y)


def test_backtest_beats_the_naive_baselines_on_a_promotion_cycle():
    panel = high_low_panel(n_series=15, n_weeks=40)
    periods = pd.DatetimeIndex(sorted(panel[PERIOD].unique()))
    config = FeatureConfig(horizons=(1, 2), group_columns=("retailer_code",))
    result = rolling_origin_backtest(
        panel,
        estimator=PriceForecaster(max_iter=60, categorical_features=["retailer_code"]),
        config=config,
        origins=backtest_origins(periods, n_origins=4, horizon=2),
        calendar=_calendar,
        season_length=3,
        refit_every=2,
    )
    summary = result.summary.set_index("horizon")
    assert len(result.errors) == 15 * 4 * 2
    # naive is wrong at each promotion start and end; the model has learned the cycle
    assert (summary["mase_model"] < 0.6 * summary["mase_naive"]).all()
    assert (summary["mase_model"] < 1.0).all()
    # the seasonal naive (period 3) matches the cycle: it is near-perfect too
    assert (summary["mase_seasonal_naive"] < 0.5).all()
    assert summary["coverage"].between(0.0, 1.0).all()


def test_conformal_margins_widen_intervals_to_the_nominal_coverage():
    rng = np.random.default_rng(0)
    actual = np.exp(rng.normal(0.0, 0.2, 400))
    errors = pd.DataFrame(
        {
            "horizon": 1,
            "actual": actual,
            "forecast": 1.0,
            "lower": np.exp(-0.05),
            "upper": np.exp(0.05),
        }
    )
    margins = conformal_margins(errors, coverage=0.8)
    widened = apply_margins(errors, margins)
    inside = (widened["lower"] <= widened["actual"]) & (widened["actual"] <= widened["upper"])
    assert margins[1] > 0.0
    assert inside.mean() == pytest.approx(0.8, abs=0.01)
    # too wide intervals are narrowed (negative margin)
    wide = errors.assign(lower=np.exp(-2.0), upper=np.exp(2.0))
    assert conformal_margins(wide, coverage=0.8)[1] < 0.0


def test_predict_prices_maps_log_ratios_back_to_prices():
    panel = high_low_panel(n_series=6, n_weeks=20)
    config = FeatureConfig(horizons=(1,), group_columns=("retailer_code",))
    frame = make_forecast_features(panel, config=config)
    train = frame[np.isfinite(frame[TARGET])]
    model = PriceForecaster(max_iter=30).fit(train[feature_columns(train)], train[TARGET])
    last = frame[frame[ORIGIN] == frame[ORIGIN].max()]
    prices = predict_prices(model, last)
    regular = panel.groupby(SERIES)[REGULAR].last()
    assert (prices["lower"] <= prices["forecast"]).all()
    assert (prices["forecast"] <= prices["upper"]).all()
    ratio = prices.set_index(SERIES)["forecast"] / regular
    assert ratio.between(0.5, 1.2).all()
    last_price = panel[panel[PERIOD] == panel[PERIOD].max()].set_index(SERIES)[PRICE]
    np.testing.assert_allclose(prices.set_index(SERIES)["last_price"], last_price)
