"""FastAPI dependencies: the database session and paging parameters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pulso.store.session import session_scope

__all__ = ["PageDep", "PageParams", "SessionDep", "get_engine", "get_session"]


def get_engine(request: Request) -> Engine:
    """The engine the app was created with."""
    engine = request.app.state.engine
    assert isinstance(engine, Engine)
    return engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """A session per request, committed when the request succeeds."""
    with session_scope(engine) as session:
        yield session


@dataclass(frozen=True, slots=True)
class PageParams:
    """``?page=1&page_size=50`` (at most 500 per page)."""

    page: int = 1
    page_size: int = 50


def _page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="1-based page number")] = 1,
    page_size: Annotated[int, Query(ge=1, le=500, description="rows per page")] = 50,
) -> PageParams:
    return PageParams(page, page_size)


#: ``scope="function"`` commits before the response is sent, so a client that reads right
#: after a write sees it (FastAPI otherwise runs the code after ``yield`` late).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
PageDep = Annotated[PageParams, Depends(_page_params)]
