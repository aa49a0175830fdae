"""Generate the demo data set and load it through the normal ingest path."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from pulso.ingest.runner import IngestOptions, IngestResult, ingest_file
from pulso.synth import DemoManifest, generate_demo

__all__ = ["load_demo"]

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


def load_demo(
    engine: Engine,
    directory: Path,
    *,
    scale: str = "medium",
    seed: int = 7,
    end_date: date | None = None,
    options: IngestOptions,
    progress: Progress | None = None,
    regenerate: bool = True,
) -> dict[str, Any]:
    """Write the demo files into ``directory``, ingest each one, and summarise the counts.

    Every file goes through validation and quarantine like a user's file would, so the demo's
    planted dirt shows up in the quarantine pages. With ``regenerate=False`` the files already
    in ``directory`` (and its ``manifest.json``) are loaded as they are.
    """
    started = time.perf_counter()
    if progress:
        progress(f"generating {scale} demo data", 0, 1)
    if regenerate:
        manifest = generate_demo(directory, scale=scale, seed=seed, end_date=end_date)
    else:
        manifest = DemoManifest.read(directory)
    results: list[IngestResult] = []
    for position, entry in enumerate(manifest.entries):
        if progress:
            progress(
                f"loading {entry.kind} {Path(entry.path).name}", position, len(manifest.entries)
            )
        source = f"demo-{entry.source or entry.kind}"
        results.append(
            ingest_file(engine, entry.kind, directory / entry.path, options=options, source=source)
        )
    summary = {
        "scale": scale,
        "seed": seed,
        "end_date": manifest.end_date,
        "directory": str(directory),
        "files": len(results),
        "accepted": sum(r.accepted for r in results),
        "quarantined": sum(r.quarantined for r in results),
        "duplicates": sum(r.duplicates for r in results),
        "runs": [r.to_dict() | {"path": r.path} for r in results],
        "seconds": round(time.perf_counter() - started, 2),
    }
    logger.info("demo loaded in %.1f s", summary["seconds"])
    return summary
