"""Alert rules: price drops, undercuts, new promotions, stock-outs and anomalies."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from pulso.pricing.alerts import (
    ALERT_COLUMNS,
    AlertRules,
    anomaly_alerts,
    key_items,
    price_drop_alerts,
    promotion_alerts,
    stockout_alerts,
    undercut_alerts,
)
from pulso.pricing.panel import PricePanel

DAYS = pd.date_range("2026-11-01", periods=10, freq="D", name="day")
PAIRS = pd.DataFrame(
    {
        "listing_id": [20, 21],
        "product_id": [1, 2],
        "retailer_id": [2, 2],
        "retailer_name": ["Tottus", "Tottus"],
        "product_name": ["Inca Kola 1.5 L", "Arroz Costeño 750 g"],
    }
)
RULES = AlertRules()
SINCE = date(2026, 11, 4)


def _panel(shelf: dict[int, list[float]], out: dict[int, list[float]] | None = None) -> PricePanel:
    prices = pd.DataFrame(shelf, index=DAYS)
    stock = pd.DataFrame(out or {k: [0.0] * len(DAYS) for k in shelf}, index=DAYS)
    promo = pd.DataFrame(0.0, index=DAYS, columns=prices.columns)
    return PricePanel(prices, prices, prices, stock, promo)


def test_a_drop_alerts_once_on_its_first_day():
    panel = _panel({20: [10.0] * 5 + [6.0] * 5, 21: [4.0] * 10})

    alerts = price_drop_alerts(panel, PAIRS, rules=RULES, key={1}, since=SINCE)

    assert list(alerts.columns) == ALERT_COLUMNS
    assert alerts["dedup_key"].tolist() == ["price_drop:20:2026-11-06"]
    assert alerts["severity"].tolist() == ["high"]  # a key item, 40 % down
    assert alerts["detail"].iloc[0]["change_pct"] == -40.0
    assert alerts["detail"].iloc[0]["product_id"] == 1


def test_drops_before_since_and_small_drops_are_not_alerts():
    panel = _panel({20: [10.0, 5.0] + [5.0] * 8, 21: [4.0] * 5 + [3.7] * 5})

    assert price_drop_alerts(panel, PAIRS, rules=RULES, key=set(), since=SINCE).empty


def test_undercut_on_a_key_item_only():
    panel = _panel({20: [10.0] * 7 + [8.0] * 3, 21: [3.0] * 10})
    ours = pd.DataFrame({1: [10.0] * 10, 2: [4.0] * 10}, index=DAYS)

    alerts = undercut_alerts(panel, PAIRS, our_shelf=ours, rules=RULES, key={1}, since=SINCE)

    assert alerts["dedup_key"].tolist() == ["undercut:20:2026-11-08"]
    assert alerts["severity"].tolist() == ["high"]
    assert alerts["detail"].iloc[0]["our_price_pen"] == 10.0


def test_new_promotions_on_key_items():
    promotions = pd.DataFrame(
        {
            "listing_id": [20, 20, 21],
            "raw_text": ["2x1", "10% dscto.", "3x2"],
            "starts_on": pd.to_datetime(["2026-11-01", "2026-11-09", "2026-11-09"]),
            "promo_type": ["multibuy", "percent_off", "multibuy"],
            "effective_discount": [0.5, 0.1, np.nan],
        }
    )

    alerts = promotion_alerts(promotions, PAIRS, rules=RULES, key={1}, since=SINCE)

    assert len(alerts) == 1
    assert alerts["dedup_key"].iloc[0].startswith("new_promotion:20:2026-11-09:")
    assert alerts["severity"].tolist() == ["medium"]
    again = promotion_alerts(promotions, PAIRS, rules=RULES, key={1}, since=SINCE)
    assert again["dedup_key"].tolist() == alerts["dedup_key"].tolist()


def test_stockouts_alert_on_the_first_day_of_each_run():
    out = {20: [0.0] * 5 + [1.0, 1.0, 0.0, 1.0, np.nan], 21: [1.0] * 10}
    panel = _panel({20: [10.0] * 10, 21: [4.0] * 10}, out)

    alerts = stockout_alerts(panel, PAIRS, key={2}, since=SINCE)

    assert alerts["dedup_key"].tolist() == ["stockout:20:2026-11-06", "stockout:20:2026-11-09"]
    assert set(alerts["severity"]) == {"low"}


def test_anomalies_become_low_alerts():
    anomalies = pd.DataFrame(
        {
            "listing_id": [21],
            "day": pd.to_datetime(["2026-11-03"]),
            "price_pen": [0.4],
            "expected_pen": [4.0],
            "robust_z": [-30.0],
        }
    )

    alerts = anomaly_alerts(anomalies, PAIRS)

    assert alerts["dedup_key"].tolist() == ["price_anomaly:21:2026-11-03"]
    assert alerts["severity"].tolist() == ["low"]
    assert "S/ 0.40" in alerts["title"].iloc[0]


def test_key_items_are_the_best_sellers_by_revenue():
    sales = pd.DataFrame(
        {
            "product_id": [1, 2, 3, 4, 5],
            "price_pen": [10.0, 1.0, 5.0, 2.0, 3.0],
            "units_sold": [10, 10, 10, 10, 0],
        }
    )

    assert key_items(sales, share=0.5) == {1, 3}
    assert key_items(sales.iloc[0:0]) == set()
