"""``pulso pipeline run`` killed with SIGKILL at random moments leaves nothing half-written.

A reference run on a copy of the small demo records every table after every step run. Then,
per seed, ``pulso pipeline run`` runs in a real process and is killed while a randomly chosen
step works; ``pulso pipeline run STEP...`` resumes with the steps not finished and is killed
again later, three times in all; a last run completes. After each kill:

* ``pipeline_run`` shows at most one step ``running`` per run, the last one it started;
* every table equals the reference after the finished step runs, or after the interrupted one
  too when the kill came between its commit and its ``pipeline_run`` update (a step replaces
  its partition in one transaction, so there is no third possibility);
* every registered model version points at an artifact that exists;

and after the last run every table equals the reference's final state. On PostgreSQL the
reference is the SQLite one, compared by row counts (values of floating-point results may
differ in the last digits between engines).

The steps are whatever the areas have registered when the test runs; with none, a test step
that writes a table in one transaction stands in (``pipeline_crash_steps.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import DateTime, Engine, MetaData, Table, select, text
from tests.conftest import TEST_SECRET

import pulso.pipelines.steps  # noqa: F401 - registers the areas' steps
from pulso.pipelines.registry import STEPS, StepContext, order_steps
from pulso.pipelines.runner import run_pipeline, run_step
from pulso.store.session import create_db_engine

FALLBACK = Path(__file__).with_name("pipeline_crash_steps.py")
SEEDS = (11, 23)
KILLS_PER_SEED = 3
_SKIPPED_TABLES = {"pipeline_run", "alembic_version", "model_version"}


def _fallback_needed() -> bool:
    return not STEPS


if _fallback_needed():  # pragma: no cover - only before any area registers a step
    sys.path.insert(0, str(FALLBACK.parent))
    import pipeline_crash_steps  # type: ignore[import-not-found]  # noqa: F401


# --- snapshots ------------------------------------------------------------------------------


def _stable_columns(table: Table) -> list[str]:
    """Columns whose values a re-run reproduces: not ids, not timestamps, and not links (a
    step deletes and inserts its rows again, under new ids)."""
    return [
        column.name
        for column in table.columns
        if not column.primary_key
        and not column.foreign_keys
        and not isinstance(column.type, DateTime)
    ]


def _table_state(connection, table: Table, columns: list[str]) -> tuple[int, str]:
    rows = sorted(
        json.dumps([row[c] for c in columns], default=str, sort_keys=True)
        for row in connection.execute(select(table)).mappings()
    )
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]


def _state(engine: Engine) -> dict[str, tuple[int, str]]:
    reflected = MetaData()
    with engine.connect() as connection:
        reflected.reflect(bind=connection)
        return {
            name: _table_state(connection, table, _stable_columns(table))
            for name, table in sorted(reflected.tables.items())
            if name not in _SKIPPED_TABLES
        }


def _models(engine: Engine) -> dict[str, tuple[str, str, str]]:
    """The newest version of each model: stage, params, metrics without timings (a re-run may
    add versions, and wall-clock figures differ between runs)."""
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT name, stage, params, metrics FROM model_version ORDER BY version")
        ).all()
    newest = {}
    for name, stage, params, metrics in rows:
        metrics = json.loads(metrics) if isinstance(metrics, str) else metrics
        kept = {k: v for k, v in (metrics or {}).items() if "seconds" not in k}
        newest[name] = (stage, str(params), json.dumps(kept, sort_keys=True))
    return newest


def _artifacts_exist(engine: Engine) -> bool:
    """Every model version's artifact is there: a file, or a folder holding files."""
    with engine.connect() as connection:
        uris = connection.execute(text("SELECT artifact_uri FROM model_version")).scalars().all()
    return all(
        uri is None or Path(uri).is_file() or (Path(uri).is_dir() and any(Path(uri).iterdir()))
        for uri in uris
    )


