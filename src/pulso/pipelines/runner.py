"""The local pipeline runner: ordered steps, retries, and a ``pipeline_run`` row per step.

Airflow runs the same step functions (one task per step, mapped over partitions); this runner
is what ``pulso pipeline run`` and ``pulso demo`` use when no scheduler is deployed.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, update

import pulso.pipelines.steps  # noqa: F401 - registers the steps
from pulso.observability.metrics import record_step_outcome
from pulso.pipelines.registry import Step, StepContext, StepResult, order_steps
from pulso.store.tables_ops import PipelineRun

__all__ = ["PipelineReport", "StepOutcome", "run_pipeline", "run_step"]

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """How one step (and partition) ended."""

    step: str
    partition: str | None
    status: str
    attempts: int
    duration_seconds: float
    rows_written: int
    error: str | None = None
    detail: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class PipelineReport:
    """Every step outcome of one pipeline run."""

    run_key: str
    outcomes: tuple[StepOutcome, ...]

    @property
    def succeeded(self) -> bool:
        return all(outcome.status in ("succeeded", "skipped") for outcome in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_key": self.run_key,
            "succeeded": self.succeeded,
            "steps": [
                {
                    "step": o.step,
                    "partition": o.partition,
                    "status": o.status,
                    "attempts": o.attempts,
                    "duration_seconds": round(o.duration_seconds, 3),
                    "rows_written": o.rows_written,
                    "error": o.error,
                    "detail": o.detail or {},
                }
                for o in self.outcomes
            ],
        }


def _record_start(context: StepContext, name: str) -> int:
    with context.engine.begin() as connection:
        result = connection.execute(
            insert(PipelineRun).values(
                run_key=context.run_key,
                step=name,
                partition=context.partition,
                status="running",
                attempts=1,
                started_at=datetime.now(UTC),
                rows_written=0,
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def _record_end(context: StepContext, row_id: int, outcome: StepOutcome) -> None:
    with context.engine.begin() as connection:
        connection.execute(
            update(PipelineRun)
            .where(PipelineRun.id == row_id)
            .values(
                status=outcome.status,
                attempts=outcome.attempts,
                finished_at=datetime.now(UTC),
                duration_seconds=outcome.duration_seconds,
                rows_written=outcome.rows_written,
                error=outcome.error,
            )
        )


def run_step(step: Step, context: StepContext, *, backoff_seconds: float = 1.0) -> StepOutcome:
    """Run one step for one partition with retries; record it in ``pipeline_run``."""
    row_id = _record_start(context, step.name)
    started = time.perf_counter()
    error: str | None = None
    result: StepResult | None = None
    attempts = 0
    for attempts in range(1, step.retries + 2):
        try:
            result = step.function(context)
            break
        except Exception as exc:  # noqa: BLE001 - recorded on pipeline_run, reported below
            error = f"{type(exc).__name__}: {exc}"
            logger.warning("step %s failed (attempt %d): %s", step.name, attempts, error)
            if attempts <= step.retries:
                time.sleep(backoff_seconds * 2 ** (attempts - 1))
    outcome = StepOutcome(
        step=step.name,
        partition=context.partition,
        status="succeeded" if result is not None else "failed",
        attempts=attempts,
        duration_seconds=time.perf_counter() - started,
        rows_written=result.rows_written if result else 0,
        error=None if result is not None else error,
        detail=result.detail if result else None,
    )
    _record_end(context, row_id, outcome)
    record_step_outcome(
        step.name,
        status=outcome.status,
        attempts=outcome.attempts,
        duration_seconds=outcome.duration_seconds,
    )
    return outcome


def run_pipeline(
    context: StepContext,
    *,
    steps: Iterable[str] | None = None,
    progress: Progress | None = None,
    backoff_seconds: float = 1.0,
) -> PipelineReport:
    """Run ``steps`` (default: all) in dependency order.

    A failed step does not stop independent steps; steps downstream of it are skipped.
    """
    context = replace(context, run_key=context.run_key or uuid.uuid4().hex)
    ordered = order_steps(steps)
    failed: set[str] = set()
    outcomes: list[StepOutcome] = []
    for position, step in enumerate(ordered):
        if progress:
            progress(f"step {step.name}", position, len(ordered))
        if failed.intersection(step.after):
            outcomes.append(
                StepOutcome(step.name, None, "skipped", 0, 0.0, 0, "upstream step failed")
            )
            failed.add(step.name)
            continue
        partitions = step.partitions(context.engine) if step.partitions else [None]
        for partition in partitions:
            outcome = run_step(
                step, replace(context, partition=partition), backoff_seconds=backoff_seconds
            )
            outcomes.append(outcome)
            if outcome.status == "failed":
                failed.add(step.name)
    report = PipelineReport(context.run_key, tuple(outcomes))
    logger.info(
        "pipeline %s: %d step runs, succeeded=%s", report.run_key, len(outcomes), report.succeeded
    )
    return report
