"""Matching every retailer's listings to our catalog, with a review queue for unsure pairs.

:func:`propose_matches` runs :func:`pulso.pricing.matching.match_listings` once per retailer
(one listing per product and retailer) over the listings no analyst has confirmed yet, and
gives each proposed pair a review status:

* ``auto`` -- the EAN agrees, our own banner's listing carries the product's SKU as its id, or
  the score is at least :attr:`MatchPolicy.accept_threshold`;
* ``pending`` -- the score is between :attr:`MatchPolicy.review_threshold` and the accept
  threshold: the pair waits in the review queue for an analyst;
* pairs an analyst rejected are never proposed again, and listings or products an analyst
  confirmed are left out of matching.

Analyst decisions (``confirmed``/``rejected``) are the labels of the match classifier:
:func:`training_set` turns them into the arguments of
:func:`pulso.pricing.matching.train_match_classifier`.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from pulso.pricing.matching import LEFT_ID, RIGHT_ID, MatchClassifier, match_listings
from pulso.pricing.schemas import ListingSchema, MatchSchema, ProductSchema

__all__ = [
    "MatchPolicy",
    "MatchStatus",
    "TrainingSet",
    "evaluate_proposals",
    "propose_matches",
    "training_set",
    "training_split",
]

logger = logging.getLogger(__name__)

_MATCHER_ID, _MATCHER_NAME, _MATCHER_BRAND = "id", "name", "brand"
_MATCHER_EAN, _MATCHER_SIZE, _MATCHER_CATEGORY = "ean", "size", "category"
_PROPOSAL_COLUMNS = [
    MatchSchema.listing_id,
    MatchSchema.product_id,
    MatchSchema.method,
    MatchSchema.score,
    MatchSchema.status,
]


class MatchStatus(StrEnum):
    """Review status of a listing -> product pair (``product_match.status``)."""

    AUTO = "auto"
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """Score thresholds of the review queue and the least labels worth a classifier.

    A pair scoring at least ``accept_threshold`` is accepted (``auto``); one scoring at least
    ``review_threshold`` waits for review (``pending``); lower ones are not proposed. Below
    ``min_training_pairs`` confirmed pairs the rule-based scorer is used.
    """

    accept_threshold: float = 0.8
    review_threshold: float = 0.3
    min_training_pairs: int = 20


@dataclass(frozen=True, slots=True)
class TrainingSet:
    """Arguments of ``train_match_classifier``: confirmed pairs and the labelled rows."""

    pairs: pd.DataFrame
    products: pd.DataFrame
    listings: pd.DataFrame
    data_version: str

    def __len__(self) -> int:
        return len(self.pairs)


def propose_matches(
    products: pd.DataFrame,
    listings: pd.DataFrame,
    decisions: pd.DataFrame,
    *,
    classifier: MatchClassifier | None,
    policy: MatchPolicy,
) -> pd.DataFrame:
    """Proposed pairs for the listings without a confirmed match (see the module docstring).

    ``products`` follows :class:`ProductSchema`, ``listings`` :class:`ListingSchema`, and
    ``decisions`` holds the analysts' ``confirmed``/``rejected`` pairs (:class:`MatchSchema`).
    Returns ``listing_id, product_id, method, score, status`` (``auto`` or ``pending``).
    """
    products = ProductSchema.validate(products)
    listings = ListingSchema.validate(listings)
    decisions = MatchSchema.validate(decisions)
    confirmed = decisions[decisions[MatchSchema.status] == MatchStatus.CONFIRMED]
    rejected = set(_pair_keys(decisions[decisions[MatchSchema.status] == MatchStatus.REJECTED]))
    open_listings = listings[
        ~listings[ListingSchema.listing_id].isin(confirmed[MatchSchema.listing_id])
    ]
    taken = confirmed.merge(listings, on=MatchSchema.listing_id)
    frames = [
        _propose_for_retailer(
            products,
            group,
            taken_products=set(
                taken.loc[taken[ListingSchema.retailer_id] == retailer, MatchSchema.product_id]
            ),
            classifier=classifier,
            policy=policy,
        )
        for retailer, group in open_listings.groupby(ListingSchema.retailer_id, sort=True)
    ]
    proposals = pd.concat([_empty_proposals(), *frames], ignore_index=True)
    keep = [key not in rejected for key in _pair_keys(proposals)]
    return proposals.loc[keep].reset_index(drop=True)


def _propose_for_retailer(
    products: pd.DataFrame,
    listings: pd.DataFrame,
    *,
    taken_products: set[int],
    classifier: MatchClassifier | None,
    policy: MatchPolicy,
) -> pd.DataFrame:
    available = products[~products[ProductSchema.product_id].isin(taken_products)]
    by_sku = _own_sku_pairs(available, listings)
    rest = listings[~listings[ListingSchema.listing_id].isin(by_sku[MatchSchema.listing_id])]
    available = available[
        ~available[ProductSchema.product_id].isin(by_sku[MatchSchema.product_id])
    ]
    if rest.empty or available.empty:
        return by_sku
    matched = match_listings(
        _matcher_frame(
            available, id_column=ProductSchema.product_id, category=ProductSchema.category
        ),
        _matcher_frame(
            rest, id_column=ListingSchema.listing_id, category=ListingSchema.listing_category
        ),
        classifier=classifier,
        threshold=policy.review_threshold,
    )
    accepted = (matched["score"] >= policy.accept_threshold) | (matched["method"] == "ean")
    proposals = pd.DataFrame(
        {
            MatchSchema.listing_id: matched[RIGHT_ID].astype("int64"),
            MatchSchema.product_id: matched[LEFT_ID].astype("int64"),
            MatchSchema.method: matched["method"].astype(str),
            MatchSchema.score: matched["score"].astype("float64").clip(0.0, 1.0),
            MatchSchema.status: np.where(accepted, MatchStatus.AUTO, MatchStatus.PENDING),
        }
    )
    return pd.concat([by_sku, proposals], ignore_index=True)


def _own_sku_pairs(products: pd.DataFrame, listings: pd.DataFrame) -> pd.DataFrame:
    """Our own banner's listings whose external id is one of our SKUs."""
    own = listings[listings[ListingSchema.is_own]]
    sku_to_product = dict(
        zip(products[ProductSchema.sku], products[ProductSchema.product_id], strict=True)
    )
    product_ids = own[ListingSchema.external_id].map(sku_to_product)
    found = own.loc[product_ids.notna()]
    return pd.DataFrame(
        {
            MatchSchema.listing_id: found[ListingSchema.listing_id].astype("int64"),
            MatchSchema.product_id: product_ids.dropna().astype("int64"),
            MatchSchema.method: "sku",
            MatchSchema.score: 1.0,
            MatchSchema.status: str(MatchStatus.AUTO),
        }
    ).reset_index(drop=True)


