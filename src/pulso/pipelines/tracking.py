"""MLflow tracking of trained models, and promotion / rollback mirrored to MLflow.

The ``model_version`` table stays the source of truth (serving loads its ``production``
version through :func:`pulso.store.queries.models.load_production_model_path`); MLflow is the
lab notebook: every version a step registers is logged there as a run (params, metrics, the
artifact, the data version as a tag) and as a registered model version tagged with Pulso's
version number, and the ``production`` alias follows promotions and rollbacks.

Embedded default: a local store under ``data_dir/mlruns`` (MLflow's file store, which MLflow
3 keeps in maintenance mode; Pulso opts in with ``MLFLOW_ALLOW_FILE_STORE``). Production:
``PULSO_MLFLOW_URI`` names the tracking server, passed to steps as
``context.params["mlflow_uri"]``. When MLflow fails, the step or command still succeeds: the
table was written, and the failure is logged.

A step calls, right after it inserted the ``model_version`` row::

    track_model_version(context, "product_matcher", version)
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from pulso.pipelines.registry import StepContext
from pulso.store.queries.models import (
    PRODUCTION,
    ModelVersionRecord,
    artifact_path,
    get_model_version,
    promote_version,
    rollback_version,
)

__all__ = [
    "EXPERIMENT",
    "PRODUCTION_ALIAS",
    "TrackedVersion",
    "log_model_version",
    "promote_model",
    "rollback_model",
    "track_model_version",
    "tracked_versions",
    "tracking_uri_for",
]

logger = logging.getLogger(__name__)

#: The MLflow experiment every Pulso training run is logged in.
EXPERIMENT = "pulso"
#: The registered-model alias that follows the ``production`` stage of ``model_version``.
PRODUCTION_ALIAS = "production"
_VERSION_TAG = "pulso_version"
_STAGE_TAG = "pulso_stage"
_INVALID_KEY = re.compile(r"[^/\w.\- :]")
_MAX_PARAM_LENGTH = 6000


@dataclass(frozen=True, slots=True)
class TrackedVersion:
    """A Pulso model version as MLflow knows it."""

    name: str
    version: int
    run_id: str
    mlflow_version: str


def tracking_uri_for(data_dir: Path, configured: str | None = None) -> str:
    """The tracking URI: the configured one, else the local store ``data_dir/mlruns``."""
    return configured or (data_dir / "mlruns").resolve().as_uri()


def _client(tracking_uri: str) -> Any:
    if tracking_uri.startswith("file:"):
        # MLflow 3 refuses its file store unless asked; it is the embedded, serverless default.
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


def _mlflow_errors() -> tuple[type[Exception], ...]:
    from mlflow.exceptions import MlflowException

    return (MlflowException, OSError)


def _key(name: str) -> str:
    return _INVALID_KEY.sub("_", name)[:250]


def _flatten(values: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in values.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield _key(f"{prefix}{key}"), value


def _find(client: Any, name: str, version: int) -> Any | None:
    found = client.search_model_versions(f"name = '{name}' and tags.{_VERSION_TAG} = '{version}'")
    return found[0] if found else None


def _experiment_id(client: Any) -> str:
    experiment = client.get_experiment_by_name(EXPERIMENT)
    if experiment is not None:
        return str(experiment.experiment_id)
    return str(client.create_experiment(EXPERIMENT))


def _log_run(client: Any, record: ModelVersionRecord, *, artifact: Path | None) -> str:
    from mlflow.entities import Metric, Param

    tags = {
        "pulso.model": record.name,
        "pulso.version": str(record.version),
        "pulso.data_version": record.data_version or "",
    }
    run = client.create_run(
        _experiment_id(client), run_name=f"{record.name}-v{record.version}", tags=tags
    )
    run_id = str(run.info.run_id)
    stamp = int(record.created_at.timestamp() * 1000)
    params = [Param(k, str(v)[:_MAX_PARAM_LENGTH]) for k, v in _flatten(record.params)]
    metrics = [
        Metric(k, float(v), stamp, 0)
        for k, v in _flatten(record.metrics)
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    ]
    for start in range(0, max(len(params), len(metrics), 1), 100):
        client.log_batch(
            run_id, metrics=metrics[start : start + 100], params=params[start : start + 100]
        )
    if artifact is not None and artifact.is_dir():
        client.log_artifacts(run_id, str(artifact), "model")
    elif artifact is not None and artifact.is_file():
        client.log_artifact(run_id, str(artifact), "model")
    client.set_terminated(run_id)
    return run_id


def _register(client: Any, record: ModelVersionRecord, run_id: str) -> Any:
    from mlflow.exceptions import MlflowException

    try:
        client.create_registered_model(record.name, tags={"pulso.model": record.name})
    except MlflowException as exc:
        if exc.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
    return client.create_model_version(
        record.name,
        f"runs:/{run_id}/model",
        run_id=run_id,
        tags={
            _VERSION_TAG: str(record.version),
            _STAGE_TAG: record.stage,
            "data_version": record.data_version or "",
        },
    )


def _set_stage(client: Any, record: ModelVersionRecord, tracked: Any) -> None:
    client.set_model_version_tag(record.name, tracked.version, _STAGE_TAG, record.stage)
    if record.stage == PRODUCTION:
        client.set_registered_model_alias(record.name, PRODUCTION_ALIAS, tracked.version)


def log_model_version(
    record: ModelVersionRecord, *, tracking_uri: str, data_dir: Path | None = None
) -> TrackedVersion | None:
    """Log ``record`` to MLflow (once: a version already there is only re-staged).

    Returns None, after logging a warning, when MLflow cannot be reached or refuses.
    """
    started = time.perf_counter()
    try:
        client = _client(tracking_uri)
        tracked = _find(client, record.name, record.version)
        if tracked is None:
            artifact = artifact_path(record, data_dir=data_dir) if record.artifact_uri else None
            run_id = _log_run(client, record, artifact=artifact)
            tracked = _register(client, record, run_id)
        _set_stage(client, record, tracked)
    except _mlflow_errors() as exc:
        logger.warning(
            "model %s version %d was not tracked in MLflow (%s): %s",
            record.name,
            record.version,
            tracking_uri,
            exc,
        )
        return None
    logger.info(
        "model %s version %d tracked in MLflow as version %s in %.1f s",
        record.name,
        record.version,
        tracked.version,
        time.perf_counter() - started,
    )
    return TrackedVersion(record.name, record.version, str(tracked.run_id), str(tracked.version))


def track_model_version(context: StepContext, name: str, version: int) -> TrackedVersion | None:
    """Log the ``model_version`` row ``(name, version)`` a step just wrote to MLflow."""
    uri = tracking_uri_for(context.data_dir, context.params.get("mlflow_uri"))
    with context.engine.connect() as connection:
        record = get_model_version(connection, name, version)
    return log_model_version(record, tracking_uri=uri, data_dir=context.data_dir)


def _mirror(engine: Engine, name: str, *, tracking_uri: str) -> bool:
    """Copy the stages of ``name``'s versions to MLflow; False when MLflow does not have them."""
    from pulso.store.queries.models import list_model_versions

    with engine.connect() as connection:
        records = list_model_versions(connection, name=name)
    try:
        client = _client(tracking_uri)
        mirrored = False
        for record in records:
            tracked = _find(client, name, record.version)
            if tracked is not None:
                _set_stage(client, record, tracked)
                mirrored = mirrored or record.stage == PRODUCTION
    except _mlflow_errors() as exc:
        logger.warning("stages of model %s were not mirrored to MLflow: %s", name, exc)
        return False
    return mirrored


