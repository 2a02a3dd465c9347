"""The interface that turns a bearer token into a Principal.

The foundation ships development tokens; the OAuth work plugs other
authenticators in behind the same interface.
"""

from __future__ import annotations

from typing import Protocol

from auth.principal import Principal


class AuthenticationError(Exception):
    """The token is not acceptable. `reason` is safe to show; the token never is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Authenticator(Protocol):
    async def authenticate(self, token: str) -> Principal: ...


class ChainAuthenticator:
    """Try each authenticator in turn; the first that accepts the token wins."""

    def __init__(self, *authenticators: Authenticator) -> None:
        self.authenticators = authenticators

    async def authenticate(self, token: str) -> Principal:
        last = AuthenticationError("no authenticator configured")
        for authenticator in self.authenticators:
            try:
                return await authenticator.authenticate(token)
            except AuthenticationError as exc:
                last = exc
        raise last
