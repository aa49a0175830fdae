"""The login page, logging out, and the redirect to the login page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from pulso.api.auth import (
    SESSION_COOKIE,
    PermissionDeniedError,
    auth_config,
    authenticate,
    issue_token,
    resolve_token,
    revoke_token,
)
from pulso.api.deps import SessionDep
from pulso.web.context import (
    LoginContextDep,
    LoginRequiredError,
    PageContext,
    PageDep,
    check_form_csrf,
)
from pulso.web.filters import safe_next
from pulso.web.rendering import render

__all__ = ["login_redirect", "router"]

router = APIRouter(include_in_schema=False)


def _logged_in(request: Request, session: Session) -> bool:
    config = auth_config(request)
    if config is None:
        return True
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return False
    return resolve_token(session, cookie, config=config, kind="session") is not None


def _login_page(
    context: PageContext, *, next_url: str, error: str | None = None, status_code: int = 200
) -> Response:
    return render(
        context,
        "login.html",
        status_code=status_code,
        page_title="Log in",
        next_url=next_url,
        error=error,
    )


@router.get("/login")
def login_form(context: LoginContextDep, session: SessionDep, next: str | None = None) -> Response:
    """The login form (or the page asked for, when already logged in)."""
    target = safe_next(next)
    if _logged_in(context.request, session):
        return RedirectResponse(target, status_code=303)
    return _login_page(context, next_url=target)


@router.post("/login")
def login(
    context: LoginContextDep,
    session: SessionDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the credentials; on success set the session cookie and go to ``next``."""
    target = safe_next(next)
    config = auth_config(context.request)
    try:
        check_form_csrf(context, csrf_token)
    except PermissionDeniedError:
        message = context.gettext("The form expired. Please try again.")
        return _login_page(context, next_url=target, error=message, status_code=403)
    if config is None:
        return RedirectResponse(target, status_code=303)
    user = authenticate(session, email, password)
    if user is None:
        message = context.gettext("Wrong email or password.")
        return _login_page(context, next_url=target, error=message, status_code=401)
    token = issue_token(session, user, config=config, kind="session")
    session.commit()  # before the redirect: the next request must find the session
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=config.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=config.cookie_secure,
        path="/",
    )
    return response


@router.post("/logout")
def logout(
    context: PageDep,
    session: SessionDep,
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """End the session (the CSRF token stops a third-party page from logging users out)."""
    check_form_csrf(context, csrf_token)
    config = auth_config(context.request)
    cookie = context.request.cookies.get(SESSION_COOKIE)
    if config is not None and cookie:
        revoke_token(session, cookie, config=config)
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


async def login_redirect(_request: Request, exc: Exception) -> Response:
    """Answer :class:`LoginRequiredError` with a redirect to the login page."""
    assert isinstance(exc, LoginRequiredError)
    return RedirectResponse("/login?" + urlencode({"next": exc.next_url}), status_code=303)
