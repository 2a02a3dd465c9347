"""timestamptz columns read as text and parsed by `datetime.fromisoformat`.

asyncpg's binary decoder for timestamptz builds each value as the epoch plus a
`timedelta`, through Python-level calls, a large part of the CPU of decoding a wide
page's member rows (`created_at`, `updated_at`). Asked for text, PostgreSQL writes
ISO 8601, and `fromisoformat` (C, Python 3.11+) parses it in a fraction of that time
(docs/benchmarks.md, round 10).

The values are the ones the binary codec gives: aware datetimes in the `timezone.utc`
singleton (whatever the session's TimeZone; another offset is converted), and
asyncpg's naive `datetime.max` / `datetime.min` for infinity. Parameters are written
as the binary encoder reads them: a naive datetime or a date is local time. DateStyle
is set to ISO on every connection (`make_engine`), the one text form parsed here.

One limit, from asyncpg: a type with a text codec cannot be decoded inside an
anonymous record (`SELECT ROW(a, created_at)`), which asyncpg always reads in binary.
No statement here returns one; `tests/foundation/test_timestamptz.py` shows the error it gives.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

UTC = dt.UTC
# what asyncpg's binary codec gives for PostgreSQL's infinities
INFINITY = dt.datetime.max
NEGATIVE_INFINITY = dt.datetime.min
_from_text = dt.datetime.fromisoformat
_CYCLE = dt.timedelta(days=146_097)  # 400 Gregorian years: the calendar repeats


def decode(text: str) -> dt.datetime:
    """A timestamptz as PostgreSQL writes it under DateStyle ISO."""
    try:
        value = _from_text(text)
    except ValueError:
        if text == "infinity":
            return INFINITY
        if text == "-infinity":
            return NEGATIVE_INFINITY
        return _beyond_the_years(text)
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def _beyond_the_years(text: str) -> dt.datetime:
    """An instant within a day of `datetime`'s limits, written in a session zone east
    or west of UTC as year 10000 or 1 BC: read 400 years nearer, moved back in UTC.
    Beyond that, OverflowError, as from the binary codec."""
    if text.endswith(" BC"):
        year, rest = text[:-3].split("-", 1)
        if year != "0001":
            raise ValueError(f"timestamptz out of range: {text!r}")
        moved, shift = f"0400-{rest}", -_CYCLE  # 1 BC is year 0
    else:
        year, rest = text.split("-", 1)
        moved, shift = f"{int(year) - 400:04d}-{rest}", _CYCLE
    return _from_text(moved).astimezone(UTC) + shift


def encode(value: Any) -> str:
    """A parameter, read as asyncpg's binary encoder reads it."""
    if not isinstance(value, dt.datetime):
        if not isinstance(value, dt.date):
            raise TypeError(
                f"expected a datetime.date or datetime.datetime instance, got {type(value).__name__!r}"
            )
        value = dt.datetime(value.year, value.month, value.day).astimezone()
    if value == INFINITY:
        return "infinity"
    if value == NEGATIVE_INFINITY:
        return "-infinity"
    return value.astimezone(UTC).isoformat()


async def install(connection: Any) -> None:
    """Set the codec on one asyncpg connection."""
    await connection.set_type_codec(
        "timestamptz", schema="pg_catalog", encoder=encode, decoder=decode, format="text"
    )
