"""Model versions: tracked in a real local MLflow store; promotion and rollback change serving."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from mlflow import MlflowClient
from sqlalchemy import insert, update
from tests.conftest import TEST_SECRET

from pulso.errors import InputError, NotFoundError
from pulso.pipelines.registry import StepContext
from pulso.pipelines.tracking import (
    PRODUCTION_ALIAS,
    promote_model,
    rollback_model,
    track_model_version,
    tracking_uri_for,
)
from pulso.store.queries.models import load_production_model_path
from pulso.store.session import create_db_engine, upgrade_database
from pulso.store.tables import ModelVersion


def _train(engine, data_dir: Path, name: str, version: int, *, f1: float) -> Path:
    """What a step does: save the artifact, archive the old production row, insert the new."""
    folder = data_dir / "models" / name / str(version)
    folder.mkdir(parents=True)
    artifact = folder / "model.json"
    artifact.write_text(json.dumps({"version": version}))
    with engine.begin() as connection:
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
                params={"threshold": 0.8, "features": {"names": True, "sizes": True}},
                metrics={"heldout_f1": f1, "ndcg@10": f1 / 3, "pairs": 94},
                artifact_uri=str(artifact),
                data_version=f"data-{version}",
            )
        )
    return artifact


def _serving(engine, name: str) -> int:
    """What serving does: load the production artifact."""
    return int(json.loads(load_production_model_path(engine, name).read_text())["version"])


@pytest.mark.slow
def test_rollback_changes_what_serving_uses(engine, tmp_path):
    data_dir = tmp_path / ".pulso"
    context = StepContext(engine=engine, data_dir=data_dir, run_key="r", today=date(2026, 11, 15))
    uri = tracking_uri_for(data_dir)
    tracked = []
    for version, f1 in ((1, 0.95), (2, 0.97)):
        _train(engine, data_dir, "product_matcher", version, f1=f1)
        tracked.append(track_model_version(context, "product_matcher", version))
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)

    assert uri.startswith("file:")
    assert (data_dir / "mlruns").is_dir()
    assert [t.version for t in tracked if t] == [1, 2]
    run = client.get_run(tracked[1].run_id)  # type: ignore[union-attr]
    assert run.data.params["threshold"] == "0.8"
    assert run.data.params["features.names"] == "True"
    assert run.data.metrics["heldout_f1"] == 0.97
    assert run.data.metrics["ndcg_10"] == pytest.approx(0.97 / 3)
    assert run.data.tags["pulso.data_version"] == "data-2"
    assert [a.path for a in client.list_artifacts(run.info.run_id, "model")] == [
        "model/model.json"
    ]
    assert _serving(engine, "product_matcher") == 2
    alias = client.get_model_version_by_alias("product_matcher", PRODUCTION_ALIAS)
    assert alias.tags["pulso_version"] == "2"

    record, mirrored = rollback_model(engine, "product_matcher", tracking_uri=uri)

    assert (record.version, record.stage, mirrored) == (1, "production", True)
    assert _serving(engine, "product_matcher") == 1
    alias = client.get_model_version_by_alias("product_matcher", PRODUCTION_ALIAS)
    assert alias.tags["pulso_version"] == "1"
    assert (
        client.get_model_version("product_matcher", tracked[1].mlflow_version).tags[  # type: ignore[union-attr]
            "pulso_stage"
        ]
        == "archived"
    )
    with pytest.raises(InputError, match="oldest version"):
        rollback_model(engine, "product_matcher", tracking_uri=uri)

    record, mirrored = promote_model(engine, "product_matcher", 2, tracking_uri=uri)

    assert (record.version, mirrored) == (2, True)
    assert _serving(engine, "product_matcher") == 2
    assert (
        client.get_model_version_by_alias("product_matcher", PRODUCTION_ALIAS).tags[
            "pulso_version"
        ]
        == "2"
    )
    # tracking again does not log a second run
    assert track_model_version(context, "product_matcher", 2) == tracked[1]


def test_serving_without_mlflow_and_unknown_models(sqlite_engine, tmp_path):
    data_dir = tmp_path / ".pulso"
    _train(sqlite_engine, data_dir, "strategy_clusters", 1, f1=0.9)
    _train(sqlite_engine, data_dir, "strategy_clusters", 2, f1=0.8)
    unreachable = (tmp_path / "not-a-dir.txt").resolve()
    unreachable.write_text("MLflow cannot use a file as its store")

    record, mirrored = rollback_model(
        sqlite_engine, "strategy_clusters", tracking_uri=unreachable.as_uri()
    )

    assert (record.version, mirrored) == (1, False)
    assert _serving(sqlite_engine, "strategy_clusters") == 1
    with pytest.raises(NotFoundError, match="no production version"):
        load_production_model_path(sqlite_engine, "recommender")
    with pytest.raises(NotFoundError, match="has no version 9"):
        promote_model(sqlite_engine, "strategy_clusters", 9, tracking_uri=unreachable.as_uri())


def _pulso(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSO_")}
    env |= {"PULSO_SECRET_KEY": TEST_SECRET, "PULSO_DATA_DIR": str(cwd / ".pulso")}
    return subprocess.run(
        [sys.executable, "-m", "pulso", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_models_cli_lists_promotes_and_rolls_back(tmp_path):
    db = f"sqlite:///{tmp_path / 'pulso.db'}"
    engine = create_db_engine(db)
    upgrade_database(engine)
    data_dir = tmp_path / ".pulso"
    context = StepContext(engine=engine, data_dir=data_dir, run_key="r", today=date(2026, 11, 15))
    for version in (1, 2, 3):
        _train(engine, data_dir, "recommender", version, f1=0.3)
    track_model_version(context, "recommender", 3)
    engine.dispose()

    listed = _pulso("models", "list", "--db", db, "--json", cwd=tmp_path)
    rolled = _pulso("models", "rollback", "recommender", "--db", db, "--json", cwd=tmp_path)

    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)["models"]
    assert [(r["version"], r["stage"], r["mlflow_version"]) for r in rows] == [
        (3, "production", "1"),
        (2, "archived", None),
        (1, "archived", None),
    ]
    assert rolled.returncode == 0, rolled.stderr
    assert json.loads(rolled.stdout)["model"]["version"] == 2
    assert json.loads(rolled.stdout)["mlflow_mirrored"] is False  # v2 was never tracked
    assert _serving(create_db_engine(db), "recommender") == 2
