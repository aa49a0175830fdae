"""Trained model versions: list them, find the one serving uses, promote and roll back.

The ``model_version`` table is the source of truth: exactly one version of a model has stage
``production`` (the one serving and pipelines load); the versions it replaced are
``archived``. MLflow mirrors these stages when it is configured (:mod:`pulso.pipelines.tracking`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from sqlalchemy import Connection, Engine, select, update

from pulso.errors import InputError, NotFoundError
from pulso.store.tables import ModelVersion

__all__ = [
    "ARCHIVED",
    "PRODUCTION",
    "ModelVersionRecord",
    "artifact_path",
    "get_model_version",
    "list_model_versions",
    "load_production_model_path",
    "production_version",
    "production_versions",
    "promote_version",
    "rollback_version",
]

PRODUCTION = "production"
ARCHIVED = "archived"


@dataclass(frozen=True, slots=True)
class ModelVersionRecord:
    """One row of ``model_version``."""

    name: str
    version: int
    stage: str
    created_at: datetime
    params: dict[str, Any]
    metrics: dict[str, Any]
    artifact_uri: str | None
    data_version: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "stage": self.stage,
            "created_at": self.created_at.isoformat(),
            "params": self.params,
            "metrics": self.metrics,
            "artifact_uri": self.artifact_uri,
            "data_version": self.data_version,
        }


def _record(row: ModelVersion | Any) -> ModelVersionRecord:
    return ModelVersionRecord(
        name=row.name,
        version=int(row.version),
        stage=row.stage,
        created_at=row.created_at,
        params=dict(row.params or {}),
        metrics=dict(row.metrics or {}),
        artifact_uri=row.artifact_uri,
        data_version=row.data_version,
    )


_COLUMNS = (
    ModelVersion.name,
    ModelVersion.version,
    ModelVersion.stage,
    ModelVersion.created_at,
    ModelVersion.params,
    ModelVersion.metrics,
    ModelVersion.artifact_uri,
    ModelVersion.data_version,
)


def list_model_versions(
    connection: Connection, *, name: str | None = None
) -> list[ModelVersionRecord]:
    """Every version (of ``name``, or of every model), by name and newest version first."""
    statement = select(*_COLUMNS).order_by(ModelVersion.name, ModelVersion.version.desc())
    if name is not None:
        statement = statement.where(ModelVersion.name == name)
    return [_record(row) for row in connection.execute(statement)]


def get_model_version(connection: Connection, name: str, version: int) -> ModelVersionRecord:
    """One version; :class:`NotFoundError` names the model and version when it is missing."""
    row = connection.execute(
        select(*_COLUMNS).where(ModelVersion.name == name, ModelVersion.version == version)
    ).first()
    if row is None:
        raise NotFoundError(f"model {name!r} has no version {version}")
    return _record(row)


def production_versions(connection: Connection) -> list[ModelVersionRecord]:
    """The production version of every model that has one, by name."""
    statement = (
        select(*_COLUMNS).where(ModelVersion.stage == PRODUCTION).order_by(ModelVersion.name)
    )
    return [_record(row) for row in connection.execute(statement)]


def production_version(connection: Connection, name: str) -> ModelVersionRecord:
    """The version of ``name`` that serving uses (the newest one if several are marked)."""
    row = connection.execute(
        select(*_COLUMNS)
        .where(ModelVersion.name == name, ModelVersion.stage == PRODUCTION)
        .order_by(ModelVersion.version.desc())
    ).first()
    if row is None:
        raise NotFoundError(f"model {name!r} has no production version")
    return _record(row)


def artifact_path(record: ModelVersionRecord, *, data_dir: Path | None = None) -> Path:
    """Where a version's artifact lies: its ``artifact_uri`` (a path or ``file:`` URI).

    A version stored without a URI falls back to ``data_dir/models/<name>/<version>``.
    """
    uri = record.artifact_uri
    if uri:
        parsed = urlparse(uri)
        if parsed.scheme == "file":
            return Path(unquote(parsed.path))
        if not parsed.scheme:
            return Path(uri)
        raise InputError(
            f"model {record.name!r} version {record.version} is stored at {uri!r}, "
            "which is not a local path"
        )
    if data_dir is None:
        raise NotFoundError(f"model {record.name!r} version {record.version} has no artifact")
    return data_dir / "models" / record.name / str(record.version)


def load_production_model_path(engine: Engine, name: str, *, data_dir: Path | None = None) -> Path:
    """The artifact of the production version of ``name``: what serving loads."""
    with engine.connect() as connection:
        record = production_version(connection, name)
    return artifact_path(record, data_dir=data_dir)


def promote_version(connection: Connection, name: str, version: int) -> ModelVersionRecord:
    """Make ``version`` the production version of ``name``; the one it replaces is archived."""
    record = get_model_version(connection, name, version)
    connection.execute(
        update(ModelVersion)
        .where(
            ModelVersion.name == name,
            ModelVersion.stage == PRODUCTION,
            ModelVersion.version != version,
        )
        .values(stage=ARCHIVED)
    )
    connection.execute(
        update(ModelVersion)
        .where(ModelVersion.name == name, ModelVersion.version == version)
        .values(stage=PRODUCTION)
    )
    return get_model_version(connection, record.name, record.version)


def rollback_version(connection: Connection, name: str) -> ModelVersionRecord:
    """Archive the production version of ``name`` and promote the newest older version.

    Raises :class:`InputError` when there is no older version to go back to.
    """
    current = production_version(connection, name)
    previous = connection.execute(
        select(ModelVersion.version)
        .where(ModelVersion.name == name, ModelVersion.version < current.version)
        .order_by(ModelVersion.version.desc())
    ).scalar()
    if previous is None:
        raise InputError(
            f"model {name!r} cannot roll back: version {current.version} is its oldest version"
        )
    return promote_version(connection, name, int(previous))
