"""What Airflow task bodies call, run without Airflow: settings from the environment, one
partition per call, failures raised for Airflow to retry, every run in ``pipeline_run``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import TEST_SECRET

from pulso.config import get_settings
from pulso.errors import ConfigError
from pulso.pipelines.airflow import execution
from pulso.pipelines.registry import STEPS, StepContext, StepResult, step
from pulso.store.session import create_db_engine
from pulso.store.tables_ops import PipelineRun


@pytest.fixture
def worker_env(monkeypatch, tmp_path) -> Iterator[str]:
    """A worker's environment: PULSO_* variables, read by get_settings()."""
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    monkeypatch.setenv("PULSO_DATABASE_URL", url)
    monkeypatch.setenv("PULSO_DATA_DIR", str(tmp_path / ".pulso"))
    monkeypatch.setenv("PULSO_SECRET_KEY", TEST_SECRET)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def exec_steps() -> Iterator[dict[str, int]]:
    calls = {"flaky": 0}

    @step("ops_exec_per_shop", area="ops_test", partitions=lambda _engine: ["tottus", "wong"])
    def per_shop(context: StepContext) -> StepResult:
        return StepResult(
            rows_written=len(context.partition or ""), detail={"day": str(context.today)}
        )

    @step("ops_exec_flaky", area="ops_test", retries=3)
    def flaky(context: StepContext) -> StepResult:
        calls["flaky"] += 1
        raise TimeoutError("database busy")

    yield calls
    STEPS.pop("ops_exec_per_shop")
    STEPS.pop("ops_exec_flaky")


def test_plan_partitions_and_steps_as_airflow_runs_them(worker_env, exec_steps):
    run = execution.plan_run(
        dag_id="pulso_retail",
        run_id="scheduled__2026-11-16T04:00:00+00:00",
        logical_date=datetime(2026, 11, 16, 4, tzinfo=UTC),
    )
    partitions = execution.list_partitions("ops_exec_per_shop")
    results = [execution.execute_step("ops_exec_per_shop", run, partition=p) for p in partitions]
    with pytest.raises(execution.StepFailedError, match="ops_exec_flaky failed: TimeoutError"):
        execution.execute_step("ops_exec_flaky", run)
    with pytest.raises(ConfigError, match="unknown pipeline step 'nope'"):
        execution.execute_step("nope", run)
    with Session(create_db_engine(worker_env)) as session:
        rows = session.scalars(select(PipelineRun).order_by(PipelineRun.id)).all()

    assert run == {
        "run_key": "pulso_retail:scheduled__2026-11-16T04:00:00+00:00",
        "today": "2026-11-15",
    }
    assert partitions == ["tottus", "wong"]
    assert execution.list_partitions("ops_exec_flaky") == []
    assert [(r["partition"], r["rows_written"]) for r in results] == [("tottus", 6), ("wong", 4)]
    assert exec_steps["flaky"] == 1  # Airflow owns the retries: the runner tries once
    assert [(r.step, r.partition, r.status, r.attempts) for r in rows] == [
        ("ops_exec_per_shop", "tottus", "succeeded", 1),
        ("ops_exec_per_shop", "wong", "succeeded", 1),
        ("ops_exec_flaky", None, "failed", 1),
    ]
    assert {r.run_key for r in rows} == {run["run_key"]}


def test_manual_runs_without_a_logical_date_use_today(worker_env):
    run = execution.plan_run(dag_id="pulso_restaurants", run_id="manual__x", logical_date=None)

    assert run["run_key"] == "pulso_restaurants:manual__x"
    assert run["today"] == datetime.now(ZoneInfo("America/Lima")).date().isoformat()
