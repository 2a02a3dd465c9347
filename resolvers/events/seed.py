"""Demo events: the national Clinical Congress (owned nationally, held in London and
open to every SHA) and a regional meeting per SHA, with registrations whose counters
on the event row match them. The North West workshop shows a waiting list."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import asyncpg

UTC = dt.UTC


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


async def _event(
    conn: asyncpg.Connection,
    rng: random.Random,
    sha: str,
    title: str,
    kind: str,
    start: dt.datetime,
    capacity: int,
    *,
    national: bool = False,
    ownership: str = "SHA",
    venue: str | None = None,
    sessions: list[str] | None = None,
) -> uuid.UUID:
    event_id = _uuid(rng)
    await conn.execute(
        "INSERT INTO events (sha_code, id, title, kind, ownership, is_national, venue,"
        " starts_at, ends_at, capacity) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        sha,
        event_id,
        title,
        kind,
        ownership,
        national,
        venue,
        start,
        start + dt.timedelta(hours=8),
        capacity,
    )
    for i, name in enumerate(sessions or []):
        begins = start + dt.timedelta(hours=i * 2 + 1)
        await conn.execute(
            "INSERT INTO event_sessions (sha_code, id, event_id, is_national, title, room,"
            " starts_at, ends_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            sha,
            _uuid(rng),
            event_id,
            national,
            name,
            f"Room {i + 1}",
            begins,
            begins + dt.timedelta(hours=1, minutes=30),
        )
    return event_id


async def _register(
    conn: asyncpg.Connection,
    event_sha: str,
    event_id: uuid.UUID,
    national: bool,
    capacity: int,
    people: list[tuple[str, uuid.UUID]],
) -> None:
    """Registrations in order, confirmed while places last, and the counters to match."""
    rows = [
        (
            sha,
            member,
            event_sha,
            event_id,
            national,
            "CONFIRMED" if n < capacity else "WAITLISTED",
            n + 1,
        )
        for n, (sha, member) in enumerate(people)
    ]
    await conn.executemany(
        "INSERT INTO event_registrations (sha_code, member_id, event_sha_code, event_id,"
        " event_is_national, status, seq) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        rows,
    )
    confirmed = min(len(people), capacity)
    await conn.execute(
        "UPDATE events SET confirmed_count = $3, waitlist_count = $4, registration_seq = $5"
        " WHERE sha_code = $1 AND id = $2",
        event_sha,
        event_id,
        confirmed,
        len(people) - confirmed,
        len(people),
    )


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    rows = await conn.fetch(
        "SELECT sha_code, id FROM members WHERE status = 'ACTIVE' ORDER BY sha_code, family_name, id"
    )
    by_sha: dict[str, list[uuid.UUID]] = {}
    for r in rows:
        by_sha.setdefault(r["sha_code"], []).append(r["id"])
    if "Q36" not in by_sha:
        return
    congress = await _event(
        conn,
        rng,
        "Q36",
        "Clinical Leaders Network Annual Clinical Congress",
        "CLINICAL_CONGRESS",
        dt.datetime(2027, 3, 10, 9, tzinfo=UTC),
        200,
        national=True,
        ownership="NATIONAL",
        venue="QEII Centre, Westminster",
        sessions=[
            "Opening plenary",
            "Engagement Escalator workshop",
            "Choose and Book: 4th to 1st",
        ],
    )
    attendees = [(sha, m) for sha in sorted(by_sha) for m in by_sha[sha][:4]]
    await _register(conn, "Q36", congress, True, 200, attendees)
    for sha, people in sorted(by_sha.items()):
        meeting = await _event(
            conn,
            rng,
            sha,
            "Regional clinical leaders meeting",
            "REGIONAL_MEETING",
            dt.datetime(2027, 1, 20, 9, tzinfo=UTC) + dt.timedelta(days=rng.randint(0, 40)),
            40,
            sessions=["Network map and gaps", "Action learning set reports"],
        )
        await _register(conn, sha, meeting, False, 40, [(sha, m) for m in people[4:10]])
    if "Q31" in by_sha:
        workshop = await _event(
            conn,
            rng,
            "Q31",
            "Choose and Book clinical champions workshop",
            "WORKSHOP",
            dt.datetime(2027, 2, 3, 13, tzinfo=UTC),
            3,
            venue="Manchester",
        )
        await _register(conn, "Q31", workshop, False, 3, [("Q31", m) for m in by_sha["Q31"][10:15]])
