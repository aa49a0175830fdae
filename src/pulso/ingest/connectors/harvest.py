"""What a crawl yields: rows in the ``prices`` import format, malformed records, page counts.

Connectors write every value as text, exactly as the site gave it, and leave parsing and
checking to :mod:`pulso.ingest.validation`; so a site's bad record is quarantined with the
same reasons as a bad row of a file. Records that cannot even be laid out as a row (a page of
invalid JSON, a product without SKUs) are kept as malformed records, quarantined verbatim.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pulso.errors import SourceError
from pulso.ingest.readers import MalformedRow, RawTable
from pulso.ingest.specs import get_spec

__all__ = ["PRICE_COLUMNS", "Harvest", "HarvestBuilder", "Period", "observation_time"]

logger = logging.getLogger(__name__)

#: Columns of the ``prices`` import format, in spec order.
PRICE_COLUMNS: tuple[str, ...] = get_spec("prices").names

Period = Literal["day", "hour", "run"]

_MAX_RAW_CHARS = 2_000


def observation_time(moment: datetime, *, period: Period, timezone: str) -> datetime:
    """The ``observed_at`` a crawl at ``moment`` records: the start of its day or hour in
    ``timezone`` (so re-runs within the period are duplicates), or ``moment`` itself."""
    if period == "run":
        return moment
    local = moment.astimezone(ZoneInfo(timezone))
    local = local.replace(minute=0, second=0, microsecond=0)
    if period == "day":
        local = local.replace(hour=0)
    return local


@dataclass(frozen=True, slots=True)
class Harvest:
    """Rows and malformed records of one crawl, with what it cost."""

    table: RawTable
    pages: int = 0
    pages_not_modified: int = 0
    failed_pages: int = 0
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "pages_not_modified": self.pages_not_modified,
            "failed_pages": self.failed_pages,
            "notes": list(self.notes),
        }


@dataclass(slots=True)
class HarvestBuilder:
    """Collects rows and malformed records in discovery order (that order numbers them)."""

    rows: list[dict[str, str | None]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    malformed: list[MalformedRow] = field(default_factory=list)
    pages: int = 0
    pages_not_modified: int = 0
    failed_pages: int = 0
    notes: list[str] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    first_error: SourceError | None = None

    def _next_number(self) -> int:
        return len(self.rows) + len(self.malformed) + 1

    def add_row(self, row: dict[str, str | None]) -> bool:
        """Add a row unless its ``external_id`` was already seen in this crawl."""
        external_id = row.get("external_id")
        if external_id:
            if external_id in self.seen_ids:
                return False
            self.seen_ids.add(external_id)
        self.numbers.append(self._next_number())
        self.rows.append(row)
        return True

    def add_malformed(self, reason: str, raw: object) -> None:
        text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str)
        self.malformed.append(MalformedRow(self._next_number(), reason, text[:_MAX_RAW_CHARS]))

    def page_fetched(self, *, from_cache: bool) -> None:
        self.pages += 1
        self.pages_not_modified += int(from_cache)

    def page_failed(self, error: SourceError, *, url: str) -> None:
        """A page that could not be fetched: quarantined as a malformed record, crawl goes on."""
        self.failed_pages += 1
        self.first_error = self.first_error or error
        self.add_malformed(f"page not fetched: {error}", url)

    def note(self, text: str) -> None:
        logger.warning("%s", text)
        self.notes.append(text)

    def build(self) -> Harvest:
        """The harvest; raises the first fetch error when no page at all could be fetched."""
        if self.pages == 0 and self.first_error is not None:
            raise SourceError(f"no page could be fetched: {self.first_error}")
        frame = pd.DataFrame(self.rows, columns=list(PRICE_COLUMNS), dtype=object)
        frame = frame.astype("string")
        table = RawTable(frame, np.asarray(self.numbers, dtype=np.int64), tuple(self.malformed))
        return Harvest(
            table, self.pages, self.pages_not_modified, self.failed_pages, tuple(self.notes)
        )


def text_or_none(value: object) -> str | None:
    """A JSON scalar as the text a file would hold (``12.9`` -> ``"12.9"``), None if empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
