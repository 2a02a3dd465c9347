"""`datetime_text` writes exactly what strawberry's DateTime coercion (`isoformat`)
writes, for every kind of datetime a row or a resolver can give."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from schema.fastpath.datetime_text import datetime_text

ZONES = [
    None,
    dt.UTC,
    dt.timezone(dt.timedelta(hours=1)),
    dt.timezone(dt.timedelta(hours=-5, minutes=-30)),
    dt.timezone(dt.timedelta(seconds=3661)),  # an offset with seconds
    ZoneInfo("Europe/London"),
]


def sample_datetimes(count: int) -> list[dt.datetime]:
    """Seeded datetimes over the whole range, half with no microseconds, in every zone."""
    rng = random.Random(20261124)
    span = int((dt.datetime.max - dt.datetime.min).total_seconds())
    values = [dt.datetime.min, dt.datetime.max, dt.datetime(2000, 1, 1)]
    for index in range(count):
        moment = dt.datetime.min + dt.timedelta(seconds=rng.randrange(span))
        micro = 0 if index % 2 else rng.randrange(1_000_000)
        values.append(moment.replace(microsecond=micro))
    return [v.replace(tzinfo=zone) for v in values for zone in ZONES if _fits(v, zone)]


def _fits(value: dt.datetime, zone: dt.tzinfo | None) -> bool:
    """Zones whose offset would leave the representable range are skipped, as
    `isoformat` and orjson both refuse them differently."""
    return zone is None or dt.datetime(2, 1, 1) < value < dt.datetime(9998, 12, 31)


def test_same_text_as_isoformat() -> None:
    values = sample_datetimes(5000)
    assert len(values) > 25_000
    for value in values:
        assert datetime_text(value) == value.isoformat(), value


@pytest.mark.parametrize("zone", ZONES, ids=repr)
def test_database_values(zone: dt.tzinfo | None) -> None:
    # what asyncpg hands back for a timestamptz: aware, in the UTC singleton
    value = dt.datetime(2026, 11, 24, 2, 41, 5, 120_000, tzinfo=zone)
    assert datetime_text(value) == value.isoformat()
