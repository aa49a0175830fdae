"""Daily price panels: levels kept apart, anomalies, activity, weekly and latest prices."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pulso.pricing.panel import (
    build_panel,
    detect_price_anomalies,
    latest_prices,
    listing_activity,
    week_start,
    weekly_prices,
)

Row = tuple[int, str, float, float | None, float | None, bool | None]


def _observations(rows: list[Row]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=[
            "listing_id",
            "observed_at",
            "regular_price_pen",
            "offer_price_pen",
            "card_price_pen",
            "in_stock",
        ],
    )
    frame["observed_at"] = pd.to_datetime(frame["observed_at"], utc=True)
    frame["in_stock"] = frame["in_stock"].astype("boolean")
    return frame


def _series(listing: int, prices: list[float], *, start: str = "2026-01-05") -> list[Row]:
    days = pd.date_range(start, periods=len(prices), freq="D")
    return [
        (listing, f"{day.date()}T12:00:00Z", price, None, None, True)
        for day, price in zip(days, prices, strict=True)
    ]


def test_levels_are_kept_apart_and_the_last_observation_of_a_day_wins():
    panel = build_panel(
        _observations(
            [
                (1, "2026-01-05T11:00:00Z", 10.0, None, None, True),
                (1, "2026-01-05T20:00:00Z", 10.0, 8.0, 7.5, True),  # same Lima day, later
                (1, "2026-01-06T12:00:00Z", 10.0, None, 9.0, False),
            ]
        )
    )

    assert list(panel.days.date) == [date(2026, 1, 5), date(2026, 1, 6)]
    assert panel.regular[1].tolist() == [10.0, 10.0]
    assert panel.shelf[1].tolist() == [8.0, 10.0]
    assert panel.card[1].tolist() == [7.5, 9.0]
    assert panel.on_promo[1].tolist() == [1.0, 1.0]
    assert panel.out_of_stock[1].tolist() == [0.0, 1.0]


def test_days_are_local_to_the_market_time_zone():
    # 03:00 UTC on the 6th is still the 5th in Lima (UTC-5)
    panel = build_panel(_observations([(1, "2026-01-06T03:00:00Z", 5.0, None, None, None)]))

    assert panel.days[0].date() == date(2026, 1, 5)
    assert np.isnan(panel.out_of_stock[1].iloc[0])


def test_an_empty_frame_gives_an_empty_panel():
    panel = build_panel(_observations([]))

    assert panel.regular.empty
    assert detect_price_anomalies(panel).empty
    assert weekly_prices(panel).empty


def test_a_one_day_typo_is_an_anomaly_but_a_lasting_step_is_not():
    prices = [10.0] * 20 + [1.0] + [10.0] * 10 + [11.0] * 20
    panel = build_panel(_observations(_series(7, prices)))

    anomalies = detect_price_anomalies(panel)

    assert anomalies["listing_id"].tolist() == [7]
    assert anomalies["day"].iloc[0].date() == date(2026, 1, 25)
    assert anomalies["price_pen"].iloc[0] == 1.0
    assert anomalies["expected_pen"].iloc[0] == 10.0
    assert anomalies["robust_z"].iloc[0] < -6


def test_masking_anomalies_removes_them_from_the_price_changes():
    prices = [10.0] * 10 + [100.0] + [10.0] * 10
    panel = build_panel(_observations(_series(3, prices)))
    anomalies = detect_price_anomalies(panel)

    raw = listing_activity(panel).loc[3]
    clean = listing_activity(panel.without(anomalies)).loc[3]

    assert raw["price_changes"] == 2
    assert clean["price_changes"] == 0
    assert clean["volatility"] == 0.0


def test_activity_counts_stockouts_changes_and_promotions():
    rows = _series(5, [10.0, 10.0, 11.0, 11.0, 11.0, 9.9])
    rows[1] = (5, rows[1][1], 10.0, None, None, False)
    rows[2] = (5, rows[2][1], 11.0, None, None, False)
    rows[4] = (5, rows[4][1], 11.0, 8.0, None, True)
    activity = listing_activity(build_panel(_observations(rows))).loc[5]

    assert activity["days_observed"] == 6
    assert activity["stockout_rate"] == pytest.approx(2 / 6)
    assert activity["stockout_runs"] == 1
    assert activity["price_changes"] == 2
    assert activity["price_increases"] == 1
    assert activity["price_decreases"] == 1
    assert activity["mean_abs_change_pct"] == pytest.approx((10.0 + 10.0) / 2)
    assert activity["promo_day_share"] == pytest.approx(1 / 6)


def test_weekly_prices_and_latest_prices():
    rows = _series(1, [10.0] * 7 + [12.0] * 3, start="2026-01-05") + _series(
        2, [4.0, 4.0], start="2026-01-05"
    )
    panel = build_panel(_observations(rows))

    weekly = weekly_prices(panel).set_index(["listing_id", "week"])
    latest = latest_prices(panel)

    assert weekly.loc[(1, pd.Timestamp("2026-01-05")), "regular_pen"] == 10.0
    assert weekly.loc[(1, pd.Timestamp("2026-01-12")), "days_observed"] == 3
    assert (2, pd.Timestamp("2026-01-12")) not in weekly.index
    assert latest.loc[1, "regular_pen"] == 12.0
    assert latest.loc[2, "day"] == pd.Timestamp("2026-01-06")
    assert bool(latest.loc[2, "in_stock"]) is True


def test_week_start_is_monday():
    days = pd.Series(pd.to_datetime(["2026-01-04", "2026-01-05", "2026-01-11"]))

    assert [day.date() for day in week_start(days)] == [
        date(2025, 12, 29),
        date(2026, 1, 5),
        date(2026, 1, 5),
    ]
