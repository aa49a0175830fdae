"""A diner's right of access and of cancellation (Peru's Ley 29733): export and forget.

Pulso stores a person only as keyed hashes of the ids the sources gave (``diner.diner_key``,
``survey_response.respondent_key``, ``shopper_activity.shopper_key``). A
:class:`DataSubject` carries those hashes and the keyed hash function itself, so this module
never sees the raw id; it needs the function only to recognise the person's id in quarantined
rows, which keep input rows as they were written.

What :func:`forget_subject` does (docs/reliability.md explains why):

* ``diner``, ``survey_response`` and ``shopper_activity`` rows of the person: deleted;
* ``feedback`` rows of the diner: deleted with what was derived from them (sentiment, aspects),
  because free text can name its writer and cannot be proven anonymous automatically;
* ``restaurant_order`` rows: kept for the restaurant's sales figures, unlinked from the diner
  (``diner_id`` set to NULL), so they no longer relate to a person; their lines are untouched;
* rows of any other table that point at the diner (segments, recommender vectors...) or hold
  one of the person's keys: deleted (the next pipeline run recomputes aggregates);
* quarantined input rows that hold the person's id: their ``raw`` content is erased, their
  row number and reason (which never quote personal fields) are kept.

Every function works inside the caller's transaction, so an erasure and its audit entry commit
together or not at all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Connection, Table, delete, inspect, select, update

from pulso.store.schema import metadata
from pulso.store.tables import (
    Diner,
    Dish,
    Feedback,
    OrderLine,
    QuarantinedRow,
    Restaurant,
    RestaurantOrder,
    Retailer,
    ShopperActivity,
    SurveyResponse,
)

__all__ = ["PERSONAL_ID_FIELDS", "DataSubject", "ForgetReport", "export_subject", "forget_subject"]

logger = logging.getLogger(__name__)

#: Import columns that hold a person's id in clear (pseudonymised before they are stored).
PERSONAL_ID_FIELDS = ("diner_id", "respondent_id", "shopper_id")
#: Columns holding a person's keyed hash, in any table.
_KEY_COLUMNS = ("diner_key", "respondent_key", "shopper_key")
_TOKEN_SPLIT = re.compile(r"[,;\t|\n]")
_ERASED = {"erased": "personal data erased on request (Ley 29733)"}


@dataclass(frozen=True, slots=True)
class DataSubject:
    """A person as Pulso knows them: keyed hashes of their ids, and the hash function.

    ``keys[0]`` is the diner key; further keys are other forms the same id takes in sources
    (a Google Forms respondent id derived from the e-mail, for instance).
    """

    keys: tuple[str, ...]
    hash_identifier: Callable[[str], str]

    @property
    def diner_key(self) -> str:
        return self.keys[0]

    def identifies(self, value: object) -> bool:
        """True when a raw cell holds one of the person's ids, in clear or already hashed."""
        if not isinstance(value, str) or not value.strip():
            return False
        return value in self.keys or self.hash_identifier(value) in self.keys


@dataclass(frozen=True, slots=True)
class ForgetReport:
    """Rows deleted and rows anonymised, per table."""

    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.deleted.values()) + sum(self.anonymised.values())

    def to_dict(self) -> dict[str, Any]:
        return {"deleted": self.deleted, "anonymised": self.anonymised, "total": self.total}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _existing_tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _related_tables(connection: Connection) -> list[tuple[Table, Column[Any], str]]:
    """``(table, column, how)`` of other tables linked to a person: a foreign key to ``diner``
    (``how="diner"``) or a key column (``how="key"``)."""
    handled = {"diner", "restaurant_order", "feedback", "survey_response", "shopper_activity"}
    present = _existing_tables(connection)
    related: list[tuple[Table, Column[Any], str]] = []
    for table in metadata.sorted_tables:
        if table.name in handled or table.name not in present:
            continue
        for column in table.columns:
            if any(fk.column.table.name == "diner" for fk in column.foreign_keys):
                related.append((table, column, "diner"))
            elif column.name in _KEY_COLUMNS:
                related.append((table, column, "key"))
    return related


def _dependents_of(connection: Connection, parent: str) -> list[tuple[Table, Column[Any]]]:
    present = _existing_tables(connection)
    return [
        (table, column)
        for table in metadata.sorted_tables
        if table.name in present
        for column in table.columns
        if any(fk.column.table.name == parent for fk in column.foreign_keys)
    ]


def _diner_ids(connection: Connection, subject: DataSubject) -> list[int]:
    statement = select(Diner.id).where(Diner.diner_key.in_(subject.keys))
    return [int(value) for value in connection.scalars(statement)]


