"""Logging setup, called once by each entry point (CLI, API server, pipeline runner)."""

from __future__ import annotations

import logging
import sys

__all__ = ["configure_logging"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str = "INFO") -> None:
    """Send Pulso's logs to stderr at ``level``; quiet chatty libraries."""
    logging.basicConfig(level=level.upper(), format=_FORMAT, stream=sys.stderr, force=True)
    for noisy in ("alembic.runtime.migration", "httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