# --- the reference --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reference:
    """The database after each step run of a clean pipeline, and each run's duration."""

    states: list[dict[str, tuple[int, str]]]
    durations: list[float]
    models: dict[str, tuple[str, str, str]]


def _context(engine: Engine, data_dir: Path) -> StepContext:
    today = datetime.now(ZoneInfo("America/Lima")).date()  # what `pulso pipeline run` uses
    return StepContext(
        engine=engine, data_dir=data_dir, run_key=uuid.uuid4().hex, today=today, seed=7
    )


def _reference(engine: Engine, data_dir: Path) -> Reference:
    """Run every step as ``run_pipeline`` does, one run at a time, recording the database."""
    context = _context(engine, data_dir)
    states = [_state(engine)]
    durations: list[float] = []
    failed: set[str] = set()
    for step in order_steps():
        if failed.intersection(step.after):
            failed.add(step.name)  # skipped: no pipeline_run row, as in run_pipeline
            continue
        for partition in step.partitions(engine) if step.partitions else [None]:
            outcome = run_step(step, replace(context, partition=partition), backoff_seconds=1.0)
            durations.append(outcome.duration_seconds)
            states.append(_state(engine))
            if outcome.status == "failed":
                failed.add(step.name)
    assert durations, "no pipeline step ran"
    return Reference(states, durations, _models(engine))


# --- the killed run -------------------------------------------------------------------------


def _pipeline_command(url: str, steps: list[str]) -> list[str]:
    arguments = ["pipeline", "run", *steps, "--db", url, "--json"]
    if not _fallback_needed():
        return [sys.executable, "-m", "pulso", *arguments]
    bootstrap = (  # pragma: no cover - see _fallback_needed
        f"import sys; sys.path.insert(0, {str(FALLBACK.parent)!r}); import pipeline_crash_steps; "
        "from pulso.cli import main; sys.argv = ['pulso', *sys.argv[1:]]; main()"
    )
    return [sys.executable, "-c", bootstrap, *arguments]


def _pipeline_rows(engine: Engine) -> list[tuple[str, str, str | None, str]]:
    """``(run_key, step, partition, status)`` of every step run, oldest first."""
    with engine.connect() as connection:
        return [
            (run_key, step, partition, status)
            for run_key, step, partition, status in connection.execute(
                text("SELECT run_key, step, partition, status FROM pipeline_run ORDER BY id")
            )
        ]


def _finished(engine: Engine) -> set[tuple[str, str | None]]:
    return {
        (step, part) for _, step, part, status in _pipeline_rows(engine) if status != "running"
    }


def _remaining_steps(engine: Engine) -> list[str]:
    """Steps with a partition that has not succeeded yet, in run order."""
    done = {
        (step, part) for _, step, part, status in _pipeline_rows(engine) if status == "succeeded"
    }
    return [
        s.name
        for s in order_steps()
        if any((s.name, p) not in done for p in (s.partitions(engine) if s.partitions else [None]))
    ]


