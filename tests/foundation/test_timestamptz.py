"""The service's connections read timestamptz as text (foundation/timestamptz.py) and
must give exactly what asyncpg's own binary codec gives: compared here value by value,
on the same server, for results and for parameters, in several session time zones."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from foundation.db import make_engine
from foundation.settings import Settings

# expressions covering what PostgreSQL writes: microseconds or none, offsets of half
# an hour and (before 1909 in Amsterdam) of seconds, the infinities, nulls, arrays
EXPRESSIONS = [
    "'2026-11-24 02:41:05'::timestamptz",
    "'2026-11-24 02:41:05.000001+00'::timestamptz",
    "'2001-02-03 04:05:06.789+05:30'::timestamptz",
    "'1900-06-01 12:00:00 Europe/Amsterdam'::timestamptz",
    "'0001-01-01 00:00:00+00'::timestamptz",
    "'9999-12-31 23:59:59.999999+00'::timestamptz",
    "'infinity'::timestamptz",
    "'-infinity'::timestamptz",
    "NULL::timestamptz",
    "ARRAY['2026-11-24 02:41:05.12+00', NULL, 'infinity']::timestamptz[]",
]
ZONES = ["UTC", "Europe/London", "Asia/Kolkata", "America/St_Johns", "Europe/Amsterdam"]
PARAMETERS: list[Any] = [
    dt.datetime(2026, 11, 24, 2, 41, 5, 120_000, tzinfo=dt.UTC),
    dt.datetime(2026, 6, 1, 9, 30, tzinfo=ZoneInfo("Europe/London")),
    dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
    dt.datetime(2026, 6, 1, 9, 30),  # naive: local time, as asyncpg reads it
    dt.date(2026, 6, 1),
    dt.datetime.max,
    dt.datetime.min,
]


@pytest.fixture
async def service(admin_url: str, settings: Settings) -> AsyncIterator[AsyncConnection]:
    """A connection from the service's own engine (text codec)."""
    engine = make_engine(admin_url, settings, pool_size=1)
    try:
        async with engine.connect() as conn:
            yield conn
    finally:
        await engine.dispose()


@pytest.fixture
async def binary(admin_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A plain asyncpg connection (asyncpg's binary codec)."""
    conn = await asyncpg.connect(admin_url.replace("+asyncpg", ""))
    try:
        yield conn
    finally:
        await conn.close()


def _same(ours: Any, theirs: Any) -> None:
    assert ours == theirs
    values = ours if isinstance(ours, list) else [ours]
    references = theirs if isinstance(theirs, list) else [theirs]
    for value, reference in zip(values, references, strict=True):
        # the same object kind: aware in the UTC singleton, or asyncpg's naive infinities
        assert type(value) is type(reference)
        if isinstance(value, dt.datetime):
            assert value.tzinfo is reference.tzinfo


async def _both_in_zone(service: AsyncConnection, binary: asyncpg.Connection, zone: str) -> None:
    await service.execute(text(f"SET TIME ZONE '{zone}'"))
    await binary.execute(f"SET TIME ZONE '{zone}'")


@pytest.mark.parametrize("zone", ZONES)
async def test_results_equal_the_binary_codec(
    service: AsyncConnection, binary: asyncpg.Connection, zone: str
) -> None:
    await _both_in_zone(service, binary, zone)
    for expression in EXPRESSIONS:
        ours = (await service.execute(text(f"SELECT {expression}"))).scalar()
        theirs = await binary.fetchval(f"SELECT {expression}")
        _same(ours, theirs)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
async def test_parameters_read_as_the_binary_codec_reads_them(
    service: AsyncConnection, binary: asyncpg.Connection, zone: str
) -> None:
    await _both_in_zone(service, binary, zone)
    for value in PARAMETERS:
        statement = "SELECT CAST(:v AS timestamptz)::text"
        ours = (await service.execute(text(statement), {"v": value})).scalar()
        theirs = await binary.fetchval("SELECT $1::timestamptz::text", value)
        assert ours == theirs, value


async def test_other_parameters_are_refused_as_before(service: AsyncConnection) -> None:
    with pytest.raises(Exception, match=r"expected a datetime\.date or datetime\.datetime"):
        await service.execute(text("SELECT CAST(:v AS timestamptz)"), {"v": 3})


async def test_a_record_holding_a_timestamptz_is_the_known_limit(
    service: AsyncConnection,
) -> None:
    # asyncpg decodes anonymous records in binary: a text codec cannot read inside one.
    # Where it fails depends on the connection's codec cache: asyncpg's record decoder
    # ("... decode ...") or our text decoder handed binary bytes ("... unpack ...").
    with pytest.raises(Exception, match=r"decode|unpack"):
        await service.execute(text("SELECT ROW(1, now())"))
