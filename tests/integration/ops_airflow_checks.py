"""Airflow checks run by ``.venv-airflow/bin/python`` (Airflow lives in its own environment).

Called by ``test_ops_airflow.py`` with AIRFLOW_HOME, the Airflow database and the Pulso
settings (``PULSO_*``) in the environment. Usage::

    python ops_airflow_checks.py dagbag DAGS_FOLDER
    python ops_airflow_checks.py run DAGS_FOLDER DAG_ID [DAG_ID ...]

Prints one JSON document on its last line of stdout.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any


def _migrate() -> float:
    upgradedb = importlib.import_module("airflow.utils.db").upgradedb
    started = time.perf_counter()
    upgradedb()
    return time.perf_counter() - started


def _dagbag(folder: str) -> Any:
    dagbag = importlib.import_module("airflow.dag_processing.dagbag")
    return dagbag.DagBag(dag_folder=folder)


def _is_mapped(task: Any) -> bool:
    return any(cls.__name__ == "MappedOperator" for cls in type(task).__mro__)


def check_dagbag(folder: str) -> dict[str, Any]:
    started = time.perf_counter()
    bag = _dagbag(folder)
    seconds = time.perf_counter() - started
    heavy = sorted(
        m for m in ("torch", "sklearn", "pandas", "pulso.pipelines.steps") if m in sys.modules
    )
    return {
        "import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
        "dags": {
            dag_id: {
                "tasks": sorted(dag.task_ids),
                "upstream": {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks},
                "retries": {t.task_id: t.retries for t in dag.tasks},
                "timeouts": {
                    t.task_id: t.execution_timeout.total_seconds() if t.execution_timeout else None
                    for t in dag.tasks
                },
                "mapped": sorted(t.task_id for t in dag.tasks if _is_mapped(t)),
                "schedule": str(dag.schedule),
                "catchup": dag.catchup,
            }
            for dag_id, dag in bag.dags.items()
        },
        "parse_seconds": round(seconds, 3),
        "heavy_modules_at_parse": heavy,
    }


def _test_dag(dag: Any) -> dict[str, Any]:
    started = time.perf_counter()
    run = dag.test(logical_date=datetime(2026, 11, 16, 6, tzinfo=UTC))
    seconds = time.perf_counter() - started
    states: dict[str, list[str]] = {}
    for ti in run.get_task_instances():
        states.setdefault(ti.task_id, []).append(str(ti.state))
    return {
        "state": str(run.state),
        "run_id": run.run_id,
        "task_states": states,
        "seconds": round(seconds, 2),
    }


def run_dags(folder: str, dag_ids: list[str]) -> dict[str, Any]:
    migrate_seconds = _migrate()
    bag = _dagbag(folder)
    if bag.import_errors:
        return {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}}
    return {
        "migrate_seconds": round(migrate_seconds, 2),
        "runs": {dag_id: _test_dag(bag.dags[dag_id]) for dag_id in dag_ids},
    }


def main() -> None:
    mode, *args = sys.argv[1:]
    if mode == "dagbag":
        result = check_dagbag(args[0])
    elif mode == "run":
        result = run_dags(args[0], args[1:])
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    sys.stdout.write("\n" + json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
