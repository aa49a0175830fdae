"""Reading ratings and side features (UCI layout included) and encoding pairs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pulso.errors import InputError
from pulso.recsys.data import (
    Interactions,
    build_data,
    diner_users,
    dish_items,
    load_csv_data,
    read_ratings_csv,
    read_side_features,
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_uci_layout_is_recognised_and_extra_columns_ignored(tmp_path):
    path = _write(
        tmp_path / "rating_final.csv",
        "userID,placeID,rating,food_rating,service_rating\nU1077,135085,2,2,2\nU1077,135038,0,2,1\n",
    )

    events = read_ratings_csv(path)

    assert list(events["user_id"]) == ["U1077", "U1077"]
    assert list(events["item_id"]) == ["135085", "135038"]
    assert list(events["rating"]) == [2.0, 0.0]
    assert "timestamp" not in events


def test_bad_rating_and_missing_columns_name_file_row_and_column(tmp_path):
    bad = _write(tmp_path / "bad.csv", "user_id,item_id,rating\na,x,5\nb,y,cinco\n")
    no_item = _write(tmp_path / "noitem.csv", "user_id,rating\na,5\n")

    with pytest.raises(InputError) as bad_rating:
        read_ratings_csv(bad)
    with pytest.raises(InputError) as missing:
        read_ratings_csv(no_item)

    assert (bad_rating.value.row, bad_rating.value.column) == (3, "rating")
    assert "cinco" in str(bad_rating.value)
    assert missing.value.column == "item_id"


def test_implicit_events_with_timestamps(tmp_path):
    path = _write(
        tmp_path / "orders.csv",
        "diner_id,dish_id,ordered_at\nd1,7,2026-01-02 13:00\nd1,8,2026-01-05\n",
    )

    events = read_ratings_csv(path)

    assert events["rating"].isna().all()
    assert events["timestamp"].dt.year.tolist() == [2026, 2026]


def test_side_features_merge_rows_bin_numbers_and_skip_identifiers(tmp_path):
    places = _write(
        tmp_path / "geoplaces2.csv",
        "placeID,name,url,price,latitude\n"
        + "\n".join(
            f"{i},Lugar {i},site{i}.pe,{'low' if i % 2 else 'high'},{10 + i}" for i in range(12)
        )
        + "\n",
    )
    cuisine = _write(tmp_path / "cuisine.csv", "placeID,Rcuisine\n1,Mexican\n1,Bar\n2,?\n")

    items = read_side_features([places, cuisine], kind="item")
    first = items.set_index("item_id").loc["1"]

    assert first["name"] == "Lugar 1"
    assert "rcuisine=mexican" in first["features"]
    assert "rcuisine=bar" in first["features"]
    assert "price=low" in first["features"]
    assert any(t.startswith("latitude=q") for t in first["features"])
    assert not any(t.startswith(("url=", "name=")) for t in first["features"])
    assert not any(
        t.startswith("rcuisine=") for t in items.set_index("item_id").loc["2"]["features"]
    )


def test_csv_side_features_keep_only_rated_ids(tmp_path):
    ratings = _write(tmp_path / "r.csv", "userID,placeID,rating\nU1,1,2\nU2,2,1\n")
    places = _write(tmp_path / "p.csv", "placeID,price\n1,low\n2,high\n3,low\n")

    data = load_csv_data(ratings, items=[places])

    assert sorted(data.items["item_id"]) == ["1", "2"]
    assert sorted(data.users["user_id"]) == ["U1", "U2"]


def test_repeated_events_become_one_pair_with_summed_weight():
    events = pd.DataFrame(
        {
            "user_id": ["a", "a", "a", "b"],
            "item_id": ["x", "x", "y", "x"],
            "rating": [np.nan, 4.0, np.nan, 2.0],
            "timestamp": pd.to_datetime(
                ["2026-01-03", "2026-01-01", "2026-01-02", "2026-01-04"], utc=True
            ),
        }
    )
    items = pd.DataFrame(
        {
            "item_id": ["x", "y", "z"],
            "name": ["X", "Y", "Z"],
            "text": "",
            "features": [[], [], ["tag=new"]],
        }
    )

    data = Interactions.from_data(build_data(events, items=items))

    assert data.n_items == 3
    assert data.n_users == 2
    assert data.n_pairs == 3
    pair = (data.users == 0) & (data.items == 0)
    assert data.weights[pair].tolist() == [2.0]
    assert data.ratings[pair].tolist() == [4.0]
    assert data.item_counts().tolist() == [2.0, 1.0, 0.0]
    assert data.matrix("ones").toarray().tolist() == [[1, 1, 0], [1, 0, 0]]
    assert data.subset(data.users == 1).n_pairs == 1
    assert data.has_ratings
    assert data.has_timestamps


def test_dish_and_diner_frames_carry_tokens_and_text():
    dishes = pd.DataFrame(
        {
            "dish_id": [1, 2, 3, 4],
            "restaurant_id": [1, 1, 1, 2],
            "restaurant_kind": ["cevicheria"] * 3 + ["chifa"],
            "name": ["Ceviche clásico", "Ají de gallina", "Suspiro", "Arroz chaufa"],
            "category": ["ceviches", "fondos", "postres", "chaufas"],
            "price_pen": [38.0, 30.0, 12.0, 25.0],
            "ingredients": [["pescado", "ají limo"], ["gallina"], ["leche"], ["arroz"]],
            "tags": [["marino", "sin gluten"], ["criollo"], ["dulce"], ["chifa"]],
            "description": ["Pesca del día", "", None, ""],
            "active": [True] * 4,
        }
    )
    feedback = pd.DataFrame({"dish_id": [1], "text": ["riquísimo y fresco"]})
    diners = pd.DataFrame(
        {
            "diner_id": [5],
            "diner_key": ["k"],
            "age_band": ["25-34"],
            "gender": [None],
            "district": ["Lince"],
            "diet": [["vegetariano"]],
        }
    )

    items = dish_items(dishes, feedback).set_index("item_id")
    users = diner_users(diners)
    tokens = dict(zip(items.index, items["features"], strict=True))
    texts = dict(zip(items.index, items["text"], strict=True))

    assert "tag=sin gluten" in tokens["1"]
    assert "ingredient=aji limo" in tokens["1"]
    assert "restaurant=1" in tokens["1"]
    assert "price=q4" in tokens["1"]
    assert "riquísimo" in texts["1"]
    assert items.loc["4", "restaurant_id"] == "2"
    assert users.loc[0, "features"] == ["diet=vegetariano", "age_band=25-34", "district=lince"]
