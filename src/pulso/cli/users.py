"""``pulso`` commands of the users area."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands and sub-apps to the main ``pulso`` app."""
    del app
