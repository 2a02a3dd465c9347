"""Text PostgreSQL cannot store: a NUL character (`\\u0000`) or an unpaired UTF-16
surrogate (`\\ud800` alone, which JSON allows and Python keeps). Sent on, either comes
back from the driver as an error of the server's or of its encoder, which a client
must never be able to cause; each door refuses it instead (GraphQL arguments in
schema/inputs.py, the OAuth endpoints' parameters in auth/oauth/endpoints.py)."""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REASON = "strings may not contain NUL characters or unpaired surrogates"


def unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None
