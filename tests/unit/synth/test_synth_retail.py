"""Retail demo data: formats, planted dirt, ground truth and planted market behaviour."""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pulso.errors import InputError
from pulso.synth.retail import generate_retail

END = date(2026, 8, 15)
SEED = 11
REQUIRED = ("retailer", "external_id", "name", "observed_at", "regular_price")
DOCUMENTED = {
    *REQUIRED,
    "offer_price",
    "card_price",
    "card_name",
    "in_stock",
    "stock_level",
    "promo_text",
    "brand",
    "ean",
    "category",
    "size",
    "url",
}
PRICE_RE = re.compile(r"(?:S/\.?\s*)?(-?\d+)(?:[.,](\d{1,2}))?")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S%z")


@pytest.fixture(scope="module")
def retail(tmp_path_factory):
    out = tmp_path_factory.mktemp("retail")
    entries, truth = generate_retail(out, scale="small", seed=SEED, end_date=END)
    return out, entries, truth


@pytest.fixture(scope="module")
def prices(retail):
    out, entries, _ = retail
    return {e.source: _read_prices(out / e.path) for e in entries if e.kind == "prices"}


@pytest.fixture(scope="module")
def matches(retail):
    out, _, truth = retail
    return pd.read_csv(out / truth["retail_matches"], dtype=str, keep_default_na=False)


def _read_prices(path: Path) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=object)
        frame = frame.astype(object).where(frame.notna(), "")
    else:
        header = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
        sep = ";" if ";" in header else ","
        frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _price(value: object) -> float | None:
    """Parse a price the way data-formats.md describes; None when it cannot be parsed."""
    if isinstance(value, int | float):
        return float(value)
    match = PRICE_RE.fullmatch(str(value).strip())
    if match is None:
        return None
    whole, cents = match.groups()
    sign = -1 if whole.startswith("-") else 1
    return float(whole) + sign * float(cents or 0) / 10.0 ** len(cents or "0")


def _date_ok(value: object) -> bool:
    if isinstance(value, datetime | date):
        return True
    for pattern in DATE_FORMATS:
        try:
            datetime.strptime(str(value), pattern)  # noqa: DTZ007 (only checks the format)
        except ValueError:
            continue
        return True
    return False


def _violations(row: dict[str, object]) -> list[str]:
    """Format rules of docs/data-formats.md that a prices row breaks (independent checker)."""
    found = [f"missing {c}" for c in REQUIRED if _blank(row[c])]
    regular = None if _blank(row["regular_price"]) else _price(row["regular_price"])
    if not _blank(row["regular_price"]) and regular is None:
        found.append("regular unparseable")
    if regular is not None and regular <= 0:
        found.append("regular not positive")
    if not _blank(row["observed_at"]) and not _date_ok(row["observed_at"]):
        found.append("bad date")
    for column in ("offer_price", "card_price"):
        value = row.get(column, "")
        if not _blank(value):
            parsed = _price(value)
            if parsed is None or parsed <= 0 or (regular is not None and parsed > regular):
                found.append(f"bad {column}")
    stock = row.get("stock_level", "")
    if not _blank(stock) and (not re.fullmatch(r"\d+", str(stock))):
        found.append("bad stock_level")
    ean = row.get("ean", "")
    if not _blank(ean) and not re.fullmatch(r"\d{8,14}", str(ean)):
        found.append("bad ean")
    return found


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _regular_index(prices, matches) -> dict[str, float]:
    """Mean over matched listings of (median regular price / our median regular price)."""
    medians = {}
    for source, frame in prices.items():
        parsed = frame["regular_price"].map(_price)
        ok = parsed.notna() & (frame["external_id"] != "")
        medians[source] = parsed[ok].astype(float).groupby(frame["external_id"][ok]).median()
    ours = medians["plaza-vea"]
    index = {}
    for source, frame in prices.items():
        retailer = frame["retailer"][frame["retailer"] != ""].iloc[0]
        known = matches[(matches.retailer == retailer) & (matches.sku != "")]
        ratio = medians[source].loc[known.external_id].to_numpy() / ours.loc[known.sku].to_numpy()
        index[source] = float(np.mean(ratio))
    return index


