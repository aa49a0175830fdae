"""The small demo loads through the normal import path and its planted dirt is caught exactly."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pulso.store.tables import IngestRun, Listing, PriceObservation, Retailer


def test_planted_bad_rows_and_duplicates_are_caught_exactly(demo_engine, small_demo_manifest):
    with Session(demo_engine) as session:
        runs = session.scalars(select(IngestRun).order_by(IngestRun.id)).all()
        retailers = session.scalars(select(Retailer).order_by(Retailer.name)).all()
        listings = session.scalar(select(func.count()).select_from(Listing))
        observations = session.scalar(select(func.count()).select_from(PriceObservation))

    assert len(runs) == len(small_demo_manifest.entries)
    for run, entry in zip(runs, small_demo_manifest.entries, strict=True):
        assert run.status == "succeeded"
        assert run.path.endswith(entry.path)
        assert run.rows_read == entry.rows
        assert run.quarantined == entry.planted_bad_rows, entry.path
        assert run.duplicates == entry.planted_duplicates, entry.path
        assert run.accepted == entry.rows - entry.planted_bad_rows - entry.planted_duplicates
    assert len(retailers) >= 6
    assert [r.name for r in retailers if r.is_own] == ["Plaza Vea"]
    assert listings
    assert observations
    assert observations > 40 * listings
