"""A stand-in pipeline step for the crash-safety test, used only while no area registers one.

It rewrites ``crash_safety_summary`` (rows per listing) in one transaction, slowly, so that a
kill lands inside the transaction.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from pulso.pipelines.registry import StepContext, StepResult, step


@step("crash_safety_summary", area="test")
def crash_safety_summary(context: StepContext) -> StepResult:
    """Observations per listing, written one row at a time in a single transaction."""
    with context.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE IF NOT EXISTS crash_safety_summary "
                "(listing_id INTEGER PRIMARY KEY, observations INTEGER NOT NULL)"
            )
        )
        connection.execute(text("DELETE FROM crash_safety_summary"))
        counts = connection.execute(
            text("SELECT listing_id, count(*) FROM price_observation GROUP BY listing_id")
        ).all()
        for listing_id, observations in counts:
            connection.execute(
                text("INSERT INTO crash_safety_summary VALUES (:listing, :count)"),
                {"listing": listing_id, "count": observations},
            )
            time.sleep(0.01)
    return StepResult(rows_written=len(counts))
