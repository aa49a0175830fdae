"""What every import must satisfy, whatever file it is given.

* It returns a result or raises :class:`~pulso.errors.InputError`; anything else is a crash.
* Refused: nothing of the file is stored and its ``ingest_run`` is ``failed``.
* Imported: ``accepted + quarantined + duplicates == rows_read``; exactly ``accepted`` rows
  reached the kind's fact table (no half batch); exactly ``quarantined`` rows reached quarantine,
  each with a reason; the run is ``succeeded`` with those counts.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.conftest import TEST_SECRET

from pulso.errors import InputError
from pulso.ingest.runner import IngestOptions, IngestResult, ingest_file
from pulso.store.tables import (
    Base,
    Diner,
    Dish,
    Feedback,
    IngestRun,
    OrderLine,
    OwnPrice,
    PriceObservation,
    Product,
    Promotion,
    QuarantinedRow,
    ShopperActivity,
    SurveyResponse,
)

__all__ = [
    "FACT_TABLES",
    "OPTIONS",
    "REFUSALS",
    "SCALE",
    "TALLY",
    "Checked",
    "fuzz_settings",
    "import_and_check",
]

#: Multiplies every example count (``PULSO_TEST_FUZZ_SCALE=20`` for a long run).
SCALE = float(os.environ.get("PULSO_TEST_FUZZ_SCALE", "1"))
OPTIONS = IngestOptions(pseudonym_key=TEST_SECRET.encode())


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        database=None,
        # Shrinking replays imports for minutes; a failing file is small enough as drawn.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


#: The table each kind's accepted rows land in.
FACT_TABLES: dict[str, type[Base]] = {
    "prices": PriceObservation,
    "catalog": Product,
    "sales": OwnPrice,
    "promotions": Promotion,
    "orders": OrderLine,
    "menu": Dish,
    "feedback": Feedback,
    "surveys": SurveyResponse,
    "diners": Diner,
    "shoppers": ShopperActivity,
}

#: Files tried in this test session, by outcome (printed by tests/fuzz/conftest.py).
TALLY: Counter[str] = Counter()
#: Why files were refused, by the start of the message.
REFUSALS: Counter[str] = Counter()


@dataclass(frozen=True, slots=True)
class Checked:
    """An import that passed the invariants: its result (None when refused) and quarantine."""

    result: IngestResult | None
    error: InputError | None
    quarantined_rows: frozenset[int]


def _count(session: Session, model: type[Base]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _state(engine: Engine, kind: str) -> tuple[int, int]:
    with Session(engine) as session:
        return _count(session, FACT_TABLES[kind]), _count(session, QuarantinedRow)


def import_and_check(engine: Engine, kind: str, path: Path, *, options: IngestOptions) -> Checked:
    """Import ``path`` and assert the invariants of the module docstring."""
    facts_before, quarantine_before = _state(engine, kind)
    try:
        result = ingest_file(engine, kind, path, options=options)
    except InputError as exc:
        TALLY["refused"] += 1
        REFUSALS[exc.reason.split(":")[0].split("(")[0].strip()[:60]] += 1
        assert _state(engine, kind) == (facts_before, quarantine_before), "refused file wrote rows"
        with Session(engine) as session:
            run = session.scalars(select(IngestRun).order_by(IngestRun.id.desc())).first()
        assert run is not None
        assert run.status == "failed"
        assert run.error
        return Checked(None, exc, frozenset())
    TALLY["imported"] += 1
    TALLY["rows"] += result.rows_read
    facts_after, quarantine_after = _state(engine, kind)
    assert result.accepted + result.quarantined + result.duplicates == result.rows_read, result
    assert facts_after - facts_before == result.accepted, "half batch or phantom rows"
    assert quarantine_after - quarantine_before == result.quarantined
    with Session(engine) as session:
        run = session.get(IngestRun, result.run_id)
        rows = session.scalars(
            select(QuarantinedRow).where(QuarantinedRow.run_id == result.run_id)
        ).all()
    assert run is not None
    assert run.status == "succeeded"
    assert (run.accepted, run.quarantined, run.duplicates, run.rows_read) == (
        result.accepted,
        result.quarantined,
        result.duplicates,
        result.rows_read,
    )
    assert all(row.reason.strip() and row.row_number >= 1 for row in rows)
    return Checked(result, None, frozenset(row.row_number for row in rows))
