"""What a request learnt for its metrics, kept in the ASGI scope.

The metrics middleware (clngraph/middleware/metrics.py) puts a `RequestRecord` in
the scope; the GraphQL view and the schema's observe extension fill in the
operation, the SHA label and the GraphQL outcome as they learn them. It lives here,
below the app, so `schema/` can write to it without importing the app package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RECORD_KEY = "cln.metrics"


@dataclass
class RequestRecord:
    """What the view learnt about the request; labels are bounded when recorded."""

    operation: str = "-"
    sha: str = "none"
    outcome: str | None = None  # a GraphQL error code, else the HTTP status is used


def record_of(scope: Any) -> RequestRecord | None:
    found = scope.get(RECORD_KEY)
    return found if isinstance(found, RequestRecord) else None
