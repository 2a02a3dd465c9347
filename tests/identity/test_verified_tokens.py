"""The verified-signature cache (auth/verified.py) remembers signatures only: time
claims are checked on every request, a changed byte is a different token, entries
expire and the cache stays bounded."""

from __future__ import annotations

import time

import pytest
from joserfc.jwk import ECKey

from auth.authenticator import AuthenticationError
from auth.dev_tokens import DevTokenAuthenticator, issue_dev_token
from auth.verified import VerifiedTokens

ISSUER, AUDIENCE = "https://cln.test", "cln-graph"


def _key() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": "test", "use": "sig"}, private=True)


def _token(key: ECKey, **kwargs: object) -> str:
    return issue_dev_token(
        key, issuer=ISSUER, audience=AUDIENCE, subject="s", roles=["member"], sha="Q31", **kwargs
    )  # type: ignore[arg-type]


async def test_expiry_is_checked_on_every_request_even_when_cached() -> None:
    key = _key()
    auth = DevTokenAuthenticator(key, issuer=ISSUER, audience=AUDIENCE, leeway_s=0)
    expired = _token(key, now=int(time.time()) - 120, lifetime_s=60)
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            await auth.authenticate(expired)
        assert auth.verified.get(expired) is not None  # its signature is remembered
    assert (await auth.authenticate(_token(key))).home_sha == "Q31"


async def test_a_tampered_token_is_verified_afresh() -> None:
    key = _key()
    auth = DevTokenAuthenticator(key, issuer=ISSUER, audience=AUDIENCE)
    token = _token(key)
    await auth.authenticate(token)
    header, payload, signature = token.split(".")
    tampered = ".".join(
        [header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")]
    )
    with pytest.raises(AuthenticationError):
        await auth.authenticate(tampered)
    other_key = _key()
    with pytest.raises(AuthenticationError):
        await auth.authenticate(_token(other_key))


def test_entries_expire_and_the_cache_is_bounded() -> None:
    now = [1000.0]
    cache = VerifiedTokens(maxsize=2, ttl_s=0.05, clock=lambda: now[0])
    cache.put("a", {}, {"n": 1})
    cache.put("b", {}, {"n": 2})
    assert cache.get("a") == ({}, {"n": 1})  # "a" is now the most recent
    cache.put("c", {}, {"n": 3})
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    now[0] += 0.049
    assert cache.get("a") is not None  # not yet
    now[0] += 0.002
    assert cache.get("a") is None and cache.get("c") is None