def _rows(connection: Connection, statement: Any) -> list[dict[str, Any]]:
    return [
        {key: _jsonable(value) for key, value in row._mapping.items()}
        for row in connection.execute(statement)
    ]


def _orders(connection: Connection, diner_ids: Sequence[int]) -> list[dict[str, Any]]:
    orders = _rows(
        connection,
        select(
            RestaurantOrder.id,
            RestaurantOrder.external_id.label("order_id"),
            Restaurant.name.label("restaurant"),
            RestaurantOrder.ordered_at,
            RestaurantOrder.party_size,
            RestaurantOrder.channel,
        )
        .join(Restaurant, Restaurant.id == RestaurantOrder.restaurant_id)
        .where(RestaurantOrder.diner_id.in_(diner_ids))
        .order_by(RestaurantOrder.ordered_at, RestaurantOrder.id),
    )
    lines = _rows(
        connection,
        select(
            OrderLine.order_id,
            Dish.name.label("dish"),
            OrderLine.quantity,
            OrderLine.unit_price_pen,
        )
        .join(Dish, Dish.id == OrderLine.dish_id)
        .where(OrderLine.order_id.in_([order["id"] for order in orders]))
        .order_by(OrderLine.id),
    )
    for order in orders:
        order["lines"] = [
            {k: v for k, v in line.items() if k != "order_id"}
            for line in lines
            if line["order_id"] == order["id"]
        ]
        del order["id"]
    return orders


def _feedback(connection: Connection, diner_ids: Sequence[int]) -> list[dict[str, Any]]:
    return _rows(
        connection,
        select(
            Feedback.external_id.label("feedback_id"),
            Restaurant.name.label("restaurant"),
            Feedback.created_at,
            Feedback.text,
            Feedback.rating,
            Dish.name.label("dish"),
            Feedback.source,
        )
        .join(Restaurant, Restaurant.id == Feedback.restaurant_id)
        .outerjoin(Dish, Dish.id == Feedback.dish_id)
        .where(Feedback.diner_id.in_(diner_ids))
        .order_by(Feedback.created_at, Feedback.id),
    )


def _surveys(connection: Connection, subject: DataSubject) -> list[dict[str, Any]]:
    return _rows(
        connection,
        select(
            SurveyResponse.survey,
            SurveyResponse.submitted_at,
            SurveyResponse.question,
            SurveyResponse.answer,
            SurveyResponse.score,
            Restaurant.name.label("restaurant"),
            Retailer.name.label("retailer"),
        )
        .outerjoin(Restaurant, Restaurant.id == SurveyResponse.restaurant_id)
        .outerjoin(Retailer, Retailer.id == SurveyResponse.retailer_id)
        .where(SurveyResponse.respondent_key.in_(subject.keys))
        .order_by(SurveyResponse.submitted_at, SurveyResponse.id),
    )


def _shopper_activity(connection: Connection, subject: DataSubject) -> list[dict[str, Any]]:
    return _rows(
        connection,
        select(
            Retailer.name.label("retailer"),
            ShopperActivity.month,
            ShopperActivity.purchases,
            ShopperActivity.spend_pen,
            ShopperActivity.social_engagements,
            ShopperActivity.survey_score,
        )
        .join(Retailer, Retailer.id == ShopperActivity.retailer_id)
        .where(ShopperActivity.shopper_key.in_(subject.keys))
        .order_by(ShopperActivity.month, Retailer.name),
    )


def _redacted(raw: dict[str, Any], subject: DataSubject) -> dict[str, Any]:
    """``raw`` with the person's ids replaced by their diner key."""
    out = dict(raw)
    for name, value in raw.items():
        if subject.identifies(value):
            out[name] = subject.diner_key
        elif name == "_text" and isinstance(value, str):
            tokens = [t for t in _TOKEN_SPLIT.split(value) if subject.identifies(t)]
            for token in tokens:
                out[name] = out[name].replace(token, subject.diner_key)
    return out


def _holds_subject(raw: dict[str, Any], subject: DataSubject) -> bool:
    if any(subject.identifies(raw.get(name)) for name in PERSONAL_ID_FIELDS):
        return True
    text = raw.get("_text")
    return isinstance(text, str) and any(
        subject.identifies(token) for token in _TOKEN_SPLIT.split(text)
    )


def _quarantined(connection: Connection, subject: DataSubject) -> list[tuple[int, dict[str, Any]]]:
    """``(id, raw)`` of quarantined rows that hold one of the person's ids."""
    rows = connection.execute(select(QuarantinedRow.id, QuarantinedRow.raw))
    return [(int(row_id), raw) for row_id, raw in rows if raw and _holds_subject(raw, subject)]