def _matcher_frame(frame: pd.DataFrame, *, id_column: str, category: str) -> pd.DataFrame:
    """The ``id, name, brand, ean, size, category`` frame the matcher reads."""
    return pd.DataFrame(
        {
            _MATCHER_ID: frame[id_column].astype("int64").to_numpy(),
            _MATCHER_NAME: frame[ProductSchema.name].to_numpy(dtype=object),
            _MATCHER_BRAND: frame[ProductSchema.brand].to_numpy(dtype=object),
            _MATCHER_EAN: frame[ProductSchema.ean].to_numpy(dtype=object),
            _MATCHER_SIZE: frame[ProductSchema.size_text].to_numpy(dtype=object),
            _MATCHER_CATEGORY: frame[category].to_numpy(dtype=object),
        }
    )


def _empty_proposals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            MatchSchema.listing_id: pd.Series(dtype="int64"),
            MatchSchema.product_id: pd.Series(dtype="int64"),
            MatchSchema.method: pd.Series(dtype=object),
            MatchSchema.score: pd.Series(dtype="float64"),
            MatchSchema.status: pd.Series(dtype=object),
        }
    )


def _pair_keys(frame: pd.DataFrame) -> Iterable[tuple[int, int]]:
    return zip(
        frame[MatchSchema.listing_id].astype("int64").tolist(),
        frame[MatchSchema.product_id].astype("int64").tolist(),
        strict=True,
    )


