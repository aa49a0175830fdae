"""Recsys pipeline steps (registered with ``pulso.pipelines.registry.step``).

``train_recommender`` trains Pulso's hybrid recommender on the orders of known diners
(implicit) and their dish ratings (explicit), saves the artifact under
``data_dir/models/recommender/<version>/``, registers a ``model_version`` row (stage
``production``; the previous production version becomes ``archived``) and writes the serving
rows the API reads (:mod:`pulso.store.tables_recsys`). It warm-starts from the newest previous
version's MF weights when that artifact is on disk (incremental retraining), and does nothing
when the data did not change since that version (unless ``params["force"]``).

Tracking: every finished training calls the functions in :data:`TRACKING_HOOKS` with a
:class:`TrainingRun`; the operations issue registers its MLflow logger there
(:func:`add_tracking_hook`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, delete, insert, select, update

from pulso.errors import SourceError
from pulso.pipelines.registry import StepContext, StepResult, step
from pulso.recsys.data import Interactions, RecsysData, load_store_data
from pulso.recsys.fusion import HybridRecommender
from pulso.recsys.model import HybridMF, load_mf_weights, save_mf
from pulso.recsys.serving import DinerProfile, ServingIndex
from pulso.store.queries.recsys import (
    RECOMMENDER_MODEL_NAME,
    RecommenderVersion,
    latest_recommender_version,
)
from pulso.store.tables import ModelVersion
from pulso.store.tables_recsys import RecommenderDiner, RecommenderState

__all__ = [
    "DEFAULT_PARAMS",
    "TRACKING_HOOKS",
    "TrainingRun",
    "add_tracking_hook",
    "train_recommender",
]

logger = logging.getLogger(__name__)

#: Hyper-parameters of the production model (``context.params["recommender"]`` overrides).
DEFAULT_PARAMS: dict[str, Any] = {
    "n_factors": 32,
    "loss": "warp",
    "epochs": 40,
    "patience": 4,
    "learning_rate": 0.05,
    "optimizer": "adagrad",
    "l2": 1e-6,
    "n_negatives": 64,
    "rating_weight": 1.0,
    "weight_step": 0.1,
    "validation_rounds": None,
    "n_groups": 8,
}
#: Insight rows are kept for this many newest versions (artifacts stay on disk).
KEEP_VERSIONS = 3


@dataclass(frozen=True, slots=True)
class TrainingRun:
    """What a tracking hook receives about one trained version."""

    name: str
    version: int
    params: dict[str, Any]
    metrics: dict[str, float]
    artifact_dir: Path
    data_version: str
    warm_started_from: int | None = None
    tags: dict[str, str] = field(default_factory=dict)


TrackingHook = Callable[[TrainingRun], None]
#: Called after every training (the MLflow hook goes here).
TRACKING_HOOKS: list[TrackingHook] = []


def add_tracking_hook(hook: TrackingHook) -> None:
    """Register ``hook`` to receive every :class:`TrainingRun` (e.g. log it to MLflow)."""
    if hook not in TRACKING_HOOKS:
        TRACKING_HOOKS.append(hook)


def _track(run: TrainingRun) -> None:
    for hook in TRACKING_HOOKS:
        hook(run)


def data_fingerprint(data: Interactions) -> str:
    """A short hash of the pairs, their weights and ratings, and the item and user index."""
    digest = hashlib.sha256()
    for array in (data.users, data.items, data.weights, np.nan_to_num(data.ratings, nan=-1.0)):
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update("\x1f".join(data.item_ids.tolist()).encode())
    digest.update("\x1f".join(data.user_ids.tolist()).encode())
    digest.update(repr(data.item_tokens).encode())
    return digest.hexdigest()[:16]


def _hybrid(params: dict[str, Any], seed: int) -> HybridRecommender:
    mf = HybridMF(
        n_factors=params["n_factors"],
        loss=params["loss"],
        epochs=params["epochs"],
        patience=params["patience"],
        learning_rate=params["learning_rate"],
        optimizer=params["optimizer"],
        l2=params["l2"],
        n_negatives=params["n_negatives"],
        rating_weight=params["rating_weight"],
        random_state=seed,
    )
    return HybridRecommender(
        collaborative=mf,
        weight_step=params["weight_step"],
        validation_rounds=params["validation_rounds"],
        random_state=seed,
    )


def _warm_start(previous: RecommenderVersion | None, params: dict[str, Any]) -> HybridMF | None:
    if previous is None or not previous.artifact_uri or not params.get("warm_start", True):
        return None
    directory = Path(previous.artifact_uri)
    if not directory.exists():
        logger.info("previous recommender artifact %s is gone: training from scratch", directory)
        return None
    if previous.params.get("n_factors") != params["n_factors"]:
        return None
    try:
        return load_mf_weights(directory)
    except SourceError as exc:
        logger.warning("cannot warm-start: %s", exc)
        return None


@step("train_recommender", area="recsys")
def train_recommender(context: StepContext) -> StepResult:
    """Train the hybrid dish recommender and publish it for serving."""
    overrides = dict(context.params.get("recommender", {}))
    force = bool(overrides.pop("force", False))
    params = DEFAULT_PARAMS | overrides
    with context.engine.connect() as connection:
        data = load_store_data(connection)
        previous = latest_recommender_version(connection)
    interactions = Interactions.from_data(data)
    if interactions.n_pairs == 0:
        return StepResult(0, {"skipped": "no orders or ratings of known diners yet"})
    fingerprint = data_fingerprint(interactions)
    if previous is not None and previous.data_version == fingerprint and not force:
        return StepResult(0, {"unchanged": True, "version": previous.version})
    init = _warm_start(previous, params)
    started = time.perf_counter()
    model = _hybrid(params, context.seed).fit(interactions, init=init)
    fit_seconds = time.perf_counter() - started
    index = _serving_index(model, interactions, data, params=params, seed=context.seed)
    version = (previous.version if previous is not None else 0) + 1
    directory = context.data_dir / "models" / RECOMMENDER_MODEL_NAME / str(version)
    metrics = _metrics(model, interactions, fit_seconds)
    _save_artifact(directory, model, index, params=params, metrics=metrics, data=fingerprint)
    rows = _publish(
        context,
        model=model,
        index=index,
        interactions=interactions,
        version=version,
        params=params | {"seed": context.seed},
        metrics=metrics,
        artifact=directory,
        data_version=fingerprint,
    )
    run = TrainingRun(
        RECOMMENDER_MODEL_NAME,
        version,
        params | {"seed": context.seed},
        metrics,
        directory,
        fingerprint,
        warm_started_from=previous.version if init is not None and previous else None,
    )
    _track(run)
    return StepResult(rows, {"version": version, **metrics})


def _serving_index(
    model: HybridRecommender,
    interactions: Interactions,
    data: RecsysData,
    *,
    params: dict[str, Any],
    seed: int,
) -> ServingIndex:
    items = data.items.set_index("item_id").reindex(interactions.item_ids)
    return ServingIndex.build(
        model,
        interactions,
        restaurants=[str(r) for r in items["restaurant_id"].fillna("").tolist()],
        tags=[_listed(t) for t in items["tags"].tolist()],
        ingredients=[_listed(i) for i in items["ingredients"].tolist()],
        categories=[str(c) if isinstance(c, str) else "" for c in items["category"].tolist()],
        n_groups=int(params["n_groups"]),
        random_state=seed,
    )


def _listed(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def _metrics(model: HybridRecommender, data: Interactions, fit_seconds: float) -> dict[str, float]:
    mf = model.components_["mf"]
    metrics = {
        "validation_ndcg@10": round(float(model.validation_ndcg_), 4),
        "popularity_validation_ndcg@10": round(float(model.popularity_validation_ndcg_), 4),
        "mf_best_epoch": float(mf.best_epoch_),
        "fit_seconds": round(fit_seconds, 3),
        "pairs": float(data.n_pairs),
        "diners": float(int((data.user_counts() > 0).sum())),
        "dishes": float(data.n_items),
    }
    metrics |= {f"weight_{name}": float(w) for name, w in model.weights_.items()}
    return metrics


def _save_artifact(
    directory: Path,
    model: HybridRecommender,
    index: ServingIndex,
    *,
    params: dict[str, Any],
    metrics: dict[str, float],
    data: str,
) -> None:
    save_mf(model.components_["mf"], directory)
    (directory / "serving.npz").write_bytes(index.to_bytes())
    metadata = {
        "name": RECOMMENDER_MODEL_NAME,
        "params": params,
        "metrics": metrics,
        "data_version": data,
        "weights": model.weights_,
        "created_at": datetime.now(UTC).isoformat(),
    }
    (directory / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")


def _publish(
    context: StepContext,
    *,
    model: HybridRecommender,
    index: ServingIndex,
    interactions: Interactions,
    version: int,
    params: dict[str, Any],
    metrics: dict[str, float],
    artifact: Path,
    data_version: str,
) -> int:
    """Register the version and replace the serving rows, in one transaction."""
    now = datetime.now(UTC)
    profiles = index.known_profiles(model, interactions)
    with context.engine.begin() as connection:
        connection.execute(
            update(ModelVersion)
            .where(ModelVersion.name == RECOMMENDER_MODEL_NAME, ModelVersion.stage == "production")
            .values(stage="archived")
        )
        version_id = connection.execute(
            insert(ModelVersion).values(
                name=RECOMMENDER_MODEL_NAME,
                version=version,
                stage="production",
                created_at=now,
                params=params,
                metrics=metrics,
                artifact_uri=str(artifact),
                data_version=data_version,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        connection.execute(
            insert(RecommenderState).values(
                model_version_id=version_id,
                created_at=now,
                dishes=len(index.item_ids),
                diners=len(profiles),
                weights=index.weights,
                payload=index.to_bytes(),
            )
        )
        rows = _diner_rows(int(version_id), interactions, profiles, index)
        if rows:
            connection.execute(insert(RecommenderDiner), rows)
        _drop_old_versions(connection)
    return len(rows) + 1


def _diner_rows(
    version_id: int, data: Interactions, profiles: list[DinerProfile], index: ServingIndex
) -> list[dict[str, Any]]:
    rows = []
    for user, profile in zip(data.user_ids.tolist(), profiles, strict=True):
        rows.append(
            {
                "model_version_id": version_id,
                "diner_id": int(user),
                "vector": np.asarray(profile.vector, dtype="<f4").tobytes(),
                "group_index": profile.group,
                "history": [[index.item_ids[i], w] for i, w in profile.history],
            }
        )
    return rows


def _drop_old_versions(connection: Connection) -> None:
    keep = (
        select(ModelVersion.id)
        .where(ModelVersion.name == RECOMMENDER_MODEL_NAME)
        .order_by(ModelVersion.version.desc())
        .limit(KEEP_VERSIONS)
    )
    kept = [row[0] for row in connection.execute(keep)]
    for table in (RecommenderDiner, RecommenderState):
        connection.execute(delete(table).where(table.model_version_id.not_in(kept)))
