"""Toy pipeline steps for the Airflow factory test (area ``toy``; never imported by Pulso)."""

from __future__ import annotations

from sqlalchemy import Engine

from pulso.pipelines.registry import StepContext, StepResult, step

AREA = "toy"


def _shops(engine: Engine) -> list[str]:
    del engine
    return ["tottus", "wong", "metro"]


@step("toy_source", area=AREA)
def toy_source(context: StepContext) -> StepResult:
    """A plain step."""
    return StepResult(rows_written=1, detail={"today": context.today.isoformat()})


@step("toy_per_shop", after=["toy_source"], area=AREA, retries=2, partitions=_shops)
def toy_per_shop(context: StepContext) -> StepResult:
    """Mapped over three partitions."""
    return StepResult(rows_written=len(context.partition or ""))


@step("toy_summary", after=["toy_per_shop"], area=AREA)
def toy_summary(context: StepContext) -> StepResult:
    """Runs after every partition."""
    return StepResult(rows_written=3)


@step("toy_broken", after=["toy_source"], area=AREA, retries=0)
def toy_broken(context: StepContext) -> StepResult:
    """Always fails."""
    raise ValueError("bad model input")


@step("toy_after_broken", after=["toy_broken"], area=AREA)
def toy_after_broken(context: StepContext) -> StepResult:
    """Never runs: its upstream fails."""
    return StepResult()
