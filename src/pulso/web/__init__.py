"""The dashboard: server-rendered pages (Jinja2), Plotly charts, login, es/en catalogs."""

from __future__ import annotations

from pulso.web.app import install_web

__all__ = ["install_web"]