def promote_model(
    engine: Engine, name: str, version: int, *, tracking_uri: str
) -> tuple[ModelVersionRecord, bool]:
    """Make ``version`` serve; returns the record and whether MLflow's alias followed."""
    with engine.begin() as connection:
        record = promote_version(connection, name, version)
    return record, _mirror(engine, name, tracking_uri=tracking_uri)


def rollback_model(
    engine: Engine, name: str, *, tracking_uri: str
) -> tuple[ModelVersionRecord, bool]:
    """Serve the version before the production one; returns it and whether MLflow followed."""
    with engine.begin() as connection:
        record = rollback_version(connection, name)
    return record, _mirror(engine, name, tracking_uri=tracking_uri)


def tracked_versions(tracking_uri: str) -> dict[tuple[str, int], str] | None:
    """``(name, pulso version) -> MLflow version`` of every tracked model; None if unreachable."""
    try:
        client = _client(tracking_uri)
        found = client.search_model_versions(f"tags.{_VERSION_TAG} != ''")
    except _mlflow_errors() as exc:
        logger.warning("MLflow at %s could not be read: %s", tracking_uri, exc)
        return None
    return {
        (str(mv.name), int(mv.tags[_VERSION_TAG])): str(mv.version)
        for mv in found
        if str(mv.tags.get(_VERSION_TAG, "")).isdigit()
    }
