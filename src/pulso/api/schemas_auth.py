"""Response models of ``/api/v1/auth``."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["PrincipalOut", "RevokedOut", "TokenOut"]


class TokenOut(BaseModel):
    """An OAuth2 bearer token (send it as ``Authorization: Bearer <access_token>``)."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int


class PrincipalOut(BaseModel):
    """The user behind a request."""

    email: str
    role: str
    via: str


class RevokedOut(BaseModel):
    revoked: bool
