"""The local runner: dependency order, retries, skipped dependents, pipeline_run rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pulso.errors import InputError
from pulso.pipelines.registry import STEPS, StepContext, StepResult, order_steps, step
from pulso.pipelines.runner import run_pipeline
from pulso.store.tables_ops import PipelineRun


@pytest.fixture
def toy_steps() -> Iterator[list[str]]:
    calls: list[str] = []
    flaky = {"left": 1}

    @step("t_source", area="ops")
    def source(context: StepContext) -> StepResult:
        calls.append("t_source")
        return StepResult(rows_written=3)

    @step("t_flaky", after=["t_source"], area="ops", retries=2)
    def flaky_step(context: StepContext) -> StepResult:
        calls.append("t_flaky")
        if flaky["left"]:
            flaky["left"] -= 1
            raise RuntimeError("database busy")
        return StepResult(rows_written=1)

    @step("t_broken", after=["t_source"], area="ops", retries=0)
    def broken(context: StepContext) -> StepResult:
        calls.append("t_broken")
        raise ValueError("bad model input")

    @step("t_after_broken", after=["t_broken"], area="ops")
    def downstream(context: StepContext) -> StepResult:
        calls.append("t_after_broken")
        return StepResult()

    @step(
        "t_partitioned",
        after=["t_source"],
        area="ops",
        partitions=lambda _engine: ["tottus", "wong"],
    )
    def per_retailer(context: StepContext) -> StepResult:
        calls.append(f"t_partitioned:{context.partition}")
        return StepResult(rows_written=2)

    names = ["t_source", "t_flaky", "t_broken", "t_after_broken", "t_partitioned"]
    yield calls
    for name in names:
        STEPS.pop(name)


def test_runner_orders_retries_skips_and_records(engine, toy_steps, tmp_path):
    context = StepContext(
        engine=engine, data_dir=Path(tmp_path), run_key="", today=date(2026, 11, 1)
    )
    report = run_pipeline(
        context,
        steps=["t_after_broken", "t_partitioned", "t_broken", "t_flaky", "t_source"],
        backoff_seconds=0,
    )
    statuses = {(o.step, o.partition): (o.status, o.attempts) for o in report.outcomes}

    assert toy_steps[0] == "t_source"
    assert statuses[("t_flaky", None)] == ("succeeded", 2)
    assert statuses[("t_broken", None)] == ("failed", 1)
    assert statuses[("t_after_broken", None)][0] == "skipped"
    assert statuses[("t_partitioned", "tottus")] == ("succeeded", 1)
    assert statuses[("t_partitioned", "wong")] == ("succeeded", 1)
    assert "t_after_broken" not in toy_steps
    assert not report.succeeded
    with Session(engine) as session:
        rows = session.scalars(select(PipelineRun).order_by(PipelineRun.id)).all()
    assert {r.run_key for r in rows} == {report.run_key}
    recorded = {(r.step, r.partition): (r.status, r.rows_written) for r in rows}
    assert recorded[("t_source", None)] == ("succeeded", 3)
    assert recorded[("t_broken", None)] == ("failed", 0)
    assert all(r.duration_seconds is not None and r.finished_at is not None for r in rows)
    assert "ValueError: bad model input" in next(
        r.error or "" for r in rows if r.step == "t_broken"
    )


def test_subset_and_unknown_steps(toy_steps):
    assert [s.name for s in order_steps(["t_flaky", "t_source"])] == ["t_source", "t_flaky"]
    with pytest.raises(InputError, match=r"unknown pipeline step\(s\): nope"):
        order_steps(["nope"])
