"""Versioned model folders: ``<root>/<version>/`` with an ``ACTIVE`` file naming the one in use.

Pulso keeps every trained model (``1``, ``2``, ...) so a bad one can be rolled back by pointing
``ACTIVE`` at an earlier version. The caller picks the root (the CLI and the pipeline use
``<data_dir>/models/<name>``); nothing here reads settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from pulso.errors import InputError, SourceError

__all__ = ["ModelStore"]

logger = logging.getLogger(__name__)

_ACTIVE = "ACTIVE"


@dataclass(frozen=True, slots=True)
class ModelStore:
    """The versions of one model under ``root``."""

    root: Path

    def versions(self) -> list[int]:
        """Stored versions, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(int(p.name) for p in self.root.iterdir() if p.is_dir() and p.name.isdigit())

    def next_version(self) -> int:
        """The number a newly saved model should take."""
        return max(self.versions(), default=0) + 1

    def path(self, version: int) -> Path:
        """Folder of ``version`` (it may not exist yet)."""
        return self.root / str(version)

    def activate(self, version: int) -> None:
        """Make ``version`` the one in use."""
        if version not in self.versions():
            raise InputError(f"model version {version} does not exist under {self.root}")
        (self.root / _ACTIVE).write_text(f"{version}\n", encoding="utf-8")
        logger.info("active model under %s is now version %d", self.root, version)

    def active_version(self) -> int | None:
        """The version in use, or None when none was activated."""
        marker = self.root / _ACTIVE
        if not marker.is_file():
            return None
        text = marker.read_text(encoding="utf-8").strip()
        if not text.isdigit() or not self.path(int(text)).is_dir():
            raise SourceError(f"{marker} names version {text!r}, which is not stored")
        return int(text)
