"""Menu engineering: Kasavana-Smith classes, growth, and suggestions with their numbers."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from pulso.customers.evaluation import class_agreement
from pulso.customers.menu_engineering import engineer_menu, suggest_menu_actions

LIMA = ZoneInfo("America/Lima")
MENU = pd.DataFrame(
    {
        "dish_id": [1, 2, 3, 4, 5],
        "restaurant_id": 1,
        "name": ["Lomo", "Arroz", "Pulpo", "Sopa", "Nuevo"],
        "category": ["fondos", "fondos", "entradas", "sopas", "fondos"],
        "price_pen": [40.0, 20.0, 45.0, 15.0, 30.0],
        "cost_pen": [15.0, 14.0, 15.0, 12.0, None],  # the new dish has no cost yet
    }
)
# units a day per dish in September and October: star, plowhorse, puzzle, dog
DAILY = {"2026-09": {1: 10, 2: 10, 3: 1, 4: 1}, "2026-10": {1: 10, 2: 12, 3: 1, 4: 1}}


def menu_lines() -> pd.DataFrame:
    rows, order = [], 0
    for month, units in DAILY.items():
        first = datetime.fromisoformat(f"{month}-01T13:00").replace(tzinfo=LIMA)
        days = 30 if month == "2026-09" else 31
        for offset in range(days):
            at = first + timedelta(days=offset)
            for dish, count in units.items():
                order += 1
                price = MENU.set_index("dish_id")["price_pen"].to_dict()[dish]
                rows.append((order, 1, at, None, 2, "salon", dish, count, price))
    frame = pd.DataFrame(
        rows,
        columns=[
            "order_id",
            "restaurant_id",
            "ordered_at",
            "diner_id",
            "party_size",
            "channel",
            "dish_id",
            "quantity",
            "unit_price_pen",
        ],
    )
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"], utc=True)
    frame["diner_id"] = frame["diner_id"].astype("Int64")
    return frame


@pytest.fixture(scope="module")
def matrix() -> pd.DataFrame:
    sentiment = pd.DataFrame({"dish_id": [4], "mean_score": [-0.5], "reviews": [4]})
    return engineer_menu(menu_lines(), MENU, dish_sentiment=sentiment)


def test_classes_periods_and_thresholds(matrix):
    overall = matrix[matrix["period"] == "all"].set_index("dish_id")
    assert (
        class_agreement(
            ["star", "plowhorse", "puzzle", "dog"],
            overall.loc[[1, 2, 3, 4], "menu_class"].tolist(),
        ).agreement
        == 1.0
    )
    assert 5 not in overall.index  # no cost: cannot be placed
    assert overall["popularity_threshold"].iloc[0] == pytest.approx(0.7 / 4, abs=1e-5)
    units = overall["units"]
    assert units.loc[2] == 10 * 30 + 12 * 31
    mean_margin = (units * overall["margin_pen"]).sum() / units.sum()
    assert overall["mean_margin_pen"].iloc[0] == pytest.approx(mean_margin, abs=0.01)
    assert sorted(set(matrix["period"])) == ["2026-09", "2026-10", "all"]
    october = matrix[matrix["period"] == "2026-10"].set_index("dish_id")
    assert october.loc[2, "growth"] == pytest.approx(0.2, abs=1e-4)
    assert october.loc[1, "growth"] == pytest.approx(0.0, abs=1e-4)
    assert math.isnan(overall.loc[1, "growth"])  # needs three months for a trend
    assert overall.loc[4, "sentiment_score"] == -0.5
    assert overall.loc[1, "sentiment_reviews"] == 0


def test_suggestions_follow_the_rules_with_numbers(matrix):
    overall = matrix[matrix["period"] == "all"]
    found = {s.dish_id: s for s in suggest_menu_actions(overall, names={2: "Arroz"})}
    assert 1 not in found  # a steady star needs nothing
    assert found[4].action == "rework"  # disliked: rework comes before drop
    assert found[4].priority == 1
    reprice = found[2]
    assert reprice.action == "reprice"
    assert reprice.reason.startswith("Arroz: popular")
    assert reprice.numbers["suggested_price_pen"] == 22.0  # capped at +10%, in S/ 0.50 steps
    assert reprice.numbers["extra_margin_pen"] == pytest.approx(2.0 * (300 + 372))
    promote = found[3]
    assert promote.action == "promote"
    total = overall["units"].sum()
    assert promote.numbers["units_to_popular"] == math.ceil(0.7 / 4 * total) - 61
    assert promote.numbers["menu_class"] == "puzzle"


def test_a_liked_dog_is_reworked_and_an_unloved_one_dropped(matrix):
    overall = matrix[matrix["period"] == "all"].copy()
    overall["sentiment_score"] = float("nan")
    overall["sentiment_reviews"] = 0
    dropped = {s.dish_id: s.action for s in suggest_menu_actions(overall)}
    assert dropped[4] == "drop"
    overall.loc[overall["dish_id"] == 4, ["sentiment_score", "sentiment_reviews"]] = [0.6, 5]
    liked = {s.dish_id: s for s in suggest_menu_actions(overall)}
    assert liked[4].action == "rework"
    assert liked[4].priority == 3
