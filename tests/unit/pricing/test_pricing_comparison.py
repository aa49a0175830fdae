"""Price gaps, unit prices, category mapping and the weekly price index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pulso.pricing.comparison import (
    accepted_matches,
    compare_prices,
    listing_categories,
    unit_sizes,
)
from pulso.pricing.price_index import ALL_CATEGORIES, compute_price_index, product_weights

PRODUCTS = pd.DataFrame(
    {
        "product_id": [1, 2, 3],
        "sku": ["S1", "S2", "S3"],
        "name": ["Leche GLORIA 400g", "Arroz COSTEÑO 750g", "Detergente ARIEL 380g"],
        "brand": ["Gloria", "Costeño", "Ariel"],
        "ean": [None, None, None],
        "category": ["Lácteos", "Abarrotes", "Limpieza"],
        "size_text": ["400 g", "750 g", "380 g"],
    }
)
LISTINGS = pd.DataFrame(
    {
        "listing_id": [10, 11, 12, 20, 21, 22, 23],
        "retailer_id": [1, 1, 1, 2, 2, 2, 2],
        "is_own": [True, True, True, False, False, False, False],
        "external_id": ["S1", "S2", "S3", "a", "b", "c", "d"],
        "name": [
            "Leche GLORIA 400g",
            "Arroz COSTEÑO 750g",
            "Detergente ARIEL 380g",
            "Leche Gloria 400 g",
            "Arroz Costeño 750 g",
            "Detergente Ariel 400 g",
            "Arroz Marca Propia 750 g",
        ],
        "brand": [None] * 7,
        "ean": [None] * 7,
        "listing_category": [None, None, None, "Lácteos y Huevos", "Despensa", None, "Despensa"],
        "size_text": ["400 g", "750 g", "380 g", None, None, "400 g", None],
    }
)
MATCHES = pd.DataFrame(
    {
        "listing_id": [10, 11, 12, 20, 21, 22, 21],
        "product_id": [1, 2, 3, 1, 2, 3, 3],
        "method": ["sku", "sku", "sku", "model", "model", "ean", "model"],
        "score": [1.0, 1.0, 1.0, 0.95, 0.9, 1.0, 0.4],
        "status": ["auto", "auto", "auto", "auto", "confirmed", "auto", "pending"],
    }
)


def _latest(rows: dict[int, tuple[float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": pd.Timestamp("2026-11-15"),
            "regular_pen": [row[0] for row in rows.values()],
            "shelf_pen": [row[1] for row in rows.values()],
            "card_pen": [row[2] for row in rows.values()],
            "in_stock": pd.array([True] * len(rows), dtype="boolean"),
        },
        index=pd.Index(list(rows), name="listing_id"),
    )


def test_accepted_matches_leave_pending_pairs_out():
    accepted = accepted_matches(MATCHES)

    assert set(zip(accepted["listing_id"], accepted["product_id"], strict=True)) == {
        (10, 1),
        (11, 2),
        (12, 3),
        (20, 1),
        (21, 2),
        (22, 3),
    }


def test_listing_categories_map_retailer_categories_to_ours():
    categories = listing_categories(LISTINGS, MATCHES, PRODUCTS)

    assert categories[20] == "Lácteos"
    assert categories[23] == "Abarrotes"  # unmatched, but "Despensa" holds our Abarrotes
    assert categories[22] == "Limpieza"


def test_unit_sizes_read_the_size_text_or_the_name():
    sizes = unit_sizes(
        ["1,5 lt", None, "6 x 355 ml", None], [None, "Huevos x 12", "x", "sin talla"]
    )

    assert sizes["unit_measure"].iloc[:3].tolist() == ["l", "un", "l"]
    assert pd.isna(sizes["unit_measure"].iloc[3])
    assert sizes["unit_quantity"].iloc[:3].tolist() == pytest.approx([1.5, 12.0, 2.13])
    assert np.isnan(sizes["unit_quantity"].iloc[3])


def test_gaps_keep_regular_shelf_and_card_apart():
    latest = _latest(
        {
            10: (5.00, 5.00, 5.00),
            11: (4.00, 4.00, 3.60),
            12: (10.00, 10.00, 10.00),
            20: (5.50, 4.40, 4.40),
            21: (3.80, 3.80, 3.80),
            22: (10.00, 9.00, 8.50),
        }
    )
    gaps = compare_prices(
        latest,
        listings=LISTINGS,
        products=PRODUCTS,
        matches=MATCHES,
        categories=listing_categories(LISTINGS, MATCHES, PRODUCTS),
        key_items={1},
    ).set_index("listing_id")

    assert set(gaps.index) == {20, 21, 22}
    milk = gaps.loc[20]
    assert milk["gap_regular_pen"] == pytest.approx(0.50)
    assert milk["gap_regular_pct"] == pytest.approx(10.0)
    assert milk["gap_shelf_pct"] == pytest.approx(-12.0)
    assert bool(milk["key_item"]) is True
    rice = gaps.loc[21]
    assert rice["gap_card_pct"] == pytest.approx(round((3.8 / 3.6 - 1) * 100, 2))
    assert rice["match_status"] == "confirmed"


def test_a_bigger_pack_at_the_same_price_is_cheaper_per_kg():
    latest = _latest({12: (10.0, 10.0, 10.0), 22: (10.0, 10.0, 10.0)})
    gaps = compare_prices(
        latest,
        listings=LISTINGS,
        products=PRODUCTS,
        matches=MATCHES,
        categories=pd.Series(dtype=object),
    ).set_index("listing_id")

    detergent = gaps.loc[22]
    assert detergent["gap_shelf_pct"] == 0.0
    assert bool(detergent["size_differs"]) is True
    assert detergent["unit_measure"] == "kg"
    assert detergent["our_unit_price_pen"] == pytest.approx(10.0 / 0.38, abs=1e-3)
    assert detergent["their_unit_price_pen"] == pytest.approx(25.0)
    assert detergent["gap_unit_pct"] == pytest.approx((25.0 / (10.0 / 0.38) - 1) * 100, abs=0.01)
    assert detergent["category"] == "Limpieza"


def test_our_sales_price_stands_in_when_we_have_no_listing():
    latest = _latest({20: (5.5, 5.5, 5.5)})
    own = MATCHES[MATCHES["listing_id"] != 10]
    sales = pd.DataFrame(
        {
            "product_id": [1, 1],
            "day": pd.to_datetime(["2026-11-14", "2026-11-15"]),
            "price_pen": [4.0, 5.0],
            "units_sold": [3, 4],
        }
    )
    gaps = compare_prices(
        latest,
        listings=LISTINGS,
        products=PRODUCTS,
        matches=own,
        categories=pd.Series(dtype=object),
        own_sales=sales,
    )

    assert gaps["our_regular_pen"].tolist() == [5.0]
    assert gaps["gap_regular_pct"].tolist() == [10.0]


def test_price_index_is_the_weighted_mean_of_price_ratios():
    weekly = pd.DataFrame(
        {
            "listing_id": [10, 11, 20, 21, 10, 20],
            "week": pd.to_datetime(["2026-11-02"] * 4 + ["2026-11-09"] * 2),
            "regular_pen": [10.0, 20.0, 11.0, 18.0, 10.0, 12.0],
            "shelf_pen": [10.0, 20.0, 11.0, 18.0, 8.0, 12.0],
        }
    )
    pairs = pd.DataFrame(
        {
            "listing_id": [10, 11, 20, 21],
            "product_id": [1, 2, 1, 2],
            "retailer_id": [1, 1, 2, 2],
            "is_own": [True, True, False, False],
        }
    )
    weights = pd.Series({1: 3.0, 2: 1.0, 3: 1.0})
    categories = pd.Series({1: "Lácteos", 2: "Abarrotes", 3: "Limpieza"})

    index = compute_price_index(weekly, pairs, weights=weights, categories=categories)
    overall = index[index["category"] == ALL_CATEGORIES].set_index("week")

    first = overall.loc[pd.Timestamp("2026-11-02")]
    assert first["index_regular"] == pytest.approx(100 * (3 * 1.1 + 1 * 0.9) / 4)
    assert first["n_products"] == 2
    assert first["weight_share"] == pytest.approx(4 / 5)
    second = overall.loc[pd.Timestamp("2026-11-09")]
    assert second["index_regular"] == pytest.approx(120.0)
    assert second["index_shelf"] == pytest.approx(150.0)
    dairy = index[(index["category"] == "Lácteos") & (index["week"] == "2026-11-02")]
    assert dairy["index_regular"].tolist() == pytest.approx([110.0])
    assert set(index["retailer_id"]) == {2}


def test_product_weights_fall_back_to_the_median():
    sales = pd.DataFrame({"product_id": [1, 1, 2], "units_sold": [2, 3, 9]})

    weights = product_weights(pd.Series([1, 2, 3]), sales)

    assert weights.to_dict() == {1: 5.0, 2: 9.0, 3: 7.0}
    assert product_weights(pd.Series([1]), sales.iloc[0:0]).to_dict() == {1: 1.0}