def test_writes_six_retailers_one_of_them_excel(retail):
    _, entries, _ = retail
    sources = [e.source for e in entries if e.kind == "prices"]
    assert len(sources) == 6
    assert {"plaza-vea", "tottus", "metro", "wong"} <= set(sources)
    suffixes = Counter(Path(e.path).suffix for e in entries if e.kind == "prices")
    assert suffixes == {".csv": 5, ".xlsx": 1}
    assert [e.kind for e in entries] == ["catalog"] + ["prices"] * 6 + ["sales", "promotions"]


def test_price_files_have_documented_columns(prices):
    for source, frame in prices.items():
        assert set(REQUIRED) <= set(frame.columns), source
        assert set(frame.columns) <= DOCUMENTED, source


def test_price_styles_differ_across_retailers(prices):
    samples = [str(frame["regular_price"].iloc[0]) for frame in prices.values()]
    assert any("," in s for s in samples)
    assert any(s.startswith("S/") for s in samples)
    assert any(re.fullmatch(r"\d+\.\d\d", s) for s in samples)


def test_planted_counts_match_the_files(retail, prices):
    out, entries, truth = retail
    bad_truth = pd.read_csv(out / truth["retail_bad_rows"])
    for entry in (e for e in entries if e.kind == "prices"):
        frame = prices[entry.source]
        assert len(frame) == entry.rows
        rows = frame.to_dict(orient="records")
        found = [_violations(row) for row in rows]
        bad = [k for k, v in enumerate(found) if v]
        assert len(bad) == entry.planted_bad_rows, entry.path
        assert all(len(found[k]) == 1 for k in bad), [found[k] for k in bad if len(found[k]) > 1]
        planted = bad_truth[bad_truth.path == entry.path]
        assert sorted(planted.row) == [k + 2 for k in bad]
        valid = frame[[not v for v in found]]
        keys = valid["external_id"].astype(str) + "|" + valid["observed_at"].astype(str)
        assert int(keys.duplicated().sum()) == entry.planted_duplicates, entry.path
        assert entry.planted_bad_rows >= 0.002 * entry.rows
        assert entry.planted_duplicates >= 0.0015 * entry.rows


def test_bad_rows_cover_every_kind_of_rule(retail):
    out, _, truth = retail
    rules = set(pd.read_csv(out / truth["retail_bad_rows"]).rule)
    assert rules == {
        "price_unparseable",
        "price_nonpositive",
        "missing_required",
        "impossible_date",
        "offer_above_regular",
        "negative_stock",
        "ean_letters",
    }


def test_outliers_are_valid_rows_written_in_the_files(retail, prices):
    out, _, truth = retail
    outliers = pd.read_csv(out / truth["retail_outliers"], dtype={"external_id": str})
    assert len(outliers) >= 12
    assert set(outliers.factor) <= {10.0, 0.1}
    by_name = {frame["retailer"].iloc[0]: frame for frame in prices.values()}
    for row in outliers.to_dict(orient="records"):
        frame = by_name[row["retailer"]]
        hits = frame[frame.external_id.astype(str) == row["external_id"]]
        written = [_price(v) for v in hits.regular_price]
        assert any(w == pytest.approx(row["regular_price"]) for w in written if w is not None)
        expected = row["true_regular_price"] * row["factor"]
        assert row["regular_price"] == pytest.approx(expected, abs=0.01)


def test_ground_truth_covers_every_listing(retail, prices, matches):
    out, _, _ = retail
    skus = set(pd.read_csv(out / "retail/catalog.csv", dtype=str).sku)
    assert set(matches.sku) - {""} <= skus
    for source, frame in prices.items():
        retailer = frame["retailer"][frame["retailer"] != ""].iloc[0]
        listed = set(frame.external_id.astype(str)) - {""}
        truth = matches[matches.retailer == retailer]
        assert listed == set(truth.external_id), source
        assert truth.external_id.is_unique
        carried = set(truth.sku) - {""}
        if source == "plaza-vea":
            assert carried == skus
            assert (truth.external_id == truth.sku).all()
        else:
            assert 0.45 <= len(carried) / len(skus) <= 0.99, source
            assert (truth.sku == "").sum() >= 3, source


