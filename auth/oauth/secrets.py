"""Client ids and secrets. A secret is 256 random bits shown once; only its salted
hash is stored. A fast hash suffices for secrets of that entropy (no dictionary to
guess from); guessing online is stopped by the lockout in `clients.py`."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "sha256"


def new_client_id() -> str:
    return "cln-" + secrets.token_hex(8)


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str, *, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()
    return f"{SCHEME}${salt}${digest}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, salt, _ = stored.split("$", 2)
    except ValueError:
        return False
    if scheme != SCHEME:
        return False
    return hmac.compare_digest(hash_secret(secret, salt=salt), stored)
