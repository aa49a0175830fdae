"""``/api/v1/auth``: bearer tokens (OAuth2 password flow) and the current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from pulso.api.auth import (
    AuthenticationError,
    PrincipalDep,
    auth_config,
    authenticate,
    bearer_scheme,
    issue_token,
    revoke_token,
)
from pulso.api.deps import SessionDep
from pulso.api.schemas_auth import PrincipalOut, RevokedOut, TokenOut
from pulso.errors import ConfigError

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post(
    "/token",
    response_model=TokenOut,
    summary="Exchange an email and password for a bearer token",
    responses={401: {"description": "Wrong email or password"}},
)
def create_token(
    request: Request,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenOut:
    config = auth_config(request)
    if config is None:
        raise ConfigError("this server runs without authentication: no tokens to hand out")
    user = authenticate(session, form.username, form.password)
    if user is None:
        raise AuthenticationError("wrong email or password")
    token = issue_token(session, user, config=config, kind="token")
    session.commit()  # the client may use the token before the request's session closes
    return TokenOut(access_token=token, expires_in=config.token_max_age_seconds)


@router.get("/me", response_model=PrincipalOut, summary="The user making the request")
def who_am_i(principal: PrincipalDep) -> PrincipalOut:
    return PrincipalOut(email=principal.email, role=principal.role, via=principal.via)


@router.post("/revoke", response_model=RevokedOut, summary="Revoke the bearer token sent")
def revoke(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    bearer: Annotated[str | None, Depends(bearer_scheme)],
) -> RevokedOut:
    config = auth_config(request)
    if config is None or principal.via != "bearer" or bearer is None:
        return RevokedOut(revoked=False)
    revoked = revoke_token(session, bearer, config=config)
    session.commit()
    return RevokedOut(revoked=revoked)
