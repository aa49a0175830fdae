"""Diner segments: features from orders, KMeans with k by silhouette, names from centroids."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from pulso.customers.clustering import kmeans_by_silhouette
from pulso.customers.evaluation import segment_agreement
from pulso.customers.segments import DinerSegmenter, diner_features, name_segment
from pulso.errors import InputError

LIMA = ZoneInfo("America/Lima")
DISHES = pd.DataFrame(
    {
        "dish_id": [1, 2, 3, 4, 5],
        "restaurant_id": [1, 1, 1, 1, 1],
        "name": ["Lomo saltado", "Pollo a la brasa", "Arroz chaufa", "Ceviche", "Inca Kola"],
        "category": ["fondos", "brasas", "chaufas", "ceviches", "bebidas"],
        "price_pen": [35.0, 60.0, 28.0, 40.0, 6.0],
        "cost_pen": [12.0, 25.0, 9.0, 14.0, 2.0],
        "tags": [["criollo"], ["pollo"], ["chifa"], ["marino"], []],
    }
)
# behaviour: (weekdays allowed, hour, channel, party, dish, orders)
BEHAVIOURS = {
    "lunch": ((0, 1, 2, 3, 4), 13, "salon", 1, 1, 12),
    "family": ((5, 6), 14, "salon", 5, 2, 6),
    "night": ((0, 1, 2, 3, 4), 21, "delivery", None, 3, 8),
    "seafood": ((5, 6), 12, "salon", 2, 4, 7),
}


def diner_lines(per_group: int = 25, seed: int = 5) -> tuple[pd.DataFrame, dict[int, str]]:
    rng = np.random.default_rng(seed)
    rows, truth, order = [], {}, 0
    start = date(2026, 1, 5)
    diner = 0
    for group, (weekdays, hour, channel, party, dish, count) in BEHAVIOURS.items():
        for _ in range(per_group):
            diner += 1
            truth[diner] = group
            for _ in range(int(count + rng.integers(-2, 3))):
                order += 1
                day = start + timedelta(days=int(rng.integers(0, 150)))
                day += timedelta(days=int(rng.choice(weekdays) - day.weekday()) % 7)
                at = datetime(day.year, day.month, day.day, hour, 0, tzinfo=LIMA)
                for dish_id, quantity in ((dish, party or 1), (5, 1)):
                    rows.append((order, 1, at, diner, party, channel, dish_id, quantity))
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
        ],
    )
    frame["unit_price_pen"] = frame["dish_id"].map(DISHES.set_index("dish_id")["price_pen"])
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"], utc=True)
    frame["party_size"] = frame["party_size"].astype("Int64")
    return frame, truth


def test_features_describe_each_diner():
    lines, _ = diner_lines(per_group=3)
    features = diner_features(lines, DISHES, as_of=date(2026, 7, 1), prior_orders=0)
    lunch, night = features.loc[1].to_dict(), features.loc[7].to_dict()
    assert lunch["weekday_lunch_share"] == 1.0
    assert lunch["cat:fondos"] == 1.0
    assert "cat:bebidas" not in features.columns  # drinks are left out of the mix
    assert night["delivery_share"] == 1.0
    assert night["dinner_share"] == 1.0
    assert features["party_size"].to_dict()[4] == 5.0
    assert (features["recency_days"] >= 0).all()
    shrunk = diner_features(lines, DISHES, prior_orders=3.0).loc[1].to_dict()
    assert 0 < shrunk["weekend_share"] < lunch["weekend_share"] + 0.5
    assert shrunk["weekday_lunch_share"] < 1.0


def test_segmenter_recovers_planted_behaviours_and_names_them():
    lines, truth = diner_lines()
    features = diner_features(lines, DISHES)
    segmenter = DinerSegmenter(k_range=(3, 6), random_state=1).fit(features)
    planted = [truth[diner] for diner in features.index]
    assert segmenter.k_ == 4
    assert segment_agreement(planted, segmenter.labels_.tolist()) >= 0.9
    keys = {name.key for name in segmenter.names_}
    assert {"weekday_lunch_regular", "weekend_family", "night_delivery", "seafood_lover"} == keys
    assert segmenter.predict(features).tolist() == segmenter.labels_.tolist()
    assert set(segmenter.silhouettes_) == {3, 4, 5, 6}
    assert segmenter.centroids_.shape[0] == 4


def test_naming_rules_in_order():
    population = {"visits_per_month": 1.0, "cat:ceviches": 0.1, "cat:brasas": 0.2}
    base = {
        "visits_per_month": 2.0,
        "delivery_share": 0.0,
        "dinner_share": 0.1,
        "weekend_share": 0.2,
        "party_size": 2.0,
        "weekday_lunch_share": 0.2,
        "cat:ceviches": 0.1,
        "cat:brasas": 0.2,
    }
    assert name_segment(base | {"visits_per_month": 0.3}, population).key == "occasional"
    night = base | {"delivery_share": 0.7, "dinner_share": 0.9}
    assert name_segment(night, population).name == "delivery nocturno"
    family = base | {"weekend_share": 0.7, "party_size": 4.0}
    assert name_segment(family, population).key == "weekend_family"
    assert name_segment(base | {"cat:ceviches": 0.4}, population).key == "seafood_lover"
    assert name_segment(base | {"cat:brasas": 0.5}, population).name == "fans de brasas"
    lunch = base | {"weekday_lunch_share": 0.8}
    assert name_segment(lunch, population).name == "frecuentes de almuerzo"
    assert name_segment(base | {"dinner_share": 0.6}, population).key == "regular_dinner"


def test_errors_and_contract():
    with pytest.raises(NotFittedError):
        DinerSegmenter().predict(pd.DataFrame({"visits_per_month": [1.0]}))
    points = np.random.default_rng(0).normal(size=(5, 2))
    with pytest.raises(InputError, match="more than 8 points"):
        kmeans_by_silhouette(points, k_range=(3, 8))
    with pytest.raises(InputError, match="k_range"):
        kmeans_by_silhouette(points, k_range=(1, 3))
    lines, _ = diner_lines(per_group=2)
    anonymous = lines.assign(diner_id=pd.array([None] * len(lines), dtype="Int64"))
    with pytest.raises(InputError, match="no order lines from known diners"):
        diner_features(anonymous, DISHES)