def test_names_of_the_same_product_differ_across_retailers(prices, matches):
    last_names = {}
    for frame in prices.values():
        named = frame[(frame.name != "") & (frame.external_id != "")]
        retailer = named.retailer[named.retailer != ""].iloc[0]
        for eid, name in named.groupby("external_id").name.last().items():
            last_names[(retailer, str(eid))] = name
    known = matches[matches.sku != ""]
    names = known.assign(
        name=[last_names[(r, e)] for r, e in zip(known.retailer, known.external_id, strict=True)]
    )
    per_sku = names.groupby("sku").name.agg(["nunique", "size"])
    widely_sold = per_sku[per_sku["size"] >= 4]
    assert len(widely_sold) >= 20
    assert (widely_sold["nunique"] >= widely_sold["size"] - 1).mean() >= 0.9


def test_listing_names_are_unique_within_each_retailer(prices):
    for source, frame in prices.items():
        listed = frame[(frame.name != "") & (frame.external_id != "")]
        last = listed.groupby("external_id").name.last().map(_normalise)
        assert last.is_unique, source


def test_strategies_order_the_regular_price_index(retail, prices, matches):
    out, _, truth = retail
    strategies = pd.read_csv(out / truth["retail_strategies"])
    assert set(strategies.strategy) == {
        "market",
        "everyday_low_price",
        "high_low",
        "premium",
        "discounter",
    }
    index = _regular_index(prices, matches)
    slug = {frame["retailer"].iloc[0]: source for source, frame in prices.items()}
    by_strategy: dict[str, list[float]] = {}
    for row in strategies.to_dict(orient="records"):
        by_strategy.setdefault(row["strategy"], []).append(index[slug[row["retailer"]]])
    order = ["premium", "high_low", "market", "everyday_low_price", "discounter"]
    levels = [(min(by_strategy[s]), max(by_strategy[s])) for s in order]
    for (low, _), (_, high) in itertools.pairwise(levels):
        assert low > high
    assert 1.08 <= min(by_strategy["premium"]) <= 1.16
    assert 0.9 <= by_strategy["everyday_low_price"][0] <= 0.96


def test_high_low_runs_the_most_promotions(prices):
    share = {s: (f.promo_text != "").mean() for s, f in prices.items()}
    assert share["tottus"] == max(share.values())
    assert share["tottus"] > 2 * share["plaza-vea"] > 2 * share["metro"]


def test_promotions_match_ground_truth(retail, prices):
    out, entries, truth = retail
    records = json.loads((out / "retail/promotions.json").read_text(encoding="utf-8"))
    promos = pd.read_csv(out / truth["retail_promotions"], dtype={"external_id": str})
    assert len(records) == len(promos) == next(e.rows for e in entries if e.kind == "promotions")
    assert {"retailer", "external_id", "text", "starts_on", "ends_on", "name"} == set(records[0])
    assert [r["text"] for r in records] == list(promos.text)
    assert set(promos.promo_type) == {
        "percent_off",
        "amount_off",
        "multibuy",
        "nth_unit_discount",
        "card_price",
        "bundle",
    }
    assert promos.effective_discount.between(0.0, 1.0, inclusive="neither").all()
    assert (promos.ends_on >= promos.starts_on).all()
    exact = {"2x1": 0.5, "3x2": 0.3333, "2da unidad al 50%": 0.25}
    for text, discount in exact.items():
        rows = promos[promos.text == text]
        assert (rows.effective_discount == discount).all()
    texts = " | ".join(promos.text)
    for phrase in ("dscto.", "Precio Oh!", "Precio exclusivo CMR", "Antes S/", "Hasta agotar"):
        assert phrase in texts


def test_offers_and_card_prices_only_during_promotions(prices):
    for source, frame in prices.items():
        if "card_price" in frame:
            with_card = frame[frame.card_price != ""]
            assert (with_card.card_name != "").all(), source
            assert (with_card.promo_text != "").all(), source
        offers = frame[(frame.offer_price != "") & (frame.promo_text == "")]
        assert len(offers) <= 0.01 * len(frame), source