def training_set(
    products: pd.DataFrame, listings: pd.DataFrame, decisions: pd.DataFrame
) -> TrainingSet:
    """The labelled data of the match classifier, from analyst decisions.

    Positives are the confirmed pairs. The labelled listings are those with a decision: the
    classifier takes every other candidate of a labelled listing as a negative, so a rejected
    pair is a negative, and so is every candidate of a listing with rejections only (read as
    "not in our catalog"). Our own banner's listings are left out (they match by SKU).
    ``data_version`` is a digest of the decisions, so an unchanged set is not retrained.
    """
    products = ProductSchema.validate(products)
    listings = ListingSchema.validate(listings)
    decisions = MatchSchema.validate(decisions)
    competitors = listings[~listings[ListingSchema.is_own]]
    decided = decisions[
        decisions[MatchSchema.status].isin([MatchStatus.CONFIRMED, MatchStatus.REJECTED])
        & decisions[MatchSchema.listing_id].isin(competitors[ListingSchema.listing_id])
    ]
    confirmed = decided[decided[MatchSchema.status] == MatchStatus.CONFIRMED]
    pairs = pd.DataFrame(
        {
            LEFT_ID: confirmed[MatchSchema.product_id].astype("int64").to_numpy(),
            RIGHT_ID: confirmed[MatchSchema.listing_id].astype("int64").to_numpy(),
        }
    )
    labelled = competitors[
        competitors[ListingSchema.listing_id].isin(decided[MatchSchema.listing_id])
    ]
    return TrainingSet(
        pairs=pairs,
        products=_matcher_frame(
            products, id_column=ProductSchema.product_id, category=ProductSchema.category
        ),
        listings=_matcher_frame(
            labelled, id_column=ListingSchema.listing_id, category=ListingSchema.listing_category
        ),
        data_version=_digest(decided),
    )


def _digest(decisions: pd.DataFrame) -> str:
    rows = sorted(
        zip(
            decisions[MatchSchema.listing_id].astype("int64").tolist(),
            decisions[MatchSchema.product_id].astype("int64").tolist(),
            decisions[MatchSchema.status].astype(str).tolist(),
            strict=True,
        )
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def training_split(keys: Iterable[str], *, share: float, salt: str = "pulso") -> list[bool]:
    """Deterministically put ``share`` of the ``keys`` into a training subset (True).

    A key's side depends only on the key and ``salt`` (a CRC-32 of both), so the same listing
    stays on the same side across runs, data sizes and machines.
    """
    cut = round(share * 10_000)
    return [zlib.crc32(f"{salt}|{key}".encode()) % 10_000 < cut for key in keys]


def evaluate_proposals(
    proposals: pd.DataFrame, truth: pd.DataFrame, *, listing_ids: Iterable[int]
) -> dict[str, float]:
    """Score proposals of the listings ``listing_ids`` against the true ``listing_id, product_id``.

    ``truth`` holds one row per listing with a counterpart; a listing of ``listing_ids``
    absent from it has none. Accepted pairs (``auto``) are the predictions: returns their
    ``precision``, ``recall`` and ``f1``; ``f1_with_pending`` counts the pending pairs as
    accepted too; ``wrong_product`` counts accepted pairs that name another product and
    ``no_counterpart_matched`` the listings without counterpart that were accepted (the hard
    negatives: other sizes, flavours, variants, private labels); ``pending`` counts the pairs
    waiting for review.
    """
    ids = {int(value) for value in listing_ids}
    truth = truth[truth[MatchSchema.listing_id].isin(ids)]
    proposals = proposals[proposals[MatchSchema.listing_id].isin(ids)]
    accepted = proposals[proposals[MatchSchema.status] == MatchStatus.AUTO]
    true_pairs = set(_pair_keys(truth))
    metrics = _precision_recall(set(_pair_keys(accepted)), true_pairs)
    metrics["f1_with_pending"] = _precision_recall(set(_pair_keys(proposals)), true_pairs)["f1"]
    with_counterpart = set(truth[MatchSchema.listing_id].astype("int64").tolist())
    matched_listings = accepted[MatchSchema.listing_id].astype("int64")
    metrics["no_counterpart_matched"] = float((~matched_listings.isin(with_counterpart)).sum())
    metrics["wrong_product"] = float(
        sum(key not in true_pairs for key in _pair_keys(accepted))
        - metrics["no_counterpart_matched"]
    )
    metrics["pending"] = float((proposals[MatchSchema.status] == MatchStatus.PENDING).sum())
    metrics["listings"] = float(len(ids))
    return metrics


def _precision_recall(
    predicted: set[tuple[int, int]], true: set[tuple[int, int]]
) -> dict[str, float]:
    correct = len(predicted & true)
    precision = correct / len(predicted) if predicted else 0.0
    recall = correct / len(true) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "n_true": float(len(true)),
        "n_pred": float(len(predicted)),
    }
