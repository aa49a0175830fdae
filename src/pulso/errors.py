"""Pulso's exception hierarchy.

Every error Pulso raises on purpose is a ``PulsoError``::

    PulsoError
    ├── InputError           bad input a user can fix (file, row, column, reason)
    ├── SourceError          a data source (file system, HTTP site) failed
    ├── NotFoundError        a requested record does not exist
    ├── ConfigError          settings are missing or unsafe
    └── ModelNotFittedError  a model was used before ``fit``

Foreign exceptions are translated at the edge with ``raise ... from exc``; the CLI prints
one line per error, the API maps them to problem+json responses.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "InputError",
    "ModelNotFittedError",
    "NotFoundError",
    "PulsoError",
    "SourceError",
]


class PulsoError(Exception):
    """Base class of every error Pulso raises on purpose."""


class InputError(PulsoError):
    """Input a user can fix: names the file, row, column and reason where known."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.row = row
        self.column = column
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = [
            part
            for part in (
                self.file,
                f"row {self.row}" if self.row is not None else None,
                f"column {self.column!r}" if self.column else None,
            )
            if part
        ]
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class SourceError(PulsoError):
    """A data source could not be read (missing file, HTTP failure, bad payload)."""


class NotFoundError(PulsoError):
    """A requested record does not exist."""


class ConfigError(PulsoError):
    """Settings are missing, contradictory or unsafe."""


class ModelNotFittedError(PulsoError):
    """A model or transformer was used before it was fitted or trained."""
