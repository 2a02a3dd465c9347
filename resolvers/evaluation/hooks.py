"""Hooks for progress counts owned by other domains.

A member's personal progress includes action learning sets attended and service
reform actions completed. Those tables belong to the learning-sets domain, which
is not part of this package: that domain registers a batch counter here at import
time (`register_progress_counter("sets_attended", fn)`), and until one is
registered the fields resolve to null rather than a made-up zero.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Literal

from resolvers.common.context import Context

ProgressKind = Literal["sets_attended", "actions_completed"]
MemberKey = tuple[str, uuid.UUID]
BatchCounter = Callable[[Context, list[MemberKey]], Awaitable[Sequence[int]]]

_COUNTERS: dict[str, BatchCounter] = {}


def register_progress_counter(kind: ProgressKind, counter: BatchCounter) -> None:
    """Register the batch function that counts `kind` for (sha_code, member id) keys:
    one SQL statement per batch, one count per key in the same order."""
    _COUNTERS[kind] = counter


def progress_counter(kind: ProgressKind) -> BatchCounter | None:
    return _COUNTERS.get(kind)
