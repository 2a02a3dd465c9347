"""DateTime leaves as text, written by orjson's C code instead of `isoformat`.

Strawberry's DateTime scalar coerces with `datetime.isoformat`, and a wide page formats
500 `updatedAt`s; orjson writes the same RFC 3339 text in C, in less than half the
time (docs/benchmarks.md, round 10). Its text equals `isoformat`'s for a naive datetime and
for one in UTC (the `timezone.utc` singleton asyncpg gives every timestamptz), but
not for every offset (`isoformat` keeps an offset's seconds), so any other zone is
still formatted by `isoformat`. `tests/fastpath/test_datetime_text.py` compares the two.
"""

from __future__ import annotations

import datetime as dt

import orjson

_UTC = dt.UTC
_dumps = orjson.dumps


def datetime_text(value: dt.datetime) -> str:
    """`value.isoformat()`, for exactly a `datetime`."""
    zone = value.tzinfo
    if zone is None or zone is _UTC:
        return _dumps(value)[1:-1].decode()
    return value.isoformat()
