"""The restaurant demo generator: formats, determinism, planted dirt and planted behaviour."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pulso.errors import InputError
from pulso.synth.restaurants import generate_restaurants
from pulso.synth.shoppers import generate_shoppers

END = dt.date(2026, 6, 30)
SEED = 11
CHANNELS = {"salón", "salon", "delivery", "para llevar", "para_llevar", "takeaway"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("demo")
    entries, truth = generate_restaurants(out, scale="small", seed=SEED, end_date=END)
    return out, entries, truth


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _entry(entries, kind):
    return next(e for e in entries if e.kind == kind)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# --- independent re-implementation of the data-formats.md rules -----------------------


def _is_int(value: str, low: int, high: int) -> bool:
    try:
        number = float(value)
    except ValueError:
        return False
    return number.is_integer() and low <= number <= high


def _is_price(value: str) -> bool:
    try:
        number = float(value)
    except ValueError:
        return False
    return 0 < number < 100_000


def _is_datetime(value: str) -> bool:
    try:
        stamp = dt.datetime.strptime(f"{value} -0500", "%Y-%m-%d %H:%M %z")
    except ValueError:
        return False
    return stamp.date() <= END + dt.timedelta(days=1)


def _order_problems(row: dict[str, str]) -> list[str]:
    problems = [c for c in ("restaurant", "order_id", "ordered_at", "dish") if not row[c]]
    if not _is_int(row["quantity"], 1, 1000):
        problems.append("quantity")
    if not _is_price(row["unit_price"]):
        problems.append("unit_price")
    if row["ordered_at"] and not _is_datetime(row["ordered_at"]):
        problems.append("ordered_at")
    if row["party_size"] and not _is_int(row["party_size"], 1, 50):
        problems.append("party_size")
    if row["channel"] and row["channel"] not in CHANNELS:
        problems.append("channel")
    return problems


def _feedback_problems(row: dict[str, str]) -> list[str]:
    problems = [c for c in ("restaurant", "created_at", "text") if not row[c]]
    if row["created_at"] and not _is_datetime(row["created_at"]):
        problems.append("created_at")
    if row["rating"] and not _is_int(row["rating"], 1, 5):
        problems.append("rating")
    return problems


def _audit(frame: pd.DataFrame, key: list[str], check) -> tuple[int, int, list[int]]:
    """Count bad rows, duplicate valid rows, and bad rows breaking more than one rule."""
    bad, duplicates, multiple = 0, 0, []
    seen: set[tuple[str, ...]] = set()
    for index, row in enumerate(frame.to_dict(orient="records")):
        problems = check(row)
        if problems:
            bad += 1
            if len(problems) > 1:
                multiple.append(index)
            continue
        value = tuple(row[c] for c in key)
        duplicates += value in seen
        seen.add(value)
    return bad, duplicates, multiple


# --- files and formats --------------------------------------------------------------------


def test_entries_come_in_ingest_order_and_count_the_rows(generated):
    out, entries, truth = generated
    assert [e.kind for e in entries] == ["menu", "diners", "orders", "feedback", "surveys"]
    for entry in entries:
        path = out / entry.path
        assert path.is_file()
        rows = pd.read_excel(path) if path.suffix == ".xlsx" else _csv(path)
        assert len(rows) == entry.rows > 0
    assert all((out / p).is_file() for p in truth.values())
    assert {"diner_segments", "diner_preferences", "review_aspects", "review_labels",
            "menu_classes"} <= set(truth)  # fmt: skip


def test_columns_are_exactly_the_documented_ones(generated):
    out, _, _ = generated
    expected = {
        "menu": ["restaurant", "dish", "category", "price", "cost", "ingredients", "tags",
                 "description", "restaurant_kind", "district"],
        "diners": ["diner_id", "age_band", "gender", "district", "diet"],
        "orders": ["restaurant", "order_id", "ordered_at", "dish", "quantity", "unit_price",
                   "diner_id", "party_size", "channel"],
        "feedback": ["restaurant", "created_at", "text", "rating", "diner_id", "dish", "source",
                     "feedback_id"],
    }  # fmt: skip
    for name, columns in expected.items():
        assert list(_csv(out / "restaurants" / f"{name}.csv").columns) == columns
    surveys = pd.read_excel(out / "restaurants" / "surveys.xlsx", dtype=str)
    assert list(surveys.columns) == ["survey", "respondent_id", "submitted_at", "question",
                                     "answer", "score", "restaurant", "retailer"]  # fmt: skip


def test_same_arguments_give_byte_identical_files(generated, tmp_path):
    out, _, _ = generated
    again = tmp_path / "again"
    generate_restaurants(again, scale="small", seed=SEED, end_date=END)
    assert _files(again) == _files(out)
    other = tmp_path / "other"
    generate_restaurants(other, scale="small", seed=SEED + 1, end_date=END)
    assert _files(other)["restaurants/orders.csv"] != _files(out)["restaurants/orders.csv"]


def test_unknown_scale_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="huge"):
        generate_restaurants(tmp_path, scale="huge", seed=1, end_date=END)


# --- planted dirt -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "key", "check"),
    [
        ("orders", ["restaurant", "order_id", "dish"], _order_problems),
        ("feedback", ["feedback_id"], _feedback_problems),
    ],
)
def test_planted_dirt_matches_the_manifest(generated, kind, key, check):
    out, entries, truth = generated
    entry = _entry(entries, kind)
    frame = _csv(out / entry.path)
    bad, duplicates, multiple = _audit(frame, key, check)
    assert (bad, duplicates) == (entry.planted_bad_rows, entry.planted_duplicates)
    assert multiple == []
    assert 0.002 <= bad / len(frame) <= 0.005 or bad == 1
    planted = _csv(out / truth["restaurant_bad_rows"])
    planted = planted[planted["path"] == entry.path]
    assert len(planted) == bad
    for row, column in zip(planted["row"].astype(int), planted["column"], strict=True):
        assert check(frame.iloc[row - 2].to_dict()) == [column]
    repeated = _csv(out / truth["restaurant_duplicates"])
    repeated = repeated[repeated["path"] == entry.path]
    assert len(repeated) == duplicates
    for row, first in zip(repeated["row"].astype(int), repeated["first_row"].astype(int),
                          strict=True):  # fmt: skip
        assert first < row
        assert frame.iloc[row - 2].to_dict() == frame.iloc[first - 2].to_dict()


def test_no_bad_row_shares_a_key_with_another_row(generated):
    out, entries, _ = generated
    frame = _csv(out / _entry(entries, "orders").path)
    keys = Counter(zip(frame["restaurant"], frame["order_id"], frame["dish"], strict=True))
    for row in frame.to_dict(orient="records"):
        if _order_problems(row):
            assert keys[(row["restaurant"], row["order_id"], row["dish"])] == 1


# --- planted behaviour --------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean_orders(generated) -> pd.DataFrame:
    out, entries, _ = generated
    frame = _csv(out / _entry(entries, "orders").path)
    valid = [not _order_problems(row) for row in frame.to_dict(orient="records")]
    frame = frame[valid].drop_duplicates(["restaurant", "order_id", "dish"]).copy()
    frame["at"] = pd.to_datetime(frame["ordered_at"], format="%Y-%m-%d %H:%M")
    frame["quantity"] = frame["quantity"].astype(int)
    return frame


def test_orders_respect_diet_restrictions(generated, clean_orders):
    out, _, truth = generated
    menu = _csv(out / "restaurants" / "menu.csv")
    tags = {(r, d): set(t.split(";")) for r, d, t in zip(menu.restaurant, menu.dish, menu.tags,
                                                        strict=True)}  # fmt: skip
    prefs = _csv(out / truth["diner_preferences"]).set_index("diner_id")
    restricted = clean_orders[clean_orders["diner_id"].map(prefs["diet"]).fillna("") != ""]
    assert len(restricted) > 20
    for row in restricted.itertuples():
        dish_tags = tags[(row.restaurant, row.dish)]
        for diet in prefs.at[row.diner_id, "diet"].split(";"):
            if diet == "sin mariscos":
                assert "mariscos" not in dish_tags
            else:
                assert diet in dish_tags


def test_segments_behave_as_planted(generated, clean_orders):
    out, _, truth = generated
    segments = _csv(out / truth["diner_segments"]).set_index("diner_id")["segment"]
    orders = clean_orders.drop_duplicates(["restaurant", "order_id"]).copy()
    orders["segment"] = orders["diner_id"].map(segments)
    assert (orders["diner_id"] == "").mean() > 0.4  # many anonymous walk-ins
    weekend = orders.groupby("segment")["at"].apply(lambda s: (s.dt.day_of_week >= 5).mean())
    assert weekend["weekend_family"] > 0.6 > 0.15 > weekend["weekday_lunch_regular"]
    night = orders[orders["segment"] == "night_delivery"]
    assert (night["channel"] == "delivery").mean() > 0.7
    assert (night["at"].dt.hour >= 18).mean() > 0.95
    families = orders[orders["segment"] == "weekend_family"]
    assert families.loc[families["party_size"] != "", "party_size"].astype(int).median() >= 3
    seafood = clean_orders["diner_id"].map(segments) == "seafood_lover"
    cevicheria = clean_orders["restaurant"].str.startswith("Cevichería")
    assert cevicheria[seafood].mean() > 2 * cevicheria[~seafood].mean()


def test_diners_order_what_they_like(generated, clean_orders):
    out, _, truth = generated
    menu = _csv(out / "restaurants" / "menu.csv")
    tags = {(r, d): set(t.split(";")) for r, d, t in zip(menu.restaurant, menu.dish, menu.tags,
                                                        strict=True)}  # fmt: skip
    liked = _csv(out / truth["diner_preferences"]).set_index("diner_id")["liked_tags"]
    known = clean_orders[clean_orders["diner_id"] != ""]
    dish_tags = [tags[(r, d)] for r, d in zip(known.restaurant, known.dish, strict=True)]
    own = [set(liked[i].split(";")) for i in known["diner_id"]]
    shuffled = np.random.default_rng(0).permutation(np.array(own, dtype=object))
    hit = np.mean([bool(t & o) for t, o in zip(dish_tags, own, strict=True)])
    baseline = np.mean([bool(t & o) for t, o in zip(dish_tags, shuffled, strict=True)])
    assert hit > baseline + 0.08


def test_timestamps_follow_meal_times(clean_orders):
    hours = clean_orders.drop_duplicates(["restaurant", "order_id"])["at"].dt.hour
    lunch = hours.between(12, 15).mean()
    dinner = hours.between(19, 22).mean()
    assert lunch > 0.45
    assert dinner > 0.25
    assert lunch + dinner > 0.9
    cevicheria = clean_orders[clean_orders["restaurant"].str.startswith("Cevichería")]
    assert cevicheria["at"].dt.hour.between(11, 17).all()
    assert clean_orders["at"].max() < pd.Timestamp(END + dt.timedelta(days=1))


def test_menu_engineering_recovers_planted_classes(generated, clean_orders):
    out, _, truth = generated
    menu = _csv(out / "restaurants" / "menu.csv")
    planted = _csv(out / truth["menu_classes"]).set_index(["restaurant", "dish"])["menu_class"]
    agree = []
    for restaurant, dishes in menu.groupby("restaurant"):
        units = clean_orders[clean_orders["restaurant"] == restaurant].groupby("dish")["quantity"]
        sold = units.sum().reindex(dishes["dish"], fill_value=0).to_numpy()
        margin = (dishes["price"].astype(float) - dishes["cost"].astype(float)).to_numpy()
        popular = sold / sold.sum() >= 0.7 / len(dishes)
        profitable = margin >= (margin * sold).sum() / sold.sum()
        found = np.where(popular, np.where(profitable, "star", "plowhorse"),
                         np.where(profitable, "puzzle", "dog"))  # fmt: skip
        expected = [planted[(restaurant, d)] for d in dishes["dish"]]
        agree.extend(np.array(expected) == found)
    assert set(planted) == {"star", "plowhorse", "puzzle", "dog"}
    assert np.mean(agree) >= 0.95


# --- reviews and surveys ------------------------------------------------------------------


@pytest.fixture(scope="module")
def reviews(generated) -> pd.DataFrame:
    out, _, truth = generated
    feedback = _csv(out / "restaurants" / "feedback.csv").drop_duplicates("feedback_id")
    labels = _csv(out / truth["review_labels"])
    aspects = _csv(out / truth["review_aspects"])
    sign = aspects["polarity"].map({"positive": 1, "negative": -1, "neutral": 0})
    mean = sign.groupby(aspects["feedback_id"]).mean().rename("polarity")
    frame = feedback.merge(labels, on="feedback_id").merge(mean, on="feedback_id", how="left")
    frame["stars"] = pd.to_numeric(frame["rating"], errors="coerce")
    return frame


def test_ratings_follow_planted_aspects(reviews):
    rated = reviews.dropna(subset=["stars", "polarity"])
    rated = rated[rated["stars"].between(1, 5)]
    assert rated["stars"].corr(rated["polarity"]) > 0.6
    by_label = reviews.groupby("label")["stars"].mean()
    assert by_label["positive"] > by_label["neutral"] > by_label["negative"]
    assert 0.03 < reviews["rating"].eq("").mean() < 0.3


def test_reviews_are_varied_and_mostly_spanish(reviews):
    assert len(reviews) > 250
    assert reviews["text"].nunique() >= 0.95 * len(reviews)
    english = (reviews["lang"] == "en").mean()
    assert 0.05 < english < 0.3
    assert reviews["text"].str.contains("[😋😍👌👍🔥🙌💯😡👎😤😒🙄😐🤷]").mean() > 0.05


def test_restaurant_aspect_quality_shows_in_reviews(generated):
    out, _, truth = generated
    feedback = _csv(out / "restaurants" / "feedback.csv").drop_duplicates("feedback_id")
    aspects = _csv(out / truth["review_aspects"]).merge(
        feedback[["feedback_id", "restaurant"]], on="feedback_id"
    )
    negative = (
        aspects.assign(neg=aspects["polarity"] == "negative")
        .groupby(["restaurant", "aspect"])["neg"]
        .mean()
    )
    polleria, chifa = "Pollería La Brasa Dorada", "Chifa Hong Fa"
    assert negative[(polleria, "service")] > negative[(chifa, "service")]
    assert negative[(polleria, "price")] < negative[("Cevichería El Cordelito", "price")]
    assert negative[(chifa, "ambience")] > negative[("Sazón Criolla Doña Rosa", "ambience")]


def test_surveys_hold_restaurant_and_retail_answers(generated):
    out, _, _ = generated
    surveys = pd.read_excel(out / "restaurants" / "surveys.xlsx", dtype=str).fillna("")
    restaurant = surveys[surveys["restaurant"] != ""]
    retail = surveys[surveys["retailer"] != ""]
    assert len(restaurant) > 100
    assert len(retail) > 50
    assert (restaurant["retailer"] == "").all()
    assert set(retail["retailer"]) == {"Plaza Vea"}
    keys = surveys[["survey", "respondent_id", "question"]]
    assert not keys.duplicated().any()
    scores = pd.to_numeric(surveys["score"], errors="coerce")
    nps = surveys["question"].str.contains("recomiende")
    assert scores[~nps].dropna().between(1, 5).all()
    assert scores[nps].dropna().between(0, 10).all()
    assert (surveys["question"] == "¿Qué mejoraría?").any()
    assert pd.to_datetime(surveys["submitted_at"], format="%d/%m/%Y %H:%M").max() <= pd.Timestamp(
        END + dt.timedelta(days=1)
    )


# --- shoppers -----------------------------------------------------------------------------


def test_shoppers_have_planted_segments(tmp_path):
    entries, truth = generate_shoppers(tmp_path, scale="small", seed=3, end_date=END)
    again = tmp_path / "again"
    generate_shoppers(again, scale="small", seed=3, end_date=END)
    assert (again / entries[0].path).read_bytes() == (tmp_path / entries[0].path).read_bytes()
    shoppers = _csv(tmp_path / entries[0].path)
    assert list(shoppers.columns) == ["shopper_id", "retailer", "month", "purchases", "spend",
                                      "social_engagements", "survey_score"]  # fmt: skip
    assert len(shoppers) == entries[0].rows
    assert not shoppers.duplicated(["shopper_id", "retailer", "month"]).any()
    assert ((shoppers["spend"] == "") == (shoppers["purchases"] == "0")).all()
    assert shoppers["month"].str.fullmatch(r"\d{4}-\d{2}").all()
    segments = _csv(tmp_path / truth["shopper_segments"]).set_index("shopper_id")["segment"]
    shoppers["segment"] = shoppers["shopper_id"].map(segments)
    shoppers["purchases"] = shoppers["purchases"].astype(int)
    shoppers["social"] = shoppers["social_engagements"].astype(int)
    mean = shoppers.groupby("segment")[["purchases", "social"]].mean()
    assert mean.loc["loyal_high_value", "purchases"] > 2 * mean.loc["occasional", "purchases"]
    assert mean.loc["digital_engaged", "social"] > 2 * mean.loc["loyal_high_value", "social"]
    by_month = shoppers.groupby(["segment", "month"])["purchases"].mean()
    first, last = shoppers["month"].min(), shoppers["month"].max()
    assert by_month[("churning", last)] < 0.5 * by_month[("churning", first)]
    assert by_month[("loyal_high_value", last)] > 0.7 * by_month[("loyal_high_value", first)]


def test_holidays_show_in_orders(generated, clean_orders):
    out, _, _ = generated
    menu = _csv(out / "restaurants" / "menu.csv")
    lines = clean_orders.merge(menu[["restaurant", "dish", "tags"]], on=["restaurant", "dish"])
    day = lines["at"].dt.date
    holy_week = day.isin([dt.date(2026, 4, 2), dt.date(2026, 4, 3)])  # Thursday, Friday
    marine = lines["tags"].str.contains("marino")
    assert marine[holy_week].mean() > 1.2 * marine[~holy_week].mean()
    orders = clean_orders.drop_duplicates(["restaurant", "order_id"])
    per_day = orders.groupby(orders["at"].dt.date).size()
    sundays = per_day[[d.weekday() == 6 for d in per_day.index]]
    assert per_day[dt.date(2026, 5, 10)] > 1.8 * sundays.median()  # Día de la Madre
