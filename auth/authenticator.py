"""The interface that turns a bearer token into a Principal.

The foundation ships development tokens; the OAuth work plugs other
authenticators in behind the same interface.
"""

from __future__ import annotations

from typing import Protocol

from joserfc.errors import ClaimError, ExpiredTokenError, MissingClaimError

from auth.principal import Principal


class AuthenticationError(Exception):
    """The token is not acceptable. `reason` is safe to show; the token never is.

    `recognised`: the verifier checked the token's signature with one of its own keys,
    so its reason is the true one (an expired development token must say "expired",
    not the "unknown key" of the next verifier in the chain)."""

    def __init__(self, reason: str, *, recognised: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.recognised = recognised


_CLAIM_NAMES = {
    "iss": "token from another issuer",
    "aud": "token for another audience",
    "sub": "token has no valid subject",
    "iat": "token has no valid issue time",
    "jti": "token has no valid id",
}


def claims_refusal(exc: Exception) -> AuthenticationError:
    """A true reason for a token whose signature held but whose claims did not
    (joserfc's claim errors: expired, not yet valid, wrong issuer or audience...)."""
    if isinstance(exc, ExpiredTokenError):
        reason = "token expired"
    elif isinstance(exc, ClaimError) and exc.claim == "nbf":
        reason = "token not yet valid"
    elif isinstance(exc, MissingClaimError):
        reason = f"token lacks claims: {exc.claim}"
    elif isinstance(exc, ClaimError):
        reason = _CLAIM_NAMES.get(exc.claim, f"token has an invalid {exc.claim} claim")
    else:
        reason = f"invalid token claims: {type(exc).__name__}"
    return AuthenticationError(reason, recognised=True)


class Authenticator(Protocol):
    async def authenticate(self, token: str) -> Principal: ...


class ChainAuthenticator:
    """Try each authenticator in turn; the first that accepts the token wins. When all
    refuse, the reason of one that recognised the token is given, else the last."""

    def __init__(self, *authenticators: Authenticator) -> None:
        self.authenticators = authenticators

    async def authenticate(self, token: str) -> Principal:
        last = AuthenticationError("no authenticator configured")
        recognised: AuthenticationError | None = None
        for authenticator in self.authenticators:
            try:
                return await authenticator.authenticate(token)
            except AuthenticationError as exc:
                last = exc
                if exc.recognised and recognised is None:
                    recognised = exc
        raise recognised or last
