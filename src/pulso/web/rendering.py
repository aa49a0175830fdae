"""Jinja2 rendering of pages, the navigation, and table exports answered from the same URL.

``respond(context, template, tables=...)`` renders a page, or, when the URL asks for
``?export=csv|xlsx&table=<id>``, answers with that whole table as a file instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from pulso.api.auth import CSRF_COOKIE, auth_config
from pulso.web.charts import Chart
from pulso.web.context import LANG_COOKIE, PageContext
from pulso.web.export import EXPORT_FORMATS, export_table
from pulso.web.i18n import LANGUAGES, LIMA, N_
from pulso.web.tables import Table, TableView, view_table

__all__ = ["NAVIGATION", "NavItem", "environment", "render", "respond"]

_YEAR_SECONDS = 365 * 24 * 3600
#: Roles as shown next to the user's email.
ROLE_LABELS = {"admin": N_("Admin"), "analyst": N_("Analyst"), "viewer": N_("Viewer")}


@dataclass(frozen=True, slots=True)
class NavItem:
    """A link of the side menu (``label`` is an English msgid)."""

    path: str
    label: str


#: The side menu: (section msgid, items).
NAVIGATION: tuple[tuple[str, tuple[NavItem, ...]], ...] = (
    (
        N_("Retail"),
        (
            NavItem("/", "Overview"),
            NavItem("/prices", "Prices"),
            NavItem("/promotions", "Promotions"),
            NavItem("/competitors", "Competitors"),
            NavItem("/forecasts", "Forecasts"),
            NavItem("/alerts", "Alerts"),
        ),
    ),
    (
        N_("Restaurants"),
        (
            NavItem("/restaurants/reviews", "Reviews"),
            NavItem("/restaurants/patterns", "Patterns"),
            NavItem("/restaurants/menu", "Menu"),
            NavItem("/restaurants/diners", "Diners"),
            NavItem("/recommendations", "Recommendations"),
        ),
    ),
    (N_("Operations"), (NavItem("/data", "Data"), NavItem("/models", "Models"))),
)


@cache
def environment() -> Environment:
    """The templates of ``pulso/web/templates`` (autoescaped, strict about missing names)."""
    env = Environment(
        loader=PackageLoader("pulso.web", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals["navigation"] = NAVIGATION
    env.globals["languages"] = LANGUAGES
    env.globals["role_labels"] = ROLE_LABELS
    return env


def _set_cookies(context: PageContext, response: Response) -> None:
    config = auth_config(context.request)
    secure = bool(config and config.cookie_secure)
    if context.new_nonce:
        response.set_cookie(
            CSRF_COOKIE, context.new_nonce, httponly=True, samesite="lax", secure=secure
        )
    asked = context.request.query_params.get("lang")
    if asked in LANGUAGES and context.request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(
            LANG_COOKIE, asked, max_age=_YEAR_SECONDS, samesite="lax", secure=secure
        )


def render(
    context: PageContext, template: str, *, status_code: int = 200, **values: Any
) -> HTMLResponse:
    """Render ``template`` for ``context`` (its user, language, CSRF token and URL helpers)."""
    html = (
        environment()
        .get_template(template)
        .render(
            ctx=context,
            _=context.gettext,
            fmt=context.fmt,
            user=context.principal,
            lang=context.language,
            csrf_token=context.csrf_token,
            now_lima=datetime.now(UTC).astimezone(LIMA),
            **values,
        )
    )
    response = HTMLResponse(html, status_code=status_code)
    _set_cookies(context, response)
    return response


def _export(context: PageContext, table: Table, fmt: str) -> Response:
    body = export_table(table, fmt, gettext=context.gettext)
    stamp = datetime.now(UTC).astimezone(LIMA).strftime("%Y%m%d")
    filename = f"pulso-{table.id}-{stamp}.{fmt}"
    return Response(
        body,
        media_type=EXPORT_FORMATS[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def respond(
    context: PageContext,
    template: str,
    *,
    tables: Sequence[Table] = (),
    charts: Sequence[Chart] = (),
    **values: Any,
) -> Response:
    """Render a page with its tables (sorted and paged from the URL) and charts, or export one."""
    fmt, wanted = context.params.get("export"), context.params.get("table")
    if fmt in EXPORT_FORMATS and wanted:
        for table in tables:
            if table.id == wanted:
                return _export(context, table, fmt)
    views: Mapping[str, TableView] = {
        table.id: view_table(table, context.params, path=context.path) for table in tables
    }
    return render(
        context, template, tables=views, charts={chart.id: chart for chart in charts}, **values
    )