def test_stockouts_are_short_runs_marked_out_of_stock(retail, prices):
    out, _, truth = retail
    runs = pd.read_csv(out / truth["retail_stockouts"], dtype={"external_id": str})
    lengths = (pd.to_datetime(runs.ends_on) - pd.to_datetime(runs.starts_on)).dt.days + 1
    assert len(runs) >= 10
    assert lengths.between(1, 12).all()
    wong = prices["wong"]
    first = runs[runs.retailer == "Wong"].iloc[0]
    day = wong[
        (wong.external_id == first.external_id) & wong.observed_at.str.startswith(first.starts_on)
    ]
    assert set(day.in_stock) <= {"false", ""}


def test_shrinkflation_renames_the_listing(retail, prices):
    out, _, truth = retail
    shrinks = pd.read_csv(out / truth["retail_shrinkflation"], dtype={"external_id": str})
    ours = shrinks[shrinks.retailer == "Plaza Vea"]
    assert len(ours) >= 1
    frame = prices["plaza-vea"]
    dated = frame[frame.observed_at.map(_date_ok) & (frame["size"] != "")]
    for row in ours.to_dict(orient="records"):
        listing = dated[dated.external_id == row["external_id"]]
        before = listing[listing.observed_at < row["changed_on"]]["size"]
        after = listing[listing.observed_at >= row["changed_on"]]["size"]
        assert set(before) == {row["old_size"]}
        assert set(after) == {row["new_size"]}


def test_catalog_has_near_twin_hard_negatives(retail):
    out, _, _ = retail
    catalog = pd.read_csv(out / "retail/catalog.csv", dtype=str, keep_default_na=False)
    assert list(catalog.columns) == [
        "sku",
        "name",
        "brand",
        "category",
        "size",
        "ean",
        "unit_cost",
    ]
    assert catalog.sku.is_unique
    assert catalog.name.is_unique
    assert catalog.ean.is_unique
    twins = 0
    for _, group in catalog.groupby(["brand", "category"]):
        words = [set(_normalise(n).split()) for n in group.name]
        for k, mine in enumerate(words):
            if any(0 < len(mine ^ other) <= 2 for j, other in enumerate(words) if j != k):
                twins += 1
    assert twins >= 0.5 * len(catalog)
    categories = set(catalog.category)
    assert len(categories) >= 8
    brands = set(catalog.brand)
    assert len(brands) >= 20


def test_sales_follow_prices_and_promotions(retail):
    out, _, truth = retail
    sales = pd.read_csv(out / "retail/sales.csv", dtype={"sku": str})
    catalog = pd.read_csv(out / "retail/catalog.csv", dtype={"sku": str})
    assert list(sales.columns) == ["sku", "date", "price", "units", "revenue"]
    assert set(sales.sku) == set(catalog.sku)
    assert (sales.units >= 0).all()
    assert np.allclose(sales.revenue, sales.price * sales.units, atol=0.011)
    promos = pd.read_csv(out / truth["retail_promotions"], dtype={"external_id": str})
    ours = promos[promos.retailer == "Plaza Vea"]
    on_promo = set()
    for row in ours.to_dict(orient="records"):
        for day in pd.date_range(row["starts_on"], row["ends_on"]):
            on_promo.add((row["external_id"], day.date().isoformat()))
    flags = [(s, d) in on_promo for s, d in zip(sales.sku, sales.date, strict=True)]
    lift = sales.units[flags].mean() / sales.units[[not f for f in flags]].mean()
    assert lift > 1.2


@pytest.mark.slow
def test_same_seed_gives_identical_files_and_another_seed_does_not(retail, tmp_path):
    out, entries, truth = retail
    again, again_truth = generate_retail(tmp_path / "a", scale="small", seed=SEED, end_date=END)
    assert again == entries
    assert again_truth == truth
    for relative in [e.path for e in entries] + list(truth.values()):
        assert (tmp_path / "a" / relative).read_bytes() == (out / relative).read_bytes(), relative
    other, _ = generate_retail(tmp_path / "b", scale="small", seed=SEED + 1, end_date=END)
    tottus = next(e.path for e in other if e.source == "tottus")
    assert (tmp_path / "b" / tottus).read_bytes() != (out / tottus).read_bytes()


def test_rejects_unknown_scale_and_negative_seed(tmp_path):
    with pytest.raises(InputError, match="unknown scale"):
        generate_retail(tmp_path, scale="huge", seed=1, end_date=END)
    with pytest.raises(InputError, match="seed"):
        generate_retail(tmp_path, scale="small", seed=-1, end_date=END)