def _related_rows(
    connection: Connection, subject: DataSubject, diner_ids: Sequence[int]
) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for table, column, how in _related_tables(connection):
        values: Iterable[Any] = diner_ids if how == "diner" else subject.keys
        rows = _rows(connection, select(table).where(column.in_(list(values))))
        if rows:
            found.setdefault(table.name, []).extend(rows)
    return found


def _quarantine_export(connection: Connection, subject: DataSubject) -> list[dict[str, Any]]:
    raws = dict(_quarantined(connection, subject))
    rows = connection.execute(
        select(
            QuarantinedRow.id,
            QuarantinedRow.run_id,
            QuarantinedRow.row_number,
            QuarantinedRow.reason,
        )
        .where(QuarantinedRow.id.in_(list(raws)))
        .order_by(QuarantinedRow.id)
    )
    return [
        {
            "run_id": run_id,
            "row_number": number,
            "reason": reason,
            "raw": _redacted(raws[row_id], subject),
        }
        for row_id, run_id, number, reason in rows
    ]


def export_subject(connection: Connection, subject: DataSubject) -> dict[str, Any]:
    """Every row linked to the person, as one JSON-ready document (ids in it are keyed hashes)."""
    diner_ids = _diner_ids(connection, subject)
    diner = _rows(
        connection,
        select(Diner.diner_key, Diner.age_band, Diner.gender, Diner.district, Diner.diet).where(
            Diner.id.in_(diner_ids)
        ),
    )
    document = {
        "subject": {"diner_key": subject.diner_key, "keys": list(subject.keys)},
        "diner": diner[0] if diner else None,
        "orders": _orders(connection, diner_ids),
        "feedback": _feedback(connection, diner_ids),
        "survey_responses": _surveys(connection, subject),
        "shopper_activity": _shopper_activity(connection, subject),
        "derived": _related_rows(connection, subject, diner_ids),
        "quarantined_rows": _quarantine_export(connection, subject),
    }
    logger.info("exported the data of diner %s...", subject.diner_key[:12])
    return document


def _delete(
    connection: Connection, table: Table, column: Column[Any], values: Sequence[Any]
) -> int:
    if not values:
        return 0
    return int(connection.execute(delete(table).where(column.in_(list(values)))).rowcount or 0)


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def forget_subject(connection: Connection, subject: DataSubject) -> ForgetReport:
    """Erase or unlink every row of the person (see the module docstring); idempotent."""
    report = ForgetReport()
    diner_ids = _diner_ids(connection, subject)
    feedback = _table(Feedback)
    feedback_ids = list(
        connection.scalars(select(feedback.c.id).where(feedback.c.diner_id.in_(diner_ids)))
    )
    for table, column in _dependents_of(connection, "feedback"):
        _count(report.deleted, table.name, _delete(connection, table, column, feedback_ids))
    _count(report.deleted, "feedback", _delete(connection, feedback, feedback.c.id, feedback_ids))
    for table, column, how in _related_tables(connection):
        values = diner_ids if how == "diner" else list(subject.keys)
        _count(report.deleted, table.name, _delete(connection, table, column, values))
    if diner_ids:
        orders = _table(RestaurantOrder)
        unlinked = connection.execute(
            update(orders).where(orders.c.diner_id.in_(diner_ids)).values(diner_id=None)
        ).rowcount
        _count(report.anonymised, "restaurant_order", int(unlinked or 0))
    for model, key in ((SurveyResponse, "respondent_key"), (ShopperActivity, "shopper_key")):
        table = _table(model)
        ids = list(connection.scalars(select(table.c.id).where(table.c[key].in_(subject.keys))))
        for dependent, column in _dependents_of(connection, table.name):
            _count(report.deleted, dependent.name, _delete(connection, dependent, column, ids))
        _count(report.deleted, table.name, _delete(connection, table, table.c.id, ids))
    diner = _table(Diner)
    _count(report.deleted, "diner", _delete(connection, diner, diner.c.id, diner_ids))
    erased = [row_id for row_id, _ in _quarantined(connection, subject)]
    if erased:
        quarantine = _table(QuarantinedRow)
        connection.execute(
            update(quarantine).where(quarantine.c.id.in_(erased)).values(raw=_ERASED)
        )
        _count(report.anonymised, "quarantined_row", len(erased))
    logger.info("forgot diner %s...: %d rows", subject.diner_key[:12], report.total)
    return report


def _count(counts: dict[str, int], name: str, rows: int) -> None:
    if rows:
        counts[name] = counts.get(name, 0) + rows
