"""Sources pipeline step: run every configured source whose schedule has come.

``run_sources`` is partitioned by source (one partition per due source), so the local runner
records one ``pipeline_run`` row per source and Airflow maps one task per source. A failing
source fails only its own partition; :func:`~pulso.ingest.connectors.sources.run_source` has
already raised its ``source_failed`` alert and kept its breaker state.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Engine

from pulso.ingest.connectors.sources import SourceRuntime, due_sources, run_source
from pulso.ingest.runner import IngestOptions
from pulso.pipelines.registry import StepContext, StepResult, step

__all__ = ["run_sources"]

logger = logging.getLogger(__name__)


def _due(engine: Engine) -> list[str]:
    return due_sources(engine, now=datetime.now(UTC))


def _options(context: StepContext) -> IngestOptions:
    given = context.params.get("ingest_options")
    if isinstance(given, IngestOptions):
        return given
    from pulso.config import get_settings  # the step is an entry point under Airflow

    settings = get_settings()
    return IngestOptions(
        pseudonym_key=settings.secret_key.get_secret_value().encode(),
        own_retailer=settings.own_retailer,
        timezone=settings.ingest.timezone,
        max_future_days=settings.ingest.max_future_days,
        batch_rows=settings.ingest.batch_rows,
    )


@step("run_sources", area="sources", retries=0, partitions=_due)
def run_sources(context: StepContext) -> StepResult:
    """Run the due data sources (VTEX, Falabella, HTML, folders), one partition each."""
    runtime = context.params.get("source_runtime")
    if not isinstance(runtime, SourceRuntime):
        runtime = SourceRuntime()
    names = [context.partition] if context.partition else _due(context.engine)
    options = _options(context)
    accepted = 0
    detail: dict[str, object] = {}
    failures: list[str] = []
    for name in names:
        try:
            result = run_source(context.engine, name, options=options, runtime=runtime)
        except Exception as exc:
            if context.partition:
                raise
            failures.append(f"{name}: {exc}")
            continue
        accepted += result.accepted
        detail[name] = result.to_dict()
    if failures:
        raise RuntimeError(f"{len(failures)} source(s) failed: {'; '.join(failures)}")
    return StepResult(rows_written=accepted, detail=detail)
