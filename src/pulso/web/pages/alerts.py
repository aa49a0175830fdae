"""Alertas: the alert list with filters, and acknowledging an alert (admins and analysts)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from pulso.api.auth import PermissionDeniedError
from pulso.api.deps import SessionDep
from pulso.store.queries import retail as retail_queries
from pulso.store.queries.ingest import Page
from pulso.store.queries.retail import RetailFilters
from pulso.web.context import PageContext, PageDep, check_form_csrf
from pulso.web.filters import safe_next
from pulso.web.i18n import N_
from pulso.web.loading import FilterOptions, fetch_table
from pulso.web.pages.prices import retail_filters
from pulso.web.rendering import render, respond
from pulso.web.tables import Column, Table

router = APIRouter(include_in_schema=False)

#: Alert kinds written by the alert rules, as shown to people.
ALERT_KINDS = {
    "price_drop": N_("Big price drop"),
    "new_promotion": N_("New promotion on a key item"),
    "undercut": N_("A competitor undercuts us"),
    "stockout": N_("Out of stock"),
    "price_anomaly": N_("Price anomaly"),
}
SEVERITIES = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
_STATUSES = {"open": N_("Open"), "acknowledged": N_("Acknowledged"), "all": N_("All")}
_ALERTS = (
    Column("created_at", "Raised", "datetime"),
    Column("severity_label", "Severity"),
    Column("kind_label", "Kind"),
    Column("title", "Alert"),
    Column("acknowledged_at", "Acknowledged", "datetime"),
    Column("acknowledged_by", "By"),
)


def _choice(value: str | None, allowed: dict[str, str]) -> str | None:
    return value if value in allowed else None


def alert_rows(context: PageContext, items: list[Any]) -> list[dict[str, Any]]:
    """Alerts as table rows, their kind and severity in the page language."""
    return [
        {
            "id": alert.id,
            "created_at": alert.created_at,
            "severity": alert.severity,
            "severity_label": context.gettext(SEVERITIES.get(alert.severity, alert.severity)),
            "kind_label": context.gettext(ALERT_KINDS.get(alert.kind, alert.kind)),
            "title": alert.title,
            "acknowledged_at": alert.acknowledged_at,
            "acknowledged_by": alert.acknowledged_by,
        }
        for alert in items
    ]


def _alert_page(context: PageContext, page: Page[Any]) -> Page[dict[str, Any]]:
    return Page(alert_rows(context, page.items), page.total, page.page, page.page_size)


@router.get("/alerts")
def alerts_page(context: PageDep, session: SessionDep) -> Response:
    options = FilterOptions.load(session)
    status = _choice(context.params.get("status"), _STATUSES) or "open"
    kind = _choice(context.params.get("kind"), ALERT_KINDS)
    severity = _choice(context.params.get("severity"), SEVERITIES)
    acknowledged = {"open": False, "acknowledged": True}.get(status)
    fetched = fetch_table(
        context,
        "alerts",
        lambda **kwargs: _alert_page(context, retail_queries.list_alerts(**kwargs)),
        [c.key for c in _ALERTS] + ["id", "severity"],
        native_sort=("created_at", True),
        session=session,
        filters=retail_filters(context, options),
        kind=kind,
        severity=severity,
        acknowledged=acknowledged,
    )
    rows = fetched.rows
    table = Table(
        "alerts",
        N_("Alerts"),
        _ALERTS,
        rows,
        "created_at",
        True,
        empty_message=N_("No alerts match these filters."),
        **fetched.table_args(),
    )
    any_alerts = bool(rows) or (
        retail_queries.list_alerts(session, RetailFilters(), page=1, page_size=1).total > 0
    )
    return respond(
        context,
        "pages/alerts.html",
        tables=[table],
        options=options.as_dict(),
        kinds=[(key, context.gettext(label)) for key, label in ALERT_KINDS.items()],
        severities=[(key, context.gettext(label)) for key, label in SEVERITIES.items()],
        statuses=[(key, context.gettext(label)) for key, label in _STATUSES.items()],
        chosen={"status": status, "kind": kind or "", "severity": severity or ""},
        page_title=N_("Alerts"),
        page_intro=N_(
            "Big price drops, new promotions on key items and competitors undercutting us."
        ),
        has_data=any_alerts,
    )


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(
    context: PageDep,
    session: SessionDep,
    alert_id: int,
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    back: Annotated[str, Form(max_length=2000)] = "/alerts",
) -> Response:
    """Mark an alert as seen; viewers and forms without a valid CSRF token get 403."""
    try:
        check_form_csrf(context, csrf_token)
        if not context.principal.can_change_data:
            raise PermissionDeniedError("a viewer may not acknowledge alerts")
    except PermissionDeniedError as exc:
        return render(
            context,
            "error.html",
            status_code=403,
            page_title=N_("Not allowed"),
            message=context.gettext("You cannot do this: %(reason)s", reason=str(exc)),
        )
    retail_queries.acknowledge_alert(
        session, alert_id, by=context.principal.email, now=datetime.now(UTC)
    )
    session.commit()  # before the redirect, which shows the alert as acknowledged
    return RedirectResponse(safe_next(back, "/alerts"), status_code=303)