def _kill_during_a_step(
    engine: Engine, data_dir: Path, *, steps: list[str], runs_in: int, pause: float
) -> None:
    """Start ``pulso pipeline run STEPS``; kill it ``pause`` s after its ``runs_in``-th step
    run started (or let it finish if it ends first)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSO_")}
    env |= {"PULSO_SECRET_KEY": TEST_SECRET, "PULSO_DATA_DIR": str(data_dir)}
    url = engine.url.render_as_string(hide_password=False)
    before = len(_pipeline_rows(engine))
    process = subprocess.Popen(
        _pipeline_command(url, steps),
        cwd=data_dir.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if len(_pipeline_rows(engine)) - before >= runs_in:
                time.sleep(pause)
                break
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)


def _check_after_kill(engine: Engine, reference: Reference, *, counts_only: bool) -> None:
    rows = _pipeline_rows(engine)
    for run_key in dict.fromkeys(key for key, *_ in rows):
        statuses = [status for key, _, _, status in rows if key == run_key]
        running = [i for i, status in enumerate(statuses) if status == "running"]
        assert len(running) <= 1, f"several steps left running: {rows}"
        assert not running or running[0] == len(statuses) - 1, (
            f"a step after a running one: {rows}"
        )
    finished = len(_finished(engine))
    state = _state(engine)
    allowed = reference.states[finished : finished + 2]
    if counts_only:
        state = {name: (rows_, "") for name, (rows_, _) in state.items()}
        allowed = [{name: (rows_, "") for name, (rows_, _) in s.items()} for s in allowed]
    assert state in allowed, (
        f"partial output after {finished} finished step runs: tables "
        f"{sorted(n for n in state if all(state[n] != s.get(n) for s in allowed))}"
    )
    assert _artifacts_exist(engine), "a model version points at a missing artifact"


def _kill_repeatedly(
    engine: Engine,
    data_dir: Path,
    reference: Reference,
    *,
    seed: int,
    kills: int,
    counts_only: bool,
) -> None:
    rng = np.random.default_rng(seed)
    total = len(reference.durations)
    for _ in range(kills):
        done = len(_finished(engine))
        if done >= total:
            break
        target = int(rng.integers(done + 1, total + 1))  # a step run not finished yet
        pause = float(rng.uniform(0.0, 1.0)) * reference.durations[target - 1]
        first_remaining = done + 1
        _kill_during_a_step(
            engine,
            data_dir,
            steps=_remaining_steps(engine),
            runs_in=target - first_remaining + 1,
            pause=pause,
        )
        _check_after_kill(engine, reference, counts_only=counts_only)


# --- engines --------------------------------------------------------------------------------


def _sqlite_copy(template: Path, directory: Path, name: str) -> Engine:
    path = directory / name
    shutil.copyfile(template, path)
    return create_db_engine(f"sqlite:///{path}")


@pytest.fixture(scope="module")
def demo_db_template(_small_demo_sqlite_template: Path) -> Path:
    """The small demo loaded into SQLite, before any pipeline step (copy it, never write)."""
    return _small_demo_sqlite_template


@pytest.fixture(scope="module")
def sqlite_reference(tmp_path_factory, _small_demo_sqlite_template) -> Iterator[Reference]:
    directory = tmp_path_factory.mktemp("pipeline-reference")
    engine = _sqlite_copy(_small_demo_sqlite_template, directory, "reference.db")
    yield _reference(engine, directory / ".pulso")
    engine.dispose()


def _assert_recovers(
    engine: Engine, data_dir: Path, reference: Reference, *, counts_only: bool
) -> None:
    """The next run, of the steps not finished, ends like the reference."""
    run_pipeline(_context(engine, data_dir), steps=_remaining_steps(engine), backoff_seconds=1.0)
    state = _state(engine)
    if counts_only:
        assert {n: r for n, (r, _) in state.items()} == {
            n: r for n, (r, _) in reference.states[-1].items()
        }
    else:
        assert state == reference.states[-1]
        assert _models(engine) == reference.models
    assert _artifacts_exist(engine)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_sigkill_mid_pipeline_leaves_whole_steps_only(
    seed, sqlite_reference, tmp_path, demo_db_template
):
    engine = _sqlite_copy(demo_db_template, tmp_path, "killed.db")
    data_dir = tmp_path / ".pulso"
    _kill_repeatedly(
        engine, data_dir, sqlite_reference, seed=seed, kills=KILLS_PER_SEED, counts_only=False
    )
    _assert_recovers(engine, data_dir, sqlite_reference, counts_only=False)
    engine.dispose()


@pytest.mark.slow
@pytest.mark.pg
def test_sigkill_mid_pipeline_on_postgresql(demo_pg_engine, sqlite_reference, tmp_path):
    data_dir = tmp_path / ".pulso"
    _kill_repeatedly(
        demo_pg_engine, data_dir, sqlite_reference, seed=SEEDS[0], kills=1, counts_only=True
    )
    _assert_recovers(demo_pg_engine, data_dir, sqlite_reference, counts_only=True)
