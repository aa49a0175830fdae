"""What a demo data set contains: one entry per file, in the order it must be ingested."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["DemoManifest", "ManifestEntry"]


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One generated file.

    ``kind`` is an ingest kind (``prices``, ``orders``...). ``planted_bad_rows`` counts the rows
    the generator broke on purpose (each one must end in quarantine) and
    ``planted_duplicates`` the rows that repeat an earlier row's key (each one must be counted
    as a duplicate, never stored twice).
    """

    kind: str
    path: str
    rows: int
    planted_bad_rows: int = 0
    planted_duplicates: int = 0
    source: str | None = None


@dataclass(frozen=True, slots=True)
class DemoManifest:
    """The files of one demo data set plus its ground-truth files (relative paths)."""

    scale: str
    seed: int
    end_date: str
    entries: tuple[ManifestEntry, ...]
    ground_truth: dict[str, str] = field(default_factory=dict)

    def write(self, directory: Path) -> Path:
        """Write ``manifest.json`` into ``directory`` and return its path."""
        path = directory / "manifest.json"
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
        return path

    @classmethod
    def read(cls, directory: Path) -> DemoManifest:
        """Read the ``manifest.json`` that :meth:`write` produced."""
        raw = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        entries = tuple(ManifestEntry(**entry) for entry in raw.pop("entries"))
        return cls(entries=entries, **raw)
