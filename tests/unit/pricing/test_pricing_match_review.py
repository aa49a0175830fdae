"""Proposed matches per retailer, the review queue, analyst decisions and their scoring."""

from __future__ import annotations

import pandas as pd
import pytest

from pulso.pricing.match_review import (
    MatchPolicy,
    evaluate_proposals,
    propose_matches,
    training_set,
    training_split,
)

PRODUCTS = pd.DataFrame(
    {
        "product_id": [1, 2, 3, 4],
        "sku": ["S1", "S2", "S3", "S4"],
        "name": [
            "Gaseosa INCA KOLA Botella 1.5L",
            "Gaseosa INCA KOLA Zero Botella 1.5L",
            "Leche GLORIA Evaporada Entera 400g",
            "Arroz COSTEÑO Extra 750g",
        ],
        "brand": ["Inca Kola", "Inca Kola", "Gloria", "Costeño"],
        "ean": [None, None, "7751271001111", None],
        "category": ["Bebidas", "Bebidas", "Lácteos", "Abarrotes"],
        "size_text": ["1.5 L", "1.5 L", "400 g", "750 g"],
    }
)
LISTINGS = pd.DataFrame(
    {
        "listing_id": [10, 11, 20, 21, 22, 23, 30],
        "retailer_id": [1, 1, 2, 2, 2, 2, 3],
        "is_own": [True, True, False, False, False, False, False],
        "external_id": ["S1", "S3", "a", "b", "c", "d", "x"],
        "name": [
            "Gaseosa INCA KOLA Botella 1.5L",
            "Leche GLORIA Evaporada Entera 400g",
            "Inca Kola 1,5 lt",
            "LECHE EVAP GLORIA ENTERA LATA 400 GR",
            "Inca Kola 500 ml",
            "Arroz Costeño Extra 750 g",
            "INCA KOLA ZERO 1500 ML",
        ],
        "brand": [None] * 7,
        "ean": [None, None, None, "7751271001111", None, None, None],
        "listing_category": [None] * 7,
        "size_text": [None] * 7,
    }
)
NO_DECISIONS = pd.DataFrame(
    {"listing_id": [], "product_id": [], "method": [], "score": [], "status": []}
)


def _pairs(frame: pd.DataFrame) -> set[tuple[int, int]]:
    return set(zip(frame["listing_id"], frame["product_id"], strict=True))


def test_every_retailer_is_matched_and_sizes_or_variants_never_match():
    proposals = propose_matches(
        PRODUCTS, LISTINGS, NO_DECISIONS, classifier=None, policy=MatchPolicy()
    )

    assert _pairs(proposals) == {(10, 1), (11, 3), (20, 1), (21, 3), (23, 4), (30, 2)}
    by_listing = proposals.set_index("listing_id")
    assert by_listing.loc[10, "method"] == "sku"
    assert by_listing.loc[21, "method"] == "ean"
    assert set(proposals["status"]) == {"auto"}


def test_scores_below_the_accept_threshold_wait_for_review():
    policy = MatchPolicy(accept_threshold=1.01, review_threshold=0.3)

    proposals = propose_matches(PRODUCTS, LISTINGS, NO_DECISIONS, classifier=None, policy=policy)
    status = proposals.set_index("listing_id")["status"]

    assert status[20] == "pending"
    assert status[21] == "auto"  # EAN pairs never wait
    assert status[10] == "auto"  # our own SKU


def test_decisions_are_respected():
    decisions = pd.DataFrame(
        {
            "listing_id": [20, 23],
            "product_id": [1, 4],
            "method": ["rules", "rules"],
            "score": [0.9, 0.9],
            "status": ["rejected", "confirmed"],
        }
    )

    proposals = propose_matches(
        PRODUCTS, LISTINGS, decisions, classifier=None, policy=MatchPolicy()
    )

    assert (20, 1) not in _pairs(proposals)  # rejected: never proposed again
    assert 23 not in set(proposals["listing_id"])  # confirmed: left alone


def test_training_set_holds_the_decided_competitor_listings():
    decisions = pd.DataFrame(
        {
            "listing_id": [20, 22, 10],
            "product_id": [1, 1, 1],
            "method": ["x"] * 3,
            "score": [1.0] * 3,
            "status": ["confirmed", "rejected", "confirmed"],
        }
    )

    training = training_set(PRODUCTS, LISTINGS, decisions)

    assert training.pairs.to_dict("records") == [{"left_id": 1, "right_id": 20}]
    assert sorted(training.listings["id"]) == [20, 22]
    assert len(training.products) == 4
    assert training.data_version == training_set(PRODUCTS, LISTINGS, decisions).data_version
    changed = decisions.assign(status=["confirmed", "confirmed", "confirmed"])
    assert training_set(PRODUCTS, LISTINGS, changed).data_version != training.data_version


def test_training_split_is_deterministic_and_close_to_the_share():
    keys = [f"Tottus|{n}" for n in range(2000)]

    first = training_split(keys, share=0.3)

    assert first == training_split(keys, share=0.3)
    assert sum(first) / len(keys) == pytest.approx(0.3, abs=0.03)
    assert not any(training_split(keys, share=0.0))


def test_evaluation_counts_wrong_pairs_and_hard_negatives():
    proposals = pd.DataFrame(
        {
            "listing_id": [1, 2, 3, 4, 5],
            "product_id": [10, 20, 31, 40, 50],
            "method": ["model"] * 5,
            "score": [0.9] * 5,
            "status": ["auto", "auto", "auto", "auto", "pending"],
        }
    )
    truth = pd.DataFrame({"listing_id": [1, 2, 3, 5], "product_id": [10, 20, 30, 50]})

    metrics = evaluate_proposals(proposals, truth, listing_ids=[1, 2, 3, 4, 5])

    assert metrics["precision"] == pytest.approx(2 / 4)
    assert metrics["recall"] == pytest.approx(2 / 4)
    assert metrics["wrong_product"] == 1
    assert metrics["no_counterpart_matched"] == 1
    assert metrics["pending"] == 1
    assert metrics["f1_with_pending"] == pytest.approx(2 * (3 / 5) * (3 / 4) / (3 / 5 + 3 / 4))
