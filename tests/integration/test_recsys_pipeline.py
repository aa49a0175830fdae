"""The ``train_recommender`` step on the loaded small demo: registry, artifact, serving rows."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from sqlalchemy import func, select

from pulso.pipelines.registry import StepContext
from pulso.pipelines.steps.recsys import (
    TRACKING_HOOKS,
    TrainingRun,
    add_tracking_hook,
    train_recommender,
)
from pulso.recsys.serving import ServingIndex
from pulso.store.tables import Diner, Dish, ModelVersion
from pulso.store.tables_recsys import RecommenderDiner, RecommenderState

#: Tiny training: the step's wiring is under test here, not the model's quality.
FAST = {"epochs": 3, "n_factors": 8, "weight_step": 0.5, "validation_rounds": 1, "n_groups": 3}


@pytest.fixture
def tracked():
    runs: list[TrainingRun] = []
    add_tracking_hook(runs.append)
    yield runs
    TRACKING_HOOKS.remove(runs.append)


@pytest.mark.slow
def test_train_publish_skip_unchanged_and_warm_start(demo_engine, tmp_path, tracked):
    context = StepContext(
        engine=demo_engine,
        data_dir=tmp_path,
        run_key="t",
        today=date(2026, 11, 16),
        params={"recommender": FAST},
    )

    first = train_recommender(context)
    unchanged = train_recommender(context)
    forced = train_recommender(replace(context, params={"recommender": FAST | {"force": True}}))

    with demo_engine.connect() as connection:
        versions = connection.execute(
            select(ModelVersion.version, ModelVersion.stage, ModelVersion.artifact_uri)
            .where(ModelVersion.name == "recommender")
            .order_by(ModelVersion.version)
        ).all()
        diners = connection.scalar(select(func.count()).select_from(Diner))
        dishes = connection.scalar(select(func.count()).select_from(Dish))
        rows = connection.execute(
            select(RecommenderDiner.model_version_id, func.count()).group_by(
                RecommenderDiner.model_version_id
            )
        ).all()
        payload = connection.scalars(
            select(RecommenderState.payload).order_by(RecommenderState.id.desc())
        ).first()

    assert first.detail["version"] == 1
    assert first.rows_written == diners + 1
    assert sum(
        first.detail[f"weight_{n}"] for n in ("mf", "neighbours", "content")
    ) == pytest.approx(1.0)
    assert unchanged.rows_written == 0
    assert unchanged.detail == {"unchanged": True, "version": 1}
    assert forced.detail["version"] == 2
    assert [(v, s) for v, s, _ in versions] == [(1, "archived"), (2, "production")]
    assert sorted(count for _, count in rows) == [diners, diners]
    artifact = tmp_path / "models" / "recommender" / "2"
    assert versions[1][2] == str(artifact)
    assert {p.name for p in artifact.iterdir()} == {
        "mf_weights.pt",
        "mf.json",
        "serving.npz",
        "metadata.json",
    }
    index = ServingIndex.from_bytes(payload)
    assert len(index.item_ids) == dishes
    assert np.isfinite(index.vectors).all()
    assert [run.version for run in tracked] == [1, 2]
    assert tracked[1].warm_started_from == 1
    assert tracked[0].warm_started_from is None


@pytest.mark.slow
def test_pulso_recsys_train_command(demo_sqlite_engine, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from pulso.cli import app
    from pulso.config import get_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PULSO_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    url = demo_sqlite_engine.url.render_as_string(hide_password=False)

    result = CliRunner().invoke(app, ["recsys", "train", "--db", url, "--epochs", "2", "--json"])
    get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["step"] == "train_recommender"
    assert document["status"] == "succeeded"
    assert document["detail"]["version"] == 1
    assert (tmp_path / "data" / "models" / "recommender" / "1" / "serving.npz").exists()
