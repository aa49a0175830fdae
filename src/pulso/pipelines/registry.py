"""Pipeline steps as plain functions with declared dependencies.

A step is registered with :func:`step`; the local runner (:mod:`pulso.pipelines.runner`) and
the Airflow DAG factory call the same functions. A step reads and writes the database only
through the engine in its :class:`StepContext`, is idempotent (it replaces what it owns for
its partition), and returns how many rows it wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from pulso.errors import InputError

__all__ = ["STEPS", "Step", "StepContext", "StepResult", "order_steps", "step"]


@dataclass(frozen=True, slots=True)
class StepContext:
    """What a step gets: the database, the data directory, the run key and its partition."""

    engine: Engine
    data_dir: Path
    run_key: str
    today: date
    partition: str | None = None
    seed: int = 7
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StepResult:
    """Rows a step wrote and any figures worth recording (metrics, counts)."""

    rows_written: int = 0
    detail: dict[str, Any] = field(default_factory=dict)


StepFunction = Callable[[StepContext], StepResult]
PartitionFunction = Callable[[Engine], list[str]]


@dataclass(frozen=True, slots=True)
class Step:
    """A registered step: its function, upstream steps, area, retries and partitions."""

    name: str
    function: StepFunction
    after: tuple[str, ...] = ()
    area: str = "ops"
    retries: int = 1
    partitions: PartitionFunction | None = None
    description: str = ""


STEPS: dict[str, Step] = {}


def step(
    name: str,
    *,
    after: Sequence[str] = (),
    area: str,
    retries: int = 1,
    partitions: PartitionFunction | None = None,
) -> Callable[[StepFunction], StepFunction]:
    """Register the decorated function as pipeline step ``name``."""

    def register(function: StepFunction) -> StepFunction:
        if name in STEPS and STEPS[name].function is not function:
            raise ValueError(f"pipeline step {name!r} is registered twice")
        description = (function.__doc__ or "").strip().splitlines()[0] if function.__doc__ else ""
        STEPS[name] = Step(name, function, tuple(after), area, retries, partitions, description)
        return function

    return register


def order_steps(names: Iterable[str] | None = None) -> list[Step]:
    """The requested steps (default: all) in an order that respects ``after``.

    Only the named steps run; a dependency that is not requested is assumed done earlier.
    """
    wanted = list(STEPS) if names is None else list(dict.fromkeys(names))
    unknown = [name for name in wanted if name not in STEPS]
    if unknown:
        known = ", ".join(sorted(STEPS)) or "none"
        raise InputError(f"unknown pipeline step(s): {', '.join(unknown)}; known steps: {known}")
    ordered: list[Step] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in placed or name not in wanted:
            return
        if name in visiting:
            raise InputError(f"pipeline steps depend on each other in a cycle at {name!r}")
        visiting.add(name)
        for upstream in STEPS[name].after:
            if upstream in STEPS:
                visit(upstream)
        visiting.discard(name)
        placed.add(name)
        ordered.append(STEPS[name])

    for name in wanted:
        visit(name)
    return ordered
