"""Folder sources: files dropped in a directory are imported once each.

A file is known by its content (SHA-256), so a file is taken once whatever its name, and a
changed file is taken again. Plain import kinds (``prices``, ``orders``, ``feedback``...) go
through :func:`~pulso.ingest.runner.ingest_file`; the export kinds are converted first
(:mod:`pulso.ingest.connectors.exports`):

* ``survey-export``: Google Forms / SurveyMonkey exports -> ``surveys``;
* ``review-export``: Google Maps / TripAdvisor review exports -> ``feedback``;
* ``pos-export``: POS sales lines plus a mapping -> ``orders``.

A file that cannot be imported as it is (wrong columns, unknown layout) is recorded as
``rejected`` and not retried until its content changes; its ``ingest_run`` says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import Engine, func, select

from pulso.errors import InputError, SourceError
from pulso.ingest.connectors.exports import (
    PosMapping,
    read_pos_export,
    read_review_export,
    read_survey_export,
)
from pulso.ingest.connectors.state import record_file, seen_digests
from pulso.ingest.readers import SUPPORTED_SUFFIXES, RawTable
from pulso.ingest.runner import IngestOptions, IngestResult, file_sha256, ingest_file, ingest_frame
from pulso.ingest.specs import SPECS
from pulso.store.tables import IngestRun

__all__ = ["EXPORT_KINDS", "FileOutcome", "FolderConfig", "pending_files", "run_folder"]

logger = logging.getLogger(__name__)

#: Export kinds and the import kind each becomes.
EXPORT_KINDS: dict[str, str] = {
    "survey-export": "surveys",
    "review-export": "feedback",
    "pos-export": "orders",
}


class FolderConfig(BaseModel):
    """A folder source (stored as the ``data_source.config`` JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1)
    kind: str
    pattern: str = "*"
    recursive: bool = False
    survey: str | None = None
    restaurant: str | None = None
    retailer: str | None = None
    platform: str | None = None
    mapping: PosMapping | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in SPECS and value not in EXPORT_KINDS:
            known = ", ".join([*sorted(SPECS), *EXPORT_KINDS])
            raise ValueError(f"unknown folder kind {value!r}; known kinds: {known}")
        return value

    @model_validator(mode="after")
    def _mapping_for_pos(self) -> FolderConfig:
        if self.kind == "pos-export" and self.mapping is None:
            raise ValueError("a pos-export folder needs a mapping file (--mapping)")
        return self

    @property
    def import_kind(self) -> str:
        return EXPORT_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one file: ``loaded`` (with its run) or ``rejected`` (with why)."""

    path: str
    status: str
    result: IngestResult | None = None
    error: str | None = None
    run_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "run_id": self.result.run_id if self.result else self.run_id,
            "error": self.error,
        }


def _candidates(config: FolderConfig) -> list[Path]:
    folder = Path(config.path).expanduser()
    if not folder.is_dir():
        raise SourceError(f"folder {folder} does not exist or is not a directory")
    found = folder.rglob(config.pattern) if config.recursive else folder.glob(config.pattern)
    files = [
        path
        for path in found
        if path.is_file()
        and path.suffix.lower() in SUPPORTED_SUFFIXES
        and not path.name.startswith((".", "~$"))
    ]
    return sorted(files, key=lambda path: (path.stat().st_mtime, path.name))


def pending_files(engine: Engine, source_id: int, config: FolderConfig) -> list[tuple[Path, str]]:
    """Files of the folder not taken yet, oldest first, with their SHA-256."""
    seen = seen_digests(engine, source_id)
    pending: list[tuple[Path, str]] = []
    for path in _candidates(config):
        digest = file_sha256(path)
        if digest not in seen:
            seen.add(digest)
            pending.append((path, digest))
    return pending


def _converter(config: FolderConfig, path: Path, options: IngestOptions) -> Callable[[], RawTable]:
    if config.kind == "survey-export":
        return lambda: read_survey_export(
            path,
            pseudonym_key=options.pseudonym_key,
            survey=config.survey,
            restaurant=config.restaurant,
            retailer=config.retailer,
        )
    if config.kind == "review-export":
        return lambda: read_review_export(
            path, restaurant=config.restaurant, platform=config.platform
        )
    assert config.mapping is not None
    mapping = config.mapping
    return lambda: read_pos_export(path, mapping=mapping)


def _ingest_one(
    engine: Engine,
    path: Path,
    digest: str,
    *,
    source: str,
    config: FolderConfig,
    options: IngestOptions,
) -> IngestResult:
    if config.kind in SPECS:
        return ingest_file(engine, config.kind, path, options=options, source=source)
    return ingest_frame(
        engine,
        config.import_kind,
        _converter(config, path, options),
        options=options,
        source=source,
        label=str(path),
        sha256=digest,
    )


def _failed_run_id(engine: Engine, source_id: int, label: str) -> int | None:
    with engine.connect() as connection:
        found = connection.scalar(
            select(func.max(IngestRun.id)).where(
                IngestRun.source_id == source_id, IngestRun.path == label
            )
        )
    return None if found is None else int(found)


def run_folder(
    engine: Engine,
    *,
    source: str,
    source_id: int,
    config: FolderConfig,
    options: IngestOptions,
) -> list[FileOutcome]:
    """Import every new file of the folder; see the module docstring."""
    outcomes: list[FileOutcome] = []
    for path, digest in pending_files(engine, source_id, config):
        try:
            result = _ingest_one(
                engine, path, digest, source=source, config=config, options=options
            )
        except InputError as exc:
            logger.warning("folder source %s: %s rejected: %s", source, path, exc)
            run_id = _failed_run_id(engine, source_id, str(path))
            record_file(
                engine,
                source_id,
                path=str(path),
                sha256=digest,
                size_bytes=path.stat().st_size,
                status="rejected",
                run_id=run_id,
            )
            outcomes.append(FileOutcome(str(path), "rejected", error=str(exc), run_id=run_id))
            continue
        record_file(
            engine,
            source_id,
            path=str(path),
            sha256=digest,
            size_bytes=path.stat().st_size,
            status="loaded",
            run_id=result.run_id,
        )
        outcomes.append(FileOutcome(str(path), "loaded", result))
    return outcomes
