"""An event's status as members see it: the organisers' setting, then the calendar.

The stored status is what the organisers chose (OPEN, CLOSED, CANCELLED). An OPEN
event stops taking registrations at its deadline (by default when it starts), so it
reads CLOSED from then on: the status never says OPEN while registration is refused.
"""

from __future__ import annotations

import datetime as dt

from resolvers.events.enums import EventStatus


def registration_closes(closes_at: dt.datetime | None, starts_at: dt.datetime) -> dt.datetime:
    return closes_at if closes_at is not None else starts_at


def derived_status(
    stored: str, closes_at: dt.datetime | None, starts_at: dt.datetime, now: dt.datetime
) -> EventStatus:
    status = EventStatus(stored)
    if status == EventStatus.OPEN and registration_closes(closes_at, starts_at) <= now:
        return EventStatus.CLOSED
    return status
