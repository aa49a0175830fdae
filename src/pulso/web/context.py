"""Who is looking at a page, in which language, and the CSRF token its forms carry.

Pages depend on :data:`PageDep`: with auth configured, a request without a valid session cookie
is sent to ``/login`` (:class:`LoginRequiredError`); without auth (``create_app(engine)``) everyone is
the open admin principal. The language comes from ``?lang=``, then the ``pulso_lang`` cookie,
then Spanish.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any

from babel.support import Translations
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pulso.api.auth import (
    CSRF_COOKIE,
    OPEN_PRINCIPAL,
    SESSION_COOKIE,
    AuthenticationError,
    PermissionDeniedError,
    Principal,
    auth_config,
    csrf_token,
    csrf_valid,
    resolve_token,
)
from pulso.api.deps import get_session
from pulso.web.filters import Filters, url_with
from pulso.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, Formatter, translations

__all__ = [
    "LANG_COOKIE",
    "LoginContextDep",
    "LoginRequiredError",
    "PageContext",
    "PageDep",
    "check_form_csrf",
    "login_context",
    "page_context",
    "web_secret",
]

LANG_COOKIE = "pulso_lang"


class LoginRequiredError(AuthenticationError):
    """A page was asked for without a valid session: the answer is a redirect to the login."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url
        super().__init__("log in to see this page")


@dataclass(frozen=True)
class PageContext:
    """The request behind a page, its user, language and CSRF token."""

    request: Request
    principal: Principal
    language: str
    csrf_token: str
    new_nonce: str | None = None

    @cached_property
    def translations(self) -> Translations:
        return translations(self.language)

    @cached_property
    def fmt(self) -> Formatter:
        return Formatter(self.language)

    @cached_property
    def params(self) -> dict[str, str]:
        return dict(self.request.query_params)

    @cached_property
    def filters(self) -> Filters:
        return Filters.from_params(self.params)

    @property
    def path(self) -> str:
        return self.request.url.path

    def gettext(self, message: str, **values: Any) -> str:
        """``message`` translated; ``%(name)s`` placeholders filled from ``values``."""
        text = self.translations.gettext(message)
        return text % values if values else text

    def url(self, **changes: object) -> str:
        """This page's URL with query parameters changed."""
        return url_with(self.path, self.params, **changes)


def web_secret(request: Request) -> str:
    """The key CSRF tokens are derived from (the auth secret, or a per-process one when open)."""
    config = auth_config(request)
    if config is not None:
        return config.secret_key
    secret = getattr(request.app.state, "web_secret", None)
    if secret is None:
        secret = request.app.state.web_secret = secrets.token_urlsafe(32)
    return str(secret)


def _language(request: Request) -> str:
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT_LANGUAGE


def _anonymous(request: Request, principal: Principal) -> PageContext:
    nonce = request.cookies.get(CSRF_COOKIE)
    new_nonce = None
    if not nonce or len(nonce) > 64:
        nonce = new_nonce = secrets.token_urlsafe(24)
    token = csrf_token(web_secret(request), nonce)
    return PageContext(request, principal, _language(request), token, new_nonce)


def page_context(
    request: Request, session: Annotated[Session, Depends(get_session)]
) -> PageContext:
    """The context of a page that needs a logged-in user."""
    config = auth_config(request)
    if config is None:
        return _anonymous(request, OPEN_PRINCIPAL)
    cookie = request.cookies.get(SESSION_COOKIE)
    principal = resolve_token(session, cookie, config=config, kind="session") if cookie else None
    if principal is None or principal.token_hash is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequiredError(target)
    token = csrf_token(config.secret_key, principal.token_hash)
    return PageContext(request, principal, _language(request), token)


def login_context(request: Request) -> PageContext:
    """The context of the login page (no user yet; the CSRF token is bound to a nonce cookie)."""
    return _anonymous(request, OPEN_PRINCIPAL)


def check_form_csrf(context: PageContext, submitted: str | None) -> None:
    """Refuse a form post whose CSRF token is missing or not this session's."""
    if context.principal.token_hash is not None:
        binding: str | None = context.principal.token_hash
    else:
        binding = context.request.cookies.get(CSRF_COOKIE)
    if not csrf_valid(web_secret(context.request), binding, submitted):
        raise PermissionDeniedError("the form's CSRF token is missing or expired; reload the page")


PageDep = Annotated[PageContext, Depends(page_context)]
LoginContextDep = Annotated[PageContext, Depends(login_context)]
