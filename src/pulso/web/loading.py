"""Turning what the query functions return into table rows, and the options of the filters.

Query functions page in the database; a dashboard table sorts by any column, so up to
``limit`` rows are fetched (the page's view) or :data:`EXPORT_LIMIT` rows (an export) and
sorted and paged here. When more rows match, the table says so.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from pulso.store.queries import overview
from pulso.store.queries.ingest import Page
from pulso.web.context import PageContext
from pulso.web.tables import rows_from

__all__ = [
    "EXPORT_LIMIT",
    "VIEW_LIMIT",
    "Fetched",
    "FilterOptions",
    "cached_by_ingest",
    "fetch_rows",
    "fetch_table",
    "row_limit",
    "tables_exist",
]

T = TypeVar("T")

VIEW_LIMIT = 1_000
EXPORT_LIMIT = 100_000


_INGEST_CACHE: OrderedDict[tuple[str, str], tuple[tuple[int, int, str, int], Any]] = OrderedDict()
_INGEST_CACHE_SIZE = 256


def cached_by_ingest(session: Session, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, reused until the next ingest run or pipeline step: for reads of raw
    history that only change when data is loaded or the pipeline runs.

    Data freshness scans the newest rows of every source and the promotion list joins every
    promotion to its listing and match; they are computed once per data change (per database
    and ``name``, which must hold every argument) instead of on every page view.
    """
    fingerprint = overview.ingest_fingerprint(session)
    key = (str(session.get_bind().engine.url), name)
    hit = _INGEST_CACHE.get(key)
    if hit is not None and hit[0] == fingerprint:
        return cast(T, hit[1])
    value = compute()
    _INGEST_CACHE[key] = (fingerprint, value)
    _INGEST_CACHE.move_to_end(key)
    while len(_INGEST_CACHE) > _INGEST_CACHE_SIZE:
        _INGEST_CACHE.popitem(last=False)
    return value


@cache
def _table_names(engine: Engine) -> frozenset[str]:
    return frozenset(inspect(engine).get_table_names())


def tables_exist(session: Session, *names: str) -> bool:
    """Whether the database has these tables yet (an area's migration may not have run).

    Pages show their empty state instead of failing while an area is still being built.
    """
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    known = _table_names(engine)
    if not set(names) <= known:
        _table_names.cache_clear()  # a migration may have run since: look once more
        known = _table_names(engine)
    return set(names) <= known


@dataclass(frozen=True, slots=True)
class Fetched:
    """Rows of a table and how many matched in all; ``page`` is set when the database paged."""

    rows: list[dict[str, Any]]
    total: int
    page: int | None = None

    @property
    def truncated(self) -> bool:
        return self.page is None and self.total > len(self.rows)

    def table_args(self) -> dict[str, Any]:
        """``total`` and ``page`` for :class:`~pulso.web.tables.Table` when the database paged."""
        return {} if self.page is None else {"total": self.total, "page": self.page}


def fetch_table(
    context: PageContext,
    table_id: str,
    fetch: Callable[..., Page[Any]],
    keys: Sequence[str],
    *,
    native_sort: tuple[str, bool],
    page_size: int = 20,
    **kwargs: Any,
) -> Fetched:
    """Rows for a big table: one page from the database while it is shown in the query's own
    order (``native_sort``: column and descending); the first ``VIEW_LIMIT`` rows to sort here
    when another order is asked for; everything for an export."""
    params = context.params
    sort = params.get(f"{table_id}_sort")
    descending = params.get(f"{table_id}_dir") == "desc"
    if row_limit(context, table_id) == EXPORT_LIMIT or (
        sort is not None and (sort, descending) != native_sort
    ):
        return fetch_rows(fetch, keys, limit=row_limit(context, table_id), **kwargs)
    wanted = params.get(f"{table_id}_page") or "1"
    page = max(1, int(wanted)) if wanted.isdigit() else 1
    result = fetch(page=page, page_size=page_size, **kwargs)
    if not result.items and page > 1:  # past the end: show the last page
        page = max(1, -(-result.total // page_size))
        result = fetch(page=page, page_size=page_size, **kwargs)
    return Fetched(rows_from(result.items, keys), result.total, page)


def row_limit(context: PageContext, table_id: str) -> int:
    """How many rows to fetch for ``table_id``: all of them when it is being exported."""
    exporting = context.params.get("export") and context.params.get("table") == table_id
    return EXPORT_LIMIT if exporting else VIEW_LIMIT


def fetch_rows(
    fetch: Callable[..., Page[Any]], keys: Sequence[str], *, limit: int, **kwargs: Any
) -> Fetched:
    """Call a paged query function for its first ``limit`` rows, as dicts of ``keys``."""
    page = fetch(page=1, page_size=limit, **kwargs)
    return Fetched(rows_from(page.items, keys), page.total)


@dataclass(frozen=True, slots=True)
class FilterOptions:
    """The choices of the filter selects: ``(value, label)`` pairs."""

    categories: list[tuple[str, str]]
    competitors: list[tuple[str, str]]
    restaurants: list[tuple[str, str]]
    retailer_ids: dict[str, int]
    retailer_names: dict[int, str]
    slug_names: dict[str, str]
    own_retailer_id: int | None

    @classmethod
    def load(cls, session: Session) -> FilterOptions:
        retailers = overview.list_retailers(session)
        return cls(
            categories=[(name, name) for name in overview.list_categories(session)],
            competitors=[(r.slug, r.name) for r in retailers if not r.is_own],
            restaurants=[(str(r.id), r.name) for r in overview.list_restaurants(session)],
            retailer_ids={r.slug: r.id for r in retailers},
            retailer_names={r.id: r.name for r in retailers},
            slug_names={r.slug: r.name for r in retailers},
            own_retailer_id=next((r.id for r in retailers if r.is_own), None),
        )

    def as_dict(self) -> dict[str, list[tuple[str, str]]]:
        return {
            "category": self.categories,
            "competitor": self.competitors,
            "restaurant": self.restaurants,
        }

    def retailer_id(self, slug: str | None) -> int | None:
        """The id of the competitor filter's slug (None when absent or unknown)."""
        return self.retailer_ids.get(slug) if slug else None
