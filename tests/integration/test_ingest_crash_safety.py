"""A ``pulso ingest`` killed with SIGKILL at random moments leaves no half batch behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.conftest import TEST_SECRET
from tests.factories import prices_file

from pulso.ingest.runner import ingest_file
from pulso.store.tables import IngestRun, Listing, PriceObservation

ROWS = 150_000


def _count(engine, model) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_mid_ingest_leaves_all_or_nothing(engine, tmp_path, ingest_options, seed):
    path = prices_file(tmp_path / "big.csv", good=ROWS, seed=seed, listings=1_000)
    url = engine.url.render_as_string(hide_password=False)
    env = os.environ | {"PULSO_SECRET_KEY": TEST_SECRET, "PULSO_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pulso", "ingest", "prices", str(path), "--db", url, "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(float(np.random.default_rng(seed).uniform(1.5, 6.0)))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    stored = _count(engine, PriceObservation)
    assert stored in (0, ROWS), f"half batch: {stored} of {ROWS} rows stored"
    if stored == 0:
        assert _count(engine, Listing) == 0, "orphan listings from a killed run"

    result = ingest_file(engine, "prices", path, options=ingest_options)
    assert result.accepted + result.duplicates == ROWS
    assert _count(engine, PriceObservation) == ROWS
    with Session(engine) as session:
        statuses = [
            run.status for run in session.scalars(select(IngestRun).order_by(IngestRun.id))
        ]
    assert statuses[-1] == "succeeded"
    assert statuses[0] in ("running", "succeeded")
