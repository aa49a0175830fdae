"""Build Airflow DAGs from Pulso's pipeline steps with the TaskFlow API.

One DAG per workspace (retail, restaurants); in it, one task per step of the DAG's areas,
wired by the steps' ``after``. A partitioned step becomes a task that lists its partitions
and a task mapped over them (dynamic task mapping), so Celery or Kubernetes workers run the
partitions (sources, retailers, restaurants) in parallel. Every step task has retries and an
execution timeout; a ``plan_run`` task fixes the run key and day that every step shares.

Building a DAG does no work: it reads the step graph from source (:mod:`.catalog`), not by
importing the steps; task bodies import Pulso's heavy modules when they run.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pulso.pipelines.airflow.catalog import StepSpec, read_step_specs, select_steps

__all__ = ["DEFAULT_START_DATE", "build_dag"]

#: The first day a Pulso DAG may run (no catchup: only the latest interval runs).
DEFAULT_START_DATE = datetime(2026, 1, 1, tzinfo=UTC)


# --- task bodies: module-level so that workers find them when they load the DAG file ------


def plan_run_task() -> dict[str, str]:
    """Fix this DAG run's run key and day; migrate the Pulso database."""
    from pulso.pipelines.airflow.execution import plan_run

    context = importlib.import_module("airflow.sdk").get_current_context()
    return plan_run(
        dag_id=context["dag"].dag_id,
        run_id=context["run_id"],
        logical_date=context.get("logical_date"),
    )


def list_partitions_task(step_name: str) -> list[str]:
    """The partitions a partitioned step runs over in this DAG run."""
    from pulso.pipelines.airflow.execution import list_partitions

    return list_partitions(step_name)


def run_step_task(
    run: dict[str, str], step_name: str, partition: str | None = None
) -> dict[str, Any]:
    """Run one step (one partition) with the local runner's ``run_step``."""
    from pulso.pipelines.airflow.execution import execute_step

    return execute_step(step_name, run, partition=partition)


# --- the factory -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Wired:
    """The first and last task of a step (the same task unless the step is partitioned)."""

    first: Any
    last: Any


def _step_tasks(
    spec: StepSpec, run: Any, *, task: Any, timeout: timedelta, trigger_rule: str
) -> _Wired:
    options = {
        "retries": spec.retries,
        "execution_timeout": timeout,
        "trigger_rule": trigger_rule,
    }
    if not spec.partitioned:
        single = task(task_id=spec.name, **options)(run_step_task)
        done = single(run=run, step_name=spec.name)
        return _Wired(done, done)
    lister = task(
        task_id=f"{spec.name}__partitions", retries=spec.retries, trigger_rule=trigger_rule
    )(list_partitions_task)
    partitions = lister(step_name=spec.name)
    mapped = task(task_id=spec.name, **options)(run_step_task)
    done = mapped.partial(run=run, step_name=spec.name).expand(partition=partitions)
    run >> partitions
    return _Wired(partitions, done)


def build_dag(
    dag_id: str,
    *,
    areas: Collection[str],
    schedule: str | None,
    description: str = "",
    start_date: datetime = DEFAULT_START_DATE,
    timeout: timedelta = timedelta(hours=1),
    step_timeouts: Mapping[str, timedelta] | None = None,
    retry_delay: timedelta = timedelta(minutes=5),
    tags: Collection[str] = (),
    steps_directory: Path | None = None,
) -> Any:
    """A DAG with one task per pipeline step of ``areas`` (mapped over partitions).

    ``timeout`` is each step task's execution timeout (``step_timeouts`` overrides it per
    step); retries come from each step's ``@step(retries=...)``. Steps run when no upstream
    failed (``none_failed``), so a partitioned step with no partitions today does not block
    the steps after it; a failed step skips everything downstream, as the local runner does.
    """
    sdk = importlib.import_module("airflow.sdk")
    specs = select_steps(read_step_specs(steps_directory), areas=areas)
    timeouts = dict(step_timeouts or {})

    def define() -> None:
        run = sdk.task(task_id="plan_run", retries=2)(plan_run_task)()
        wired: dict[str, _Wired] = {}
        for spec in specs:
            wired[spec.name] = _step_tasks(
                spec,
                run,
                task=sdk.task,
                timeout=timeouts.get(spec.name, timeout),
                trigger_rule="none_failed",
            )
        for spec in specs:
            for upstream in spec.after:
                if upstream in wired:
                    wired[upstream].last >> wired[spec.name].first

    decorator = sdk.dag(
        dag_id=dag_id,
        schedule=schedule,
        start_date=start_date,
        catchup=False,
        max_active_runs=1,
        description=description,
        tags=sorted({"pulso", *tags}),
        default_args={"retry_delay": retry_delay, "owner": "pulso"},
        doc_md=__doc__,
    )
    return decorator(define)()
