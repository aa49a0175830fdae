"""Retail pipeline steps: matching, promotions, price comparison, strategy clusters, alerts.

Order (``after=``)::

    match_listings ──┬─> price_comparison ──┬─> promo_stats ──> cluster_competitors
    parse_promotions ┴──────────────────────┴─> alerts

Each step loads its frames (``pulso.store.queries.retail``), calls the domain code in
``pulso.pricing`` and replaces the rows it owns in one transaction, so a re-run writes the
same rows. On the demo data (``ground_truth/`` under ``params["demo_dir"]`` or
``data_dir/demo``) the steps also score themselves against the planted truth; matching seeds
analyst confirmations from the truth for a training subset of the competitor listings only
(:data:`DEMO_TRAINING_SHARE` of them, chosen by a hash of retailer and id) and reports its
figures on the other, held-out listings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]
import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from pulso.pipelines.registry import StepContext, StepResult, step
from pulso.pricing import alerts as alert_rules
from pulso.pricing.clustering import (
    CLUSTER_FEATURES,
    Method,
    StrategyClusterer,
    name_clusters,
    strategy_features,
)
from pulso.pricing.comparison import accepted_matches, compare_prices, listing_categories
from pulso.pricing.match_review import (
    MatchPolicy,
    MatchStatus,
    TrainingSet,
    evaluate_proposals,
    propose_matches,
    training_set,
    training_split,
)
from pulso.pricing.matching import MatchClassifier, train_match_classifier
from pulso.pricing.panel import (
    DEFAULT_TIMEZONE,
    build_panel,
    detect_price_anomalies,
    latest_prices,
    listing_activity,
    week_start,
    weekly_prices,
)
from pulso.pricing.price_index import compute_price_index, product_weights
from pulso.pricing.promotions import parse_promotions as parse_promotion_texts
from pulso.pricing.promotions import promo_calendar, promo_stats, promotion_runs, unseen_runs
from pulso.store.bulk import insert_ignore, upsert
from pulso.store.queries import retail as queries
from pulso.store.tables import Alert, ModelVersion, PriceObservation, ProductMatch, Promotion
from pulso.store.tables_retail import (
    InsightListingActivity,
    InsightPriceAnomaly,
    InsightPriceGap,
    InsightPriceIndex,
    InsightPromoCalendar,
    InsightPromoStats,
    InsightStrategyCluster,
)

__all__ = [
    "DEMO_SEEDER",
    "DEMO_TRAINING_SHARE",
    "alerts",
    "cluster_competitors",
    "match_listings",
    "parse_promotions",
    "price_comparison",
    "promo_stats_step",
]

logger = logging.getLogger(__name__)

AREA = "retail"
MATCHER_MODEL = "product_matcher"
CLUSTER_MODEL = "strategy_clusters"
DEMO_SEEDER = "demo-ground-truth"
DEMO_TRAINING_SHARE = 0.3
_KEY_ITEM_DAYS = 90


# --- shared plumbing ------------------------------------------------------------------------


def _param(context: StepContext, name: str, default: Any) -> Any:
    return context.params.get(name, default)


def _truth_file(context: StepContext, name: str) -> Path | None:
    root = Path(_param(context, "demo_dir", context.data_dir / "demo"))
    path = root / "ground_truth" / f"{name}.csv"
    return path if path.is_file() else None


def _read_truth(context: StepContext, name: str) -> pd.DataFrame | None:
    path = _truth_file(context, name)
    return None if path is None else pd.read_csv(path, dtype=str, keep_default_na=False)


def _replace(connection: Connection, table: Any, frame: pd.DataFrame, *, key: list[str]) -> int:
    """Delete every row of ``table`` and insert ``frame`` (inside the caller's transaction)."""
    connection.execute(delete(table))
    return insert_ignore(connection, table, frame, conflict=key)


def _as_dates(values: pd.Series) -> pd.Series:
    return pd.Series(
        [None if pd.isna(value) else pd.Timestamp(value).date() for value in values],
        index=values.index,
        dtype=object,
    )


def _thread_limit(context: StepContext) -> Any:
    """Cap native thread pools (OpenMP, BLAS) while fitting: on small machines shared by
    several processes, gradient boosting and K-means spin-wait and run up to 10x slower."""
    return threadpool_limits(limits=int(_param(context, "threads", 1)))


def _timezone(context: StepContext) -> str:
    return str(_param(context, "timezone", DEFAULT_TIMEZONE))


def _pairs(matches: pd.DataFrame, listings: pd.DataFrame) -> pd.DataFrame:
    """Accepted matches with each listing's retailer and whether it is ours."""
    return accepted_matches(matches).merge(
        listings[["listing_id", "retailer_id", "is_own", "retailer_name"]], on="listing_id"
    )


# --- model registry -------------------------------------------------------------------------


def _find_model(context: StepContext, name: str, data_version: str) -> tuple[int, Path] | None:
    with context.engine.connect() as connection:
        row = connection.execute(
            select(ModelVersion.version, ModelVersion.artifact_uri)
            .where(ModelVersion.name == name, ModelVersion.data_version == data_version)
            .order_by(ModelVersion.version.desc())
        ).first()
    if row is None or row.artifact_uri is None or not Path(row.artifact_uri).is_file():
        return None
    return int(row.version), Path(row.artifact_uri)


def _register_model(
    context: StepContext,
    name: str,
    *,
    save: Callable[[Path], Path],
    params: dict[str, Any],
    metrics: dict[str, Any],
    data_version: str,
) -> int:
    """Save a new version under ``data_dir/models/<name>/<version>/`` and make it production."""
    with context.engine.begin() as connection:
        latest = connection.scalar(
            select(func.max(ModelVersion.version)).where(ModelVersion.name == name)
        )
        version = int(latest or 0) + 1
        folder = context.data_dir / "models" / name / str(version)
        folder.mkdir(parents=True, exist_ok=True)
        artifact = save(folder / "model.joblib")
        connection.execute(
            update(ModelVersion)
            .where(ModelVersion.name == name, ModelVersion.stage == "production")
            .values(stage="archived")
        )
        connection.execute(
            insert(ModelVersion).values(
                name=name,
                version=version,
                stage="production",
                created_at=datetime.now(UTC),
                params=params,
                metrics=metrics,
                artifact_uri=str(artifact.resolve()),
                data_version=data_version,
            )
        )
    logger.info("registered %s version %d", name, version)
    return version


def _update_metrics(
    context: StepContext, name: str, version: int, metrics: dict[str, Any]
) -> None:
    with context.engine.begin() as connection:
        stored = connection.scalar(
            select(ModelVersion.metrics).where(
                ModelVersion.name == name, ModelVersion.version == version
            )
        )
        connection.execute(
            update(ModelVersion)
            .where(ModelVersion.name == name, ModelVersion.version == version)
            .values(metrics={**(stored or {}), **metrics})
        )


# --- match_listings -------------------------------------------------------------------------


def _match_truth(
    context: StepContext, listings: pd.DataFrame, products: pd.DataFrame
) -> pd.DataFrame | None:
    """The demo's true pairs of competitor listings: ``listing_id, product_id (or NA), train``."""
    truth = _read_truth(context, "retail_matches")
    if truth is None:
        return None
    competitors = listings[~listings["is_own"]]
    frame = truth.merge(
        competitors[["listing_id", "retailer_name", "external_id"]],
        left_on=["retailer", "external_id"],
        right_on=["retailer_name", "external_id"],
    )
    sku_to_product = dict(zip(products["sku"], products["product_id"], strict=True))
    share = float(_param(context, "training_share", DEMO_TRAINING_SHARE))
    keys = (frame["retailer"] + "|" + frame["external_id"]).tolist()
    return pd.DataFrame(
        {
            "listing_id": frame["listing_id"].astype("int64"),
            "product_id": frame["sku"].map(sku_to_product).astype("Int64"),
            "train": training_split(keys, share=share),
        }
    )


def _demo_seeds(truth: pd.DataFrame | None, stored: pd.DataFrame) -> pd.DataFrame:
    """Confirmed pairs for the training subset, once (none when already seeded)."""
    if truth is None or (stored["decided_by"] == DEMO_SEEDER).any():
        return stored.iloc[0:0]
    seeds = truth[truth["train"] & truth["product_id"].notna()]
    return pd.DataFrame(
        {
            "listing_id": seeds["listing_id"].astype("int64"),
            "product_id": seeds["product_id"].astype("int64"),
            "method": "ground_truth",
            "score": 1.0,
            "status": str(MatchStatus.CONFIRMED),
            "decided_by": DEMO_SEEDER,
        }
    )


def _matcher(
    context: StepContext, training: TrainingSet, policy: MatchPolicy
) -> tuple[MatchClassifier | None, int | None]:
    """The production classifier for these labels: reused, trained, or none (rules)."""
    if len(training) < policy.min_training_pairs:
        logger.info("%d confirmed pairs: matching with rules", len(training))
        return None, None
    found = _find_model(context, MATCHER_MODEL, training.data_version)
    if found is not None:
        return MatchClassifier.load(found[1]), found[0]
    classifier = train_match_classifier(
        training.pairs, training.products, training.listings, seed=context.seed
    )
    version = _register_model(
        context,
        MATCHER_MODEL,
        save=classifier.save,
        params={
            "model": classifier.model,
            "accept_threshold": policy.accept_threshold,
            "review_threshold": policy.review_threshold,
            "seed": context.seed,
        },
        metrics={"training_pairs": len(training), "labelled_listings": len(training.listings)},
        data_version=training.data_version,
    )
    return classifier, version


def _match_quality(
    proposals: pd.DataFrame, truth: pd.DataFrame, listings: pd.DataFrame, products: pd.DataFrame
) -> dict[str, Any]:
    """Precision/recall/F1 on the held-out listings, overall and by name only (no EAN)."""
    held = truth[~truth["train"]]
    pairs = held.dropna(subset=["product_id"]).astype({"product_id": "int64"})
    overall = evaluate_proposals(proposals, pairs, listing_ids=held["listing_id"])
    with_ean = set(products.loc[products["ean"].notna(), "product_id"])
    listing_ean = listings.set_index("listing_id")["ean"]
    no_ean = held[held["listing_id"].map(listing_ean).isna() | ~held["product_id"].isin(with_ean)]
    by_name = evaluate_proposals(proposals, pairs, listing_ids=no_ean["listing_id"])
    return {"heldout_" + name: round(value, 4) for name, value in overall.items()} | {
        "heldout_names_only_" + name: round(value, 4) for name, value in by_name.items()
    }


def _store_proposals(connection: Connection, proposals: pd.DataFrame, stored: pd.DataFrame) -> int:
    """Replace the undecided pairs by ``proposals``, keeping the ids of pairs proposed again
    (an analyst holding an id from the review queue still decides on the same pair)."""
    undecided = stored[stored["status"].isin([MatchStatus.AUTO, MatchStatus.PENDING])]
    proposed = set(zip(proposals["listing_id"], proposals["product_id"], strict=True))
    stale = [
        int(match_id)
        for match_id, listing, product in zip(
            undecided["match_id"], undecided["listing_id"], undecided["product_id"], strict=True
        )
        if (listing, product) not in proposed
    ]
    for start in range(0, len(stale), 500):
        connection.execute(
            delete(ProductMatch).where(ProductMatch.id.in_(stale[start : start + 500]))
        )
    inserted, updated = upsert(
        connection,
        ProductMatch,
        proposals,
        conflict=["listing_id", "product_id"],
        update=["method", "score", "status"],
    )
    return inserted + updated


@step("match_listings", area=AREA)
def match_listings(context: StepContext) -> StepResult:
    """Match every listing to our catalog (EAN, else the classifier); unsure pairs to review."""
    policy = MatchPolicy(
        accept_threshold=float(_param(context, "accept_threshold", 0.8)),
        review_threshold=float(_param(context, "review_threshold", 0.3)),
    )
    with context.engine.connect() as connection:
        products = queries.load_products(connection)
        listings = queries.load_listings(connection)
        stored = queries.load_matches(connection)
    truth = _match_truth(context, listings, products)
    seeds = _demo_seeds(truth, stored)
    decided = stored[stored["status"].isin([MatchStatus.CONFIRMED, MatchStatus.REJECTED])]
    decisions = pd.concat([decided, seeds], ignore_index=True)
    training = training_set(products, listings, decisions)
    with _thread_limit(context):
        classifier, version = _matcher(context, training, policy)
        proposals = propose_matches(
            products, listings, decisions, classifier=classifier, policy=policy
        )
    now = pd.Timestamp(datetime.now(UTC))
    with context.engine.begin() as connection:
        written = _store_proposals(connection, proposals, stored)
        seeded = insert_ignore(
            connection,
            ProductMatch,
            seeds.assign(decided_at=now),
            conflict=["listing_id", "product_id"],
        )
    detail: dict[str, Any] = {
        "scorer": "rules" if classifier is None else "model",
        "model_version": version,
        "training_pairs": len(training),
        "seeded_confirmations": seeded,
        "auto": int((proposals["status"] == MatchStatus.AUTO).sum()),
        "pending": int((proposals["status"] == MatchStatus.PENDING).sum()),
        "listings": len(listings),
    }
    if truth is not None:
        analysts = decided[decided["status"] == MatchStatus.CONFIRMED]
        accepted = pd.concat([proposals, analysts.assign(status=str(MatchStatus.AUTO))])
        detail |= _match_quality(accepted, truth, listings, products)
        if version is not None:
            _update_metrics(context, MATCHER_MODEL, version, detail)
    logger.info("match_listings: %s", detail)
    return StepResult(rows_written=seeded + written, detail=detail)


# --- parse_promotions -----------------------------------------------------------------------


def _local_days(values: pd.Series, timezone: str) -> pd.Series:
    local = values.dt.tz_convert(timezone).dt.tz_localize(None)
    return pd.Series(local.dt.normalize(), index=values.index)


def _start_prices(promotions: pd.DataFrame, texts: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Regular price and observed card/offer discount on each promotion's first day."""
    daily = texts.sort_values("day").drop_duplicates(["listing_id", "day"], keep="last")
    daily = daily.set_index(["listing_id", "day"])
    keys = pd.MultiIndex.from_arrays(
        [promotions["listing_id"], pd.to_datetime(promotions["starts_on"])]
    )
    found = daily.reindex(keys)
    regular = found["regular_price_pen"]
    lowest = np.fmin(found["offer_price_pen"].to_numpy(), found["card_price_pen"].to_numpy())
    discount = 1.0 - lowest / regular.to_numpy()
    index = promotions.index
    return pd.Series(regular.to_numpy(), index=index), pd.Series(discount, index=index)


def _changed(stored: pd.DataFrame, parsed: pd.DataFrame) -> pd.Series:
    old = stored["effective_discount"].astype(float)
    new = parsed["effective_discount"].astype(float)
    same_discount = (old.isna() & new.isna()) | ((old - new).abs() < 1e-9)
    return (stored["promo_type"].astype(object) != parsed["promo_type"]) | ~same_discount


def _promo_truth_scores(
    context: StepContext, promotions: pd.DataFrame, listings: pd.DataFrame
) -> dict[str, Any]:
    truth = _read_truth(context, "retail_promotions")
    if truth is None:
        return {}
    named = promotions.merge(
        listings[["listing_id", "retailer_name", "external_id"]], on="listing_id"
    )
    named = named.assign(starts=pd.to_datetime(named["starts_on"]).dt.strftime("%Y-%m-%d"))
    joined = truth.merge(
        named,
        left_on=["retailer", "external_id", "starts_on", "text"],
        right_on=["retailer_name", "external_id", "starts", "raw_text"],
    )
    expected = pd.to_numeric(joined["effective_discount_x"], errors="coerce")
    got = joined["effective_discount_y"].astype(float)
    return {
        "truth_promotions": len(truth),
        "truth_found": len(joined),
        "type_accuracy": round(
            float((joined["promo_type_x"] == joined["promo_type_y"]).mean()), 4
        ),
        "discount_within_0_01": round(float(((expected - got).abs() <= 0.01).mean()), 4),
    }


@step("parse_promotions", area=AREA)
def parse_promotions(context: StepContext) -> StepResult:
    """Parse promotion texts (type, parameters, effective discount); derive runs from prices."""
    timezone = _timezone(context)
    with context.engine.connect() as connection:
        texts = queries.load_promo_texts(connection)
        stored = queries.load_promotions(connection)
        listings = queries.load_listings(connection)
    texts["day"] = _local_days(texts["observed_at"], timezone)
    imported = stored[stored["run_id"].notna()]
    runs = unseen_runs(promotion_runs(texts), imported)
    files_parsed = _parse(imported, texts)
    runs_parsed = _parse(runs, texts)
    changed = imported[_changed(imported, files_parsed)]
    derived = runs.join(runs_parsed).assign(
        starts_on=lambda f: _as_dates(f["starts_on"]), ends_on=lambda f: _as_dates(f["ends_on"])
    )
    with context.engine.begin() as connection:
        connection.execute(delete(Promotion).where(Promotion.run_id.is_(None)))
        inserted = insert_ignore(
            connection, Promotion, derived, conflict=["listing_id", "raw_text", "starts_on"]
        )
        if len(changed):
            updates = files_parsed.loc[changed.index].assign(pid=changed["promotion_id"])
            connection.execute(
                update(Promotion)
                .where(Promotion.id == bindparam("pid"))
                .values(
                    promo_type=bindparam("promo_type"),
                    parameters=bindparam("parameters"),
                    effective_discount=bindparam("effective_discount"),
                ),
                [_update_row(row) for row in updates.to_dict("records")],
            )
    everything = pd.concat([imported.assign(**files_parsed), derived], ignore_index=True)
    detail = {
        "imported": len(imported),
        "derived_from_prices": inserted,
        "updated": len(changed),
        "unknown": int((everything["promo_type"] == "unknown").sum()),
    } | _promo_truth_scores(context, everything, listings)
    logger.info("parse_promotions: %s", detail)
    return StepResult(rows_written=inserted + len(changed), detail=detail)


def _parse(promotions: pd.DataFrame, texts: pd.DataFrame) -> pd.DataFrame:
    regular, seen = _start_prices(promotions, texts)
    return parse_promotion_texts(promotions, regular_prices=regular, observed_discounts=seen)


def _update_row(row: dict[Hashable, Any]) -> dict[str, Any]:
    discount = row["effective_discount"]
    return {
        "pid": int(row["pid"]),
        "promo_type": row["promo_type"],
        "parameters": row["parameters"],
        "effective_discount": None if pd.isna(discount) else float(discount),
    }


# --- price_comparison -----------------------------------------------------------------------


def _card_names(connection: Connection) -> pd.Series:
    frame = queries.read_frame(
        connection,
        select(
            PriceObservation.listing_id, func.max(PriceObservation.card_name).label("card_name")
        )
        .where(PriceObservation.card_name.is_not(None))
        .group_by(PriceObservation.listing_id),
    )
    return frame.set_index("listing_id")["card_name"]


def _own_weekly(sales: pd.DataFrame) -> pd.DataFrame:
    """Our paid price per product and week from sales (for products without our listing)."""
    if sales.empty:
        return pd.DataFrame(columns=["product_id", "week", "regular_pen", "shelf_pen"])
    weekly = (
        sales.assign(week=week_start(sales["day"]))
        .groupby(["product_id", "week"])["price_pen"]
        .mean()
    )
    frame = weekly.rename("shelf_pen").reset_index()
    return frame.assign(regular_pen=frame["shelf_pen"])


def _activity_rows(
    activity: pd.DataFrame,
    latest: pd.DataFrame,
    *,
    listings: pd.DataFrame,
    pairs: pd.DataFrame,
    categories: pd.Series,
    anomalies: pd.DataFrame,
) -> pd.DataFrame:
    frame = activity.join(latest[["regular_pen", "shelf_pen", "in_stock"]], how="left")
    frame = frame.reset_index()
    retailer = listings.set_index("listing_id")["retailer_id"]
    product = pairs.drop_duplicates("listing_id").set_index("listing_id")["product_id"]
    counts = anomalies.groupby("listing_id").size()
    return pd.DataFrame(
        {
            "listing_id": frame["listing_id"].astype("int64"),
            "retailer_id": frame["listing_id"].map(retailer).astype("int64"),
            "product_id": frame["listing_id"].map(product).astype("Int64"),
            "category": frame["listing_id"].map(categories),
            "first_day": _as_dates(frame["first_day"]),
            "last_day": _as_dates(frame["last_day"]),
            "days_observed": frame["days_observed"].astype("int64"),
            "stockout_rate": frame["stockout_rate"].round(5),
            "stockout_runs": frame["stockout_runs"].astype("int64"),
            "price_changes": frame["price_changes"].astype("int64"),
            "price_increases": frame["price_increases"].astype("int64"),
            "price_decreases": frame["price_decreases"].astype("int64"),
            "mean_abs_change_pct": frame["mean_abs_change_pct"].round(3),
            "promo_day_share": frame["promo_day_share"].fillna(0.0).round(5),
            "volatility": frame["volatility"].round(6),
            "mean_regular_pen": frame["mean_regular_pen"].round(2),
            "latest_regular_pen": frame["regular_pen"].round(2),
            "latest_shelf_pen": frame["shelf_pen"].round(2),
            "latest_in_stock": frame["in_stock"],
            "anomalies": frame["listing_id"].map(counts).fillna(0).astype("int64"),
        }
    )


def _outlier_scores(
    context: StepContext, anomalies: pd.DataFrame, listings: pd.DataFrame, timezone: str
) -> dict[str, Any]:
    """Planted price typos that the detector flagged (those the ingest quarantined aside)."""
    truth = _read_truth(context, "retail_outliers")
    if truth is None:
        return {}
    named = anomalies.merge(
        listings[["listing_id", "retailer_name", "external_id"]], on="listing_id"
    )
    flagged = set(
        zip(
            named["retailer_name"],
            named["external_id"],
            named["day"].dt.strftime("%Y-%m-%d"),
            strict=True,
        )
    )
    planted = list(
        zip(truth["retailer"], truth["external_id"], truth["observed_at"].str[:10], strict=True)
    )
    found = sum(key in flagged for key in planted)
    return {
        "planted_outliers": len(planted),
        "planted_outliers_flagged": found,
        "anomalies_flagged": len(anomalies),
        "timezone": timezone,
    }


def _shrink_scores(
    context: StepContext, gaps: pd.DataFrame, listings: pd.DataFrame
) -> dict[str, Any]:
    """Planted shrinkflation cases whose listing shows a pack size other than our product's."""
    truth = _read_truth(context, "retail_shrinkflation")
    if truth is None:
        return {}
    competitors = listings[~listings["is_own"]]
    named = gaps.merge(
        competitors[["listing_id", "retailer_name", "external_id"]], on="listing_id"
    )
    shown = set(
        zip(
            named.loc[named["size_differs"], "retailer_name"],
            named.loc[named["size_differs"], "external_id"],
            strict=True,
        )
    )
    planted = [
        (retailer, external_id)
        for retailer, external_id in zip(truth["retailer"], truth["external_id"], strict=True)
        if retailer in set(competitors["retailer_name"])
    ]
    return {
        "planted_shrinkflation": len(planted),
        "planted_shrinkflation_visible": sum(key in shown for key in planted),
    }


@step("price_comparison", after=["match_listings"], area=AREA)
def price_comparison(context: StepContext) -> StepResult:
    """Price gaps, weekly price index, listing activity (stock-outs, price changes), anomalies."""
    timezone = _timezone(context)
    with context.engine.connect() as connection:
        products = queries.load_products(connection)
        listings = queries.load_listings(connection)
        matches = queries.load_matches(connection, statuses=("auto", "confirmed"))
        observations = queries.load_observations(connection)
        sales = queries.load_own_sales(connection)
        card_names = _card_names(connection)
    panel = build_panel(observations, timezone=timezone)
    del observations
    anomalies = detect_price_anomalies(panel)
    clean = panel.without(anomalies)
    pairs = _pairs(matches, listings)
    categories = listing_categories(listings, matches, products)
    latest = latest_prices(clean)
    latest["card_name"] = card_names.reindex(latest.index).to_numpy()
    recent_sales = (
        sales[sales["day"] >= sales["day"].max() - pd.Timedelta(days=_KEY_ITEM_DAYS)]
        if len(sales)
        else sales
    )
    key = alert_rules.key_items(recent_sales, share=float(_param(context, "key_item_share", 0.2)))
    gaps = compare_prices(
        latest,
        listings=listings,
        products=products,
        matches=matches,
        categories=categories,
        own_sales=sales,
        key_items=key,
    )
    index = compute_price_index(
        weekly_prices(clean),
        pairs,
        weights=product_weights(products["product_id"], sales),
        categories=products.set_index("product_id")["category"],
        own_weekly=_own_weekly(sales),
    )
    activity = _activity_rows(
        listing_activity(clean),
        latest,
        listings=listings,
        pairs=pairs,
        categories=categories,
        anomalies=anomalies,
    )
    retailer = listings.set_index("listing_id")["retailer_id"]
    anomaly_rows = anomalies.assign(
        retailer_id=anomalies["listing_id"].map(retailer).astype("int64"),
        day=_as_dates(anomalies["day"]),
        price_pen=anomalies["price_pen"].round(2),
        expected_pen=anomalies["expected_pen"].round(2),
        robust_z=anomalies["robust_z"].round(3),
        ratio=anomalies["ratio"].round(4),
    )
    with context.engine.begin() as connection:
        written = _replace(
            connection,
            InsightPriceGap,
            gaps.assign(
                observed_on=_as_dates(gaps["observed_on"]),
                our_observed_on=_as_dates(gaps["our_observed_on"]),
            ),
            key=["product_id", "listing_id"],
        )
        written += _replace(
            connection,
            InsightPriceIndex,
            index.assign(week=_as_dates(index["week"])),
            key=["week", "category", "retailer_id"],
        )
        written += _replace(connection, InsightListingActivity, activity, key=["listing_id"])
        written += _replace(
            connection, InsightPriceAnomaly, anomaly_rows, key=["listing_id", "day"]
        )
    detail = (
        {
            "listings": int(panel.regular.shape[1]),
            "days": int(panel.regular.shape[0]),
            "gaps": len(gaps),
            "index_rows": len(index),
            "key_items": len(key),
            "size_differs": int(gaps["size_differs"].sum()),
        }
        | _outlier_scores(context, anomalies, listings, timezone)
        | _shrink_scores(context, gaps, listings)
    )
    logger.info("price_comparison: %s", detail)
    return StepResult(rows_written=written, detail=detail)


# --- promo_stats ----------------------------------------------------------------------------


@step("promo_stats", after=["parse_promotions", "price_comparison"], area=AREA)
def promo_stats_step(context: StepContext) -> StepResult:
    """Promotion depth, duration and frequency per retailer x category; weekly calendar."""
    with context.engine.connect() as connection:
        promotions = queries.load_promotions(connection)
        activity = queries.load_activity(connection)
    listings = activity.assign(
        promo_days=activity["promo_day_share"] * activity["days_observed"],
        first_day=pd.to_datetime(activity["first_day"]),
        last_day=pd.to_datetime(activity["last_day"]),
    )[
        [
            "listing_id",
            "retailer_id",
            "category",
            "first_day",
            "last_day",
            "days_observed",
            "promo_days",
        ]
    ]
    stats = promo_stats(promotions, listings)
    calendar = promo_calendar(promotions, listings)
    with context.engine.begin() as connection:
        written = _replace(
            connection,
            InsightPromoStats,
            stats.assign(
                period_start=_as_dates(stats["period_start"]),
                period_end=_as_dates(stats["period_end"]),
            ),
            key=["retailer_id", "category"],
        )
        written += _replace(
            connection,
            InsightPromoCalendar,
            calendar.assign(week=_as_dates(calendar["week"])),
            key=["week", "retailer_id", "category"],
        )
    detail = {
        "stats_rows": len(stats),
        "calendar_rows": len(calendar),
        "promotions": len(promotions),
    }
    logger.info("promo_stats: %s", detail)
    return StepResult(rows_written=written, detail=detail)


# --- cluster_competitors --------------------------------------------------------------------


def _strategy_truth(context: StepContext, names: pd.Series) -> pd.Series | None:
    """The planted strategy of each retailer id (``names``: retailer id -> name)."""
    truth = _read_truth(context, "retail_strategies")
    if truth is None:
        return None
    by_name = dict(zip(truth["retailer"], truth["strategy"], strict=True))
    return names.map(by_name)


def _cluster_scores(
    rows: pd.DataFrame, truth: pd.Series | None, *, retailer_rows: pd.DataFrame
) -> dict[str, Any]:
    if truth is None:
        return {}
    planted = rows["retailer_id"].map(truth)
    known = planted.notna()
    planted_retailers = retailer_rows["retailer_id"].map(truth)
    return {
        "ari_competitor_category": round(
            float(adjusted_rand_score(planted[known], rows.loc[known, "cluster"])), 4
        ),
        "ari_competitor": round(
            float(adjusted_rand_score(planted_retailers, retailer_rows["cluster"])), 4
        ),
        "label_accuracy_competitor_category": round(
            float((planted[known] == rows.loc[known, "label"]).mean()), 4
        ),
        "label_accuracy_competitor": round(
            float((planted_retailers == retailer_rows["label"]).mean()), 4
        ),
    }


def _retailer_rows(rows: pd.DataFrame, listings: pd.Series) -> pd.DataFrame:
    """Each competitor's cluster: the one most of its category listings are in."""
    weighted = rows.assign(
        weight=[
            listings.get((r, c), 1)
            for r, c in zip(rows["retailer_id"], rows["category"], strict=True)
        ]
    )
    votes = weighted.groupby(["retailer_id", "cluster", "label"])["weight"].sum().reset_index()
    total = votes.groupby("retailer_id")["weight"].transform("sum")
    votes = votes.assign(confidence=votes["weight"] / total)
    best = votes.sort_values(["retailer_id", "weight"], ascending=[True, False]).drop_duplicates(
        "retailer_id"
    )
    return best[["retailer_id", "cluster", "label", "confidence"]].reset_index(drop=True)


@step("cluster_competitors", after=["price_comparison", "promo_stats"], area=AREA)
def cluster_competitors(context: StepContext) -> StepResult:
    """Cluster competitors x categories by pricing strategy; name clusters; ARI on the demo."""
    with context.engine.connect() as connection:
        index = queries.load_price_index(connection)
        activity = queries.load_activity(connection)
        stats = queries.load_promo_stats(connection)
        products = queries.load_products(connection)
        listings = queries.load_listings(connection)
    competitors = listings.loc[
        ~listings["is_own"], ["retailer_id", "retailer_name"]
    ].drop_duplicates()
    sizes = products.groupby("category").size()
    sizes["*"] = len(products)
    features = strategy_features(
        price_index=index, activity=activity, promo_stats=stats, catalog_sizes=sizes
    )
    features = features[
        features.index.get_level_values("retailer_id").isin(competitors["retailer_id"])
    ]
    min_listings = int(_param(context, "cluster_min_listings", 3))
    counts = activity.groupby(["retailer_id", "category"]).size()
    by_category = features[(features.index.get_level_values("category") != "*")]
    by_category = by_category[
        counts.reindex(by_category.index).fillna(0).to_numpy() >= min_listings
    ]
    method: Method = "gmm" if _param(context, "cluster_method", "kmeans") == "gmm" else "kmeans"
    with _thread_limit(context):
        model = StrategyClusterer(method, random_state=context.seed).fit(
            by_category[list(CLUSTER_FEATURES)]
        )
    centroids = pd.DataFrame(model.cluster_centers_, columns=list(CLUSTER_FEATURES))
    names = name_clusters(centroids)
    rows = by_category.reset_index().assign(
        cluster=model.labels_, label=[names[k] for k in model.labels_], confidence=1.0
    )
    retailer_rows = _retailer_rows(rows, counts)
    truth = _strategy_truth(context, competitors.set_index("retailer_id")["retailer_name"])
    metrics = {
        "k": model.n_clusters_,
        "method": method,
        "scores": {str(k): round(v, 4) for k, v in model.scores_.items()},
        "cluster_names": names,
        "points": len(by_category),
    } | _cluster_scores(rows, truth, retailer_rows=retailer_rows)
    data_version = str(pd.util.hash_pandas_object(by_category.round(6), index=True).sum())
    found = _find_model(context, CLUSTER_MODEL, data_version)
    version = (
        found[0]
        if found
        else _register_model(
            context,
            CLUSTER_MODEL,
            save=lambda path: _save_joblib(model, path),
            params={"method": method, "features": list(CLUSTER_FEATURES), "seed": context.seed},
            metrics=metrics,
            data_version=data_version,
        )
    )
    now = pd.Timestamp(datetime.now(UTC))
    table = _cluster_table(rows, retailer_rows, features, version=version, now=now)
    with context.engine.begin() as connection:
        written = _replace(
            connection, InsightStrategyCluster, table, key=["retailer_id", "category"]
        )
    logger.info("cluster_competitors: %s", metrics)
    return StepResult(rows_written=written, detail=metrics | {"model_version": version})


def _save_joblib(model: StrategyClusterer, path: Path) -> Path:
    joblib.dump(model, path)
    return path


def _cluster_table(
    rows: pd.DataFrame,
    retailer_rows: pd.DataFrame,
    features: pd.DataFrame,
    *,
    version: int,
    now: pd.Timestamp,
) -> pd.DataFrame:
    whole = retailer_rows.assign(category="*")
    both = pd.concat(
        [rows[["retailer_id", "category", "cluster", "label", "confidence"]], whole],
        ignore_index=True,
    )
    rounded = features.round(4)
    described = {
        (int(retailer), str(category)): {
            str(name): None if np.isnan(value) else float(value)
            for name, value in zip(rounded.columns, row, strict=True)
        }
        for (retailer, category), row in zip(
            rounded.index.tolist(), rounded.to_numpy(dtype=float).tolist(), strict=True
        )
    }
    keys = zip(both["retailer_id"].astype(int), both["category"].astype(str), strict=True)
    return both.assign(
        features=pd.Series(
            [described.get(key, {}) for key in keys], index=both.index, dtype=object
        ),
        model_version=version,
        computed_at=now,
        confidence=both["confidence"].round(4),
    )


# --- alerts ---------------------------------------------------------------------------------


def _alert_labels(
    pairs: pd.DataFrame, products: pd.DataFrame, listings: pd.DataFrame
) -> pd.DataFrame:
    """Every listing with its retailer and the product it is matched to (its own name else)."""
    names = products.set_index("product_id")["name"]
    frame = listings[["listing_id", "retailer_id", "retailer_name", "name"]].merge(
        pairs[["listing_id", "product_id"]].drop_duplicates("listing_id"),
        on="listing_id",
        how="left",
    )
    product_names = frame["product_id"].map(names)
    return frame.assign(product_name=product_names.fillna(frame["name"]))


def _our_shelf(panel: Any, pairs: pd.DataFrame) -> pd.DataFrame:
    own = pairs[pairs["is_own"]].drop_duplicates("product_id")
    columns = [c for c in own["listing_id"] if c in panel.listing_ids]
    products = own.set_index("listing_id").loc[columns, "product_id"].to_numpy()
    return pd.DataFrame(panel.shelf[columns].to_numpy(), index=panel.shelf.index, columns=products)


@step("alerts", after=["match_listings", "parse_promotions", "price_comparison"], area=AREA)
def alerts(context: StepContext) -> StepResult:
    """Alert rules on the latest days and price anomalies; deduplicated by event key."""
    rules = alert_rules.AlertRules(
        drop_pct=float(_param(context, "drop_pct", 15.0)),
        undercut_pct=float(_param(context, "undercut_pct", 5.0)),
        lookback_days=int(_param(context, "lookback_days", 7)),
    )
    timezone = _timezone(context)
    with context.engine.connect() as connection:
        last_seen = queries.latest_observation(connection)
        if last_seen is None:
            return StepResult(detail={"alerts": 0})
        window = timedelta(days=rules.lookback_days + rules.reference_days + 2)
        observations = queries.load_observations(connection, since=last_seen - window)
        products = queries.load_products(connection)
        listings = queries.load_listings(connection)
        matches = queries.load_matches(connection, statuses=("auto", "confirmed"))
        promotions = queries.load_promotions(connection)
        anomalies = queries.load_anomalies(connection)
        sales = queries.load_own_sales(
            connection, since=(last_seen - timedelta(days=_KEY_ITEM_DAYS)).date()
        )
    panel = build_panel(observations, timezone=timezone)
    panel = panel.without(anomalies)
    pairs = _pairs(matches, listings)
    labels = _alert_labels(pairs, products, listings)
    theirs = labels[labels["listing_id"].isin(pairs.loc[~pairs["is_own"], "listing_id"])]
    key = alert_rules.key_items(sales, share=float(_param(context, "key_item_share", 0.2)))
    since = (panel.days.max() - pd.Timedelta(days=rules.lookback_days - 1)).date()
    competitor_promos = promotions[promotions["listing_id"].isin(theirs["listing_id"])]
    frames = [
        alert_rules.price_drop_alerts(panel, theirs, rules=rules, key=key, since=since),
        alert_rules.undercut_alerts(
            panel, theirs, our_shelf=_our_shelf(panel, pairs), rules=rules, key=key, since=since
        ),
        alert_rules.promotion_alerts(competitor_promos, theirs, rules=rules, key=key, since=since),
        alert_rules.stockout_alerts(panel, theirs, key=key, since=since),
        alert_rules.anomaly_alerts(anomalies, labels),
    ]
    found = pd.concat(frames, ignore_index=True).drop_duplicates("dedup_key")
    rows = found.assign(created_at=pd.Timestamp(datetime.now(UTC)))
    with context.engine.begin() as connection:
        inserted = insert_ignore(connection, Alert, rows, conflict=["dedup_key"])
    detail = {
        "since": since.isoformat(),
        "found": len(found),
        "inserted": inserted,
        "key_items": len(key),
        **{f"found_{kind}": int(count) for kind, count in found["kind"].value_counts().items()},
    }
    logger.info("alerts: %s", detail)
    return StepResult(rows_written=inserted, detail=detail)
