"""Dining patterns on hand-built orders whose answers are known."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from pulso.customers.occasions import OCCASION_NAMES, dining_occasions, easter_sunday
from pulso.customers.patterns import dining_patterns, orders_from_lines

LIMA = ZoneInfo("America/Lima")


def line_frame(orders: list[dict[str, object]]) -> pd.DataFrame:
    """One line per order (dish 1, quantity 1) unless ``lines`` is given."""
    rows = []
    for number, order in enumerate(orders, start=1):
        for dish, quantity, price in order.get("lines", [(1, 1, order.get("price", 50.0))]):  # type: ignore[attr-defined]
            rows.append(
                {
                    "order_id": number,
                    "restaurant_id": order.get("restaurant_id", 1),
                    "ordered_at": order["at"],
                    "diner_id": order.get("diner"),
                    "party_size": order.get("party"),
                    "channel": order.get("channel", "salon"),
                    "dish_id": dish,
                    "quantity": quantity,
                    "unit_price_pen": price,
                }
            )
    frame = pd.DataFrame(rows)
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"]).dt.tz_convert("UTC")
    frame["diner_id"] = frame["diner_id"].astype("Int64")
    frame["party_size"] = frame["party_size"].astype("Int64")
    return frame


def lima(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=LIMA)


def test_orders_fold_lines_into_tickets():
    frame = line_frame([{"at": lima(date(2026, 7, 1), 13), "lines": [(1, 2, 20.0), (2, 1, 8.5)]}])
    orders = orders_from_lines(frame)
    assert orders["ticket_pen"].tolist() == [48.5]
    assert orders["units"].tolist() == [3]
    assert orders["local_time"].iloc[0] == pd.Timestamp("2026-07-01 13:30")


def test_patterns_of_a_lunch_place_with_one_regular():
    start = date(2026, 6, 1)  # a Monday
    orders: list[dict[str, object]] = []
    for offset in range(60):
        day = start + timedelta(days=offset)
        orders.append({"at": lima(day, 13), "party": 2, "price": 40.0})
        if day.weekday() < 5:
            orders.append({"at": lima(day, 12), "diner": 7, "party": 1, "price": 25.0})
        if day.weekday() == 5:
            orders.append({"at": lima(day, 20), "channel": "delivery", "price": 90.0})
    orders.append({"at": lima(date(2026, 6, 20), 14), "diner": 8, "party": 8, "price": 300.0})
    patterns = dining_patterns(line_frame(orders))
    summary = patterns.summary.iloc[0]
    assert summary["orders"] == len(orders)
    assert summary["known_diners"] == 2
    assert summary["repeat_diners"] == 1
    assert summary["repeat_visit_rate"] == 0.5
    assert summary["median_days_between_visits"] == 1.0
    assert summary["first_day"] == date(2026, 6, 1)

    heat = patterns.heatmap.set_index(["weekday", "hour"])
    assert heat.loc[(0, 12), "orders"] == 9  # nine Mondays in 60 days from a Monday
    assert heat.loc[(5, 20), "orders"] == 8
    assert heat["share"].sum() == pytest.approx(1.0, abs=1e-4)

    distributions = patterns.distributions.set_index(["dimension", "value"])
    assert distributions.loc[("party_size", "6+"), "orders"] == 1
    assert distributions.loc[("channel", "delivery"), "orders"] == 8
    assert distributions.loc[("meal", "dinner"), "orders"] == 8
    assert distributions.loc[("ticket_band", "250+"), "orders"] == 1
    parties = patterns.distributions[patterns.distributions["dimension"] == "party_size"]
    assert parties["value"].tolist() == ["1", "2", "6+"]

    months = patterns.seasonality[patterns.seasonality["kind"] == "month"]
    assert months["name"].tolist() == ["2026-06", "2026-07"]
    assert months["days"].tolist() == [30, 30]


def test_holiday_lift_against_the_same_weekday():
    orders: list[dict[str, object]] = []
    start = date(2026, 6, 1)
    for offset in range(70):
        day = start + timedelta(days=offset)
        per_day = 12 if day == date(2026, 7, 28) else 4
        orders.extend({"at": lima(day, 13)} for _ in range(per_day))
    patterns = dining_patterns(line_frame(orders))
    holidays = patterns.seasonality[patterns.seasonality["kind"] == "holiday"].set_index("day")
    patrias = holidays.loc[date(2026, 7, 28)]
    assert patrias["name"] == "fiestas_patrias"
    assert patrias["baseline_orders_per_day"] == 4.0
    assert patrias["lift"] == 3.0
    assert holidays["lift"].to_dict()[date(2026, 6, 29)] == 1.0


def test_occasions_calendar():
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert easter_sunday(2026) == date(2026, 4, 5)
    days = dining_occasions([2026])
    assert days[date(2026, 4, 2)] == days[date(2026, 4, 3)] == "semana_santa"
    assert days[date(2026, 5, 10)] == "dia_de_la_madre"
    assert days[date(2026, 6, 21)] == "dia_del_padre"
    assert days[date(2026, 7, 19)] == "dia_del_pollo_a_la_brasa"
    assert set(days.values()) <= set(OCCASION_NAMES)
    assert list(days) == sorted(days)
