"""Promotion runs from price texts, their parse, statistics and the weekly calendar."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pulso.pricing.promotions import (
    parse_promotions,
    promo_calendar,
    promo_stats,
    promotion_runs,
    unseen_runs,
)


def _texts(rows: list[tuple[int, str, str | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["listing_id", "day", "promo_text"])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def test_runs_split_on_a_new_text_and_on_a_long_gap():
    texts = _texts(
        [
            (1, "2026-07-01", "2x1"),
            (1, "2026-07-02", "2x1"),
            (1, "2026-07-04", "2x1"),  # one unobserved day: same run
            (1, "2026-07-05", "25% dscto."),
            (1, "2026-07-12", "25% dscto."),  # six days later: a new run
            (2, "2026-07-01", "2x1"),
            (2, "2026-07-02", None),
        ]
    )

    runs = promotion_runs(texts)

    assert runs.to_dict("records") == [
        {
            "listing_id": 1,
            "raw_text": "2x1",
            "starts_on": pd.Timestamp("2026-07-01"),
            "ends_on": pd.Timestamp("2026-07-04"),
        },
        {
            "listing_id": 1,
            "raw_text": "25% dscto.",
            "starts_on": pd.Timestamp("2026-07-05"),
            "ends_on": pd.Timestamp("2026-07-05"),
        },
        {
            "listing_id": 1,
            "raw_text": "25% dscto.",
            "starts_on": pd.Timestamp("2026-07-12"),
            "ends_on": pd.Timestamp("2026-07-12"),
        },
        {
            "listing_id": 2,
            "raw_text": "2x1",
            "starts_on": pd.Timestamp("2026-07-01"),
            "ends_on": pd.Timestamp("2026-07-01"),
        },
    ]


def test_runs_an_imported_promotion_covers_are_dropped():
    runs = promotion_runs(_texts([(1, "2026-07-02", "2x1"), (1, "2026-07-20", "2x1")]))
    known = pd.DataFrame(
        {
            "listing_id": [1],
            "raw_text": ["2x1"],
            "starts_on": [pd.Timestamp("2026-07-01")],
            "ends_on": [pd.Timestamp("2026-07-05")],
        }
    )

    unseen = unseen_runs(runs, known)

    assert unseen["starts_on"].tolist() == [pd.Timestamp("2026-07-20")]


def test_parse_resolves_amounts_with_the_regular_price_and_falls_back_to_observed_prices():
    promotions = pd.DataFrame(
        {
            "raw_text": [
                "2x1",
                "S/ 2.00 de descuento",
                "Precio exclusivo CMR",
                "¡Llévalo ya!",
                "25% dscto. Del 1 al 7 de julio",
            ],
            "starts_on": pd.to_datetime(["2026-07-01"] * 5),
        }
    )
    parsed = parse_promotions(
        promotions,
        regular_prices=pd.Series([5.0, 10.0, 10.0, 10.0, 8.0]),
        observed_discounts=pd.Series([None, None, 0.2, 0.3, None], dtype=float),
    )

    assert parsed["promo_type"].tolist() == [
        "multibuy",
        "amount_off",
        "card_price",
        "unknown",
        "percent_off",
    ]
    assert parsed["effective_discount"].tolist()[:3] == pytest.approx([0.5, 0.2, 0.2])
    assert pd.isna(parsed["effective_discount"].iloc[3])  # unknown texts are kept, not guessed
    assert parsed["parameters"].iloc[2]["discount_source"] == "observed_price"
    assert parsed["parameters"].iloc[0]["discount_source"] == "text"
    assert parsed["parameters"].iloc[4]["valid_to"] == date(2026, 7, 7).isoformat()


def _listings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "listing_id": [1, 2, 3],
            "retailer_id": [7, 7, 7],
            "category": ["Bebidas", "Bebidas", None],
            "first_day": pd.to_datetime(["2026-07-01"] * 3),
            "last_day": pd.to_datetime(["2026-07-30"] * 3),
            "days_observed": [30, 30, 30],
            "promo_days": [10.0, 0.0, 5.0],
        }
    )


def _promotions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "listing_id": [1, 1, 3, 2],
            "promo_type": ["multibuy", "percent_off", "unknown", "percent_off"],
            "effective_discount": [0.5, 0.2, None, 0.1],
            "starts_on": pd.to_datetime(["2026-07-01", "2026-07-20", "2026-07-06", "2026-09-01"]),
            "ends_on": pd.to_datetime(["2026-07-07", "2026-07-24", "2026-07-10", "2026-09-03"]),
            "name": ["Fiestas Patrias", "Fiestas Patrias", None, None],
        }
    )


def test_stats_per_retailer_and_category():
    frame = promo_stats(_promotions(), _listings())
    stats = frame.set_index(["retailer_id", "category"]).to_dict("index")

    drinks = stats[(7, "Bebidas")]
    assert drinks["promotions"] == 2  # the September one starts after the observed span
    assert drinks["listings"] == 2
    assert drinks["promos_per_listing_month"] == pytest.approx(2 / 60 * 30)
    assert drinks["promo_day_share"] == pytest.approx(10 / 60, abs=1e-4)
    assert drinks["mean_depth"] == pytest.approx(0.35)
    assert drinks["mean_duration_days"] == pytest.approx((7 + 5) / 2)
    assert drinks["type_mix"] == {"multibuy": 0.5, "percent_off": 0.5}
    overall = stats[(7, "*")]
    assert overall["promotions"] == 3
    assert overall["unknown_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert len(stats) == 2


def test_calendar_counts_active_and_started_promotions_per_week():
    calendar = promo_calendar(_promotions(), _listings())
    overall = calendar[calendar["category"] == "*"].set_index("week")

    assert overall.loc[pd.Timestamp("2026-06-29"), "promotions_started"] == 1
    assert overall.loc[pd.Timestamp("2026-07-06"), "promotions_active"] == 2  # 1st runs into it
    assert overall.loc[pd.Timestamp("2026-07-06"), "promotions_started"] == 1
    assert overall.loc[pd.Timestamp("2026-07-06"), "listing_share"] == pytest.approx(
        2 / 3, abs=1e-4
    )
    assert overall.loc[pd.Timestamp("2026-06-29"), "campaigns"] == ["Fiestas Patrias"]
    drinks = calendar[calendar["category"] == "Bebidas"]
    assert drinks["promotions_started"].sum() == 3
