"""What Airflow task bodies call: plan a run, list a step's partitions, run one partition.

Nothing here imports Airflow, so it is tested in the main environment; the task bodies in
:mod:`pulso.pipelines.airflow.factory` are one-line calls into these functions. Each Airflow
task is an entry point, so it reads the settings (``PULSO_*`` variables of the worker) and
builds the same :class:`~pulso.pipelines.registry.StepContext` the local runner uses.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from pulso.config import Settings, get_settings
from pulso.errors import ConfigError, PulsoError
from pulso.pipelines.registry import STEPS, Step, StepContext

__all__ = [
    "StepFailedError",
    "build_step_context",
    "execute_step",
    "list_partitions",
    "plan_run",
    "run_key_for",
]

logger = logging.getLogger(__name__)

_RUN_KEY_LENGTH = 64  # pipeline_run.run_key


class StepFailedError(PulsoError):
    """A pipeline step failed; raised so that Airflow marks the task failed and retries it."""


def run_key_for(dag_id: str, run_id: str) -> str:
    """The ``pipeline_run.run_key`` of an Airflow DAG run (at most 64 characters)."""
    key = f"{dag_id}:{run_id}"
    if len(key) <= _RUN_KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: _RUN_KEY_LENGTH - 17]}~{digest}"


def build_step_context(
    settings: Settings,
    *,
    engine: Engine,
    run_key: str,
    today: date,
    partition: str | None = None,
    seed: int = 7,
) -> StepContext:
    """The context a step gets, from the settings; the local runner and Airflow share it."""
    return StepContext(
        engine=engine,
        data_dir=settings.data_dir,
        run_key=run_key,
        today=today,
        partition=partition,
        seed=seed,
        params={"timezone": settings.ingest.timezone, "mlflow_uri": settings.mlflow_uri},
    )


def _registered(step_name: str) -> Step:
    importlib.import_module("pulso.pipelines.steps")  # registers every step (heavy imports)
    step = STEPS.get(step_name)
    if step is None:
        known = ", ".join(sorted(STEPS)) or "none"
        raise ConfigError(f"unknown pipeline step {step_name!r}; known steps: {known}")
    return step


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    from pulso.store.session import create_db_engine

    return create_db_engine(url)


def plan_run(*, dag_id: str, run_id: str, logical_date: datetime | None) -> dict[str, str]:
    """Migrate the database and fix the run's key and day (sent to every task by XCom).

    The day is the logical date in the configured time zone (today for manual runs without
    one), so a re-run of a past DAG run recomputes that day's partition.
    """
    from pulso.store.session import upgrade_database

    settings = get_settings()
    upgrade_database(_engine(settings.database_url))
    zone = ZoneInfo(settings.ingest.timezone)
    moment = logical_date.astimezone(zone) if logical_date else datetime.now(zone)
    return {"run_key": run_key_for(dag_id, run_id), "today": moment.date().isoformat()}


def list_partitions(step_name: str) -> list[str]:
    """The partitions of a partitioned step (sources, retailers, restaurants), now."""
    step = _registered(step_name)
    if step.partitions is None:
        return []
    return list(step.partitions(_engine(get_settings().database_url)))


def execute_step(
    step_name: str, run: dict[str, str], *, partition: str | None = None
) -> dict[str, Any]:
    """Run one step (one partition) once, recorded in ``pipeline_run``; raise if it failed.

    Airflow owns the retries (the task's ``retries``), so the step runs with none of its own.
    Returns a small summary for XCom.
    """
    from pulso.pipelines.runner import run_step

    settings = get_settings()
    step = replace(_registered(step_name), retries=0)
    context = build_step_context(
        settings,
        engine=_engine(settings.database_url),
        run_key=run["run_key"],
        today=date.fromisoformat(run["today"]),
        partition=partition,
    )
    outcome = run_step(step, context, backoff_seconds=0)
    if outcome.status != "succeeded":
        where = f" [{partition}]" if partition else ""
        raise StepFailedError(f"pipeline step {step_name}{where} failed: {outcome.error}")
    return {
        "step": outcome.step,
        "partition": outcome.partition,
        "rows_written": outcome.rows_written,
        "duration_seconds": round(outcome.duration_seconds, 3),
    }
