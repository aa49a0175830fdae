"""Airflow DAGs: the DagBag loads, and ``dag.test()`` runs the DAGs end to end on the demo.

Airflow lives in its own environment (``make airflow`` creates ``.venv-airflow``: Airflow caps
FastAPI below 0.137), so these tests run ``ops_airflow_checks.py`` with that interpreter, with
AIRFLOW_HOME and Airflow's SQLite database in a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import TEST_SECRET

from pulso.pipelines.airflow import RESTAURANT_AREAS, RETAIL_AREAS, read_step_specs
from pulso.store.session import create_db_engine
from pulso.store.tables_ops import PipelineRun

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW_PYTHON = ROOT / ".venv-airflow" / "bin" / "python"
CHECKS = Path(__file__).with_name("ops_airflow_checks.py")
TOY_STEPS = Path(__file__).with_name("ops_toy_steps")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not AIRFLOW_PYTHON.exists(),
        reason="no Airflow environment: run `make airflow` to create .venv-airflow",
    ),
]

TOY_DAG = f'''"""Toy DAG of the factory test (Airflow needs DAGs in files to run them)."""
import importlib.util
from datetime import timedelta
from pathlib import Path

from pulso.pipelines.airflow import build_dag
from pulso.pipelines.registry import STEPS

TOY_STEPS = Path({str(TOY_STEPS)!r})
if "toy_source" not in STEPS:  # tasks run in this process, which parses the file twice
    for path in sorted(TOY_STEPS.glob("*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        spec.loader.exec_module(importlib.util.module_from_spec(spec))

dag = build_dag(
    "pulso_toy", areas=("toy",), schedule=None, steps_directory=TOY_STEPS,
    retry_delay=timedelta(seconds=0),
)
'''


def _run_checks(*args: str, home: Path, dags: Path, database_url: str, data_dir: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULSO_", "AIRFLOW"))}
    env |= {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "PULSO_ENV": "test",
        "PULSO_SECRET_KEY": TEST_SECRET,
        "PULSO_DATABASE_URL": database_url,
        "PULSO_DATA_DIR": str(data_dir),
    }
    result = subprocess.run(
        [str(AIRFLOW_PYTHON), str(CHECKS), *args],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_dagbag_loads_every_step_without_heavy_imports(tmp_path):
    report = _run_checks(
        "dagbag",
        str(ROOT / "dags"),
        home=tmp_path,
        dags=ROOT / "dags",
        database_url=f"sqlite:///{tmp_path / 'pulso.db'}",
        data_dir=tmp_path / ".pulso",
    )
    specs = read_step_specs()

    assert report["import_errors"] == {}
    assert set(report["dags"]) == {"pulso_retail", "pulso_restaurants"}
    assert report["heavy_modules_at_parse"] == []
    for dag_id, areas in (("pulso_retail", RETAIL_AREAS), ("pulso_restaurants", RESTAURANT_AREAS)):
        dag = report["dags"][dag_id]
        mine = [s for s in specs if s.area in areas]
        assert dag["catchup"] is False
        assert {s.name for s in mine} | {"plan_run"} <= set(dag["tasks"])
        for spec in mine:
            first = f"{spec.name}__partitions" if spec.partitioned else spec.name
            upstream = set(dag["upstream"][first])
            assert {a for a in spec.after if a in dag["tasks"]} <= upstream
            assert "plan_run" in upstream
            if spec.partitioned:
                assert set(dag["upstream"][spec.name]) == {first, "plan_run"}
            assert dag["retries"][spec.name] == spec.retries
            assert dag["timeouts"][spec.name] == 3600
            assert (spec.name in dag["mapped"]) == spec.partitioned
    assert "run_sources" in report["dags"]["pulso_retail"]["mapped"]


def _copy_dags(folder: Path) -> Path:
    folder.mkdir()
    for path in (ROOT / "dags").glob("*.py"):
        shutil.copy(path, folder / path.name)
    (folder / "pulso_toy.py").write_text(TOY_DAG)
    return folder


def test_dag_test_runs_the_toy_retail_and_restaurant_dags_on_the_demo(
    demo_sqlite_engine, small_demo_dir, tmp_path
):
    database_url = str(demo_sqlite_engine.url)
    demo_sqlite_engine.dispose()
    data_dir = tmp_path / ".pulso"
    data_dir.mkdir()
    (data_dir / "demo").symlink_to(small_demo_dir)  # where `pulso demo` leaves its files
    dags = _copy_dags(tmp_path / "dags")

    report = _run_checks(
        "run",
        str(dags),
        "pulso_toy",
        "pulso_retail",
        "pulso_restaurants",
        home=tmp_path,
        dags=dags,
        database_url=database_url,
        data_dir=data_dir,
    )
    runs = report["runs"]
    engine = create_db_engine(database_url)
    with Session(engine) as session:
        recorded = session.execute(select(PipelineRun)).scalars().all()

    toy = runs["pulso_toy"]
    assert toy["state"] == "failed"
    assert toy["task_states"]["toy_per_shop"] == ["success"] * 3
    assert toy["task_states"]["toy_summary"] == ["success"]
    assert toy["task_states"]["toy_broken"] == ["failed"]
    assert toy["task_states"]["toy_after_broken"] == ["upstream_failed"]
    toy_rows = {(r.step, r.partition): r for r in recorded if r.run_key.startswith("pulso_toy:")}
    assert {p for s, p in toy_rows if s == "toy_per_shop"} == {"tottus", "wong", "metro"}
    assert toy_rows[("toy_broken", None)].status == "failed"
    assert "bad model input" in (toy_rows[("toy_broken", None)].error or "")
    assert ("toy_after_broken", None) not in toy_rows
    for dag_id in ("pulso_retail", "pulso_restaurants"):
        run = runs[dag_id]
        assert run["state"] == "success", run
        rows = [r for r in recorded if r.run_key.startswith(f"{dag_id}:")]
        assert all(r.status == "succeeded" for r in rows)
        step_tasks = {
            task: states
            for task, states in run["task_states"].items()
            if task != "plan_run" and not task.endswith("__partitions")
        }
        assert step_tasks, f"{dag_id} has no step tasks"
        for task, states in step_tasks.items():
            ran = [r for r in rows if r.step == task]
            assert len(ran) == states.count("success"), (task, states)
            assert set(states) <= {"success", "skipped"}, (task, states)
