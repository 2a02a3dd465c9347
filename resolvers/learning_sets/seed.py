"""Demo action learning sets: 60-120 clinicians per SHA (fewer when the demo SHA is
smaller) in three to five sets around pathways and priorities of its own (Choose and
Book first in the North West pilot, maternity services in London), each with two
facilitators, four monthly meetings, attendance and actions. The sets draw on most of
an SHA's organisations, not all: every third PCT (by name) has no one in a set yet, so
the evaluation can compare organisations with and without CLN activity."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import asyncpg

FOCUS = {
    "Q31": ("PRIORITY", "Choose and Book"),
    "Q36": ("CARE_PATHWAY", "Maternity and young people's services"),
}
OTHER_FOCUS = [
    ("CARE_PATHWAY", "Stroke"),
    ("CARE_PATHWAY", "End of life care"),
    ("PRIORITY", "Practice based commissioning"),
    ("CARE_PATHWAY", "Cardiac"),
    ("PRIORITY", "18 weeks"),
    ("PRIORITY", "Healthcare acquired infection"),
    ("CARE_PATHWAY", "Long-term conditions"),
]
MEETING_DAYS = [dt.date(2026, month, 14) for month in (6, 7, 8, 9)]
ACTIONS = [
    "Audit referral letters against the pathway",
    "Map the patient journey with service users",
    "Agree shared discharge criteria with social services",
]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


async def not_yet_reached(conn: asyncpg.Connection, sha: str) -> list[uuid.UUID]:
    """Every third PCT of the SHA by name (the second, fifth, ...): no set members."""
    pcts = await conn.fetch(
        "SELECT id FROM organisations WHERE sha_code = $1 AND type = 'PCT' ORDER BY name, id",
        sha,
    )
    return [r["id"] for r in pcts[1::3]]


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    shas = [r["sha_code"] for r in await conn.fetch("SELECT DISTINCT sha_code FROM members")]
    for sha in sorted(shas):
        active = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM members WHERE sha_code = $1 AND status = 'ACTIVE'"
                " AND profession NOT IN ('MANAGER', 'ADMINISTRATOR')"
                " AND organisation_id <> ALL ($2::uuid[])"
                " ORDER BY family_name, given_name, id",
                sha,
                await not_yet_reached(conn, sha),
            )
        ]
        people = active[: min(len(active), rng.randint(60, 120))]
        if len(people) < 6:
            continue
        # three to five sets of six or more (fewer sets in a small demo SHA)
        set_count = min(3 if len(people) < 90 else rng.choice((4, 5)), len(people) // 6)
        first = FOCUS.get(sha)
        focuses = ([first] if first else []) + rng.sample(OTHER_FOCUS, set_count)
        size = len(people) // set_count
        for n in range(set_count):
            members = people[n * size : (n + 1) * size if n < set_count - 1 else len(people)]
            await _one_set(conn, rng, sha, focuses[n], members)


async def _one_set(
    conn: asyncpg.Connection,
    rng: random.Random,
    sha: str,
    focus_pair: tuple[str, str],
    people: list[uuid.UUID],
) -> None:
    kind, focus = focus_pair
    set_id = _uuid(rng)
    await conn.execute(
        "INSERT INTO learning_sets (sha_code, id, name, focus_kind, focus, started_on)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        sha,
        set_id,
        f"{focus} action learning set",
        kind,
        focus,
        dt.date(2026, 5, 1),
    )
    await conn.executemany(
        "INSERT INTO learning_set_members (sha_code, set_id, member_id, role, joined_on)"
        " VALUES ($1, $2, $3, $4, $5)",
        [
            (sha, set_id, m, "FACILITATOR" if i < 2 else "PARTICIPANT", dt.date(2026, 5, 1))
            for i, m in enumerate(people)
        ],
    )
    meeting_ids = []
    for day in MEETING_DAYS:
        meeting_id = _uuid(rng)
        meeting_ids.append(meeting_id)
        await conn.execute(
            "INSERT INTO learning_set_meetings (sha_code, id, set_id, held_on, topic, status)"
            " VALUES ($1, $2, $3, $4, $5, 'HELD')",
            sha,
            meeting_id,
            set_id,
            day,
            f"{focus}: progress review {day:%B}",
        )
        await conn.executemany(
            "INSERT INTO learning_set_attendance (sha_code, set_id, meeting_id, member_id,"
            " status) VALUES ($1, $2, $3, $4, $5)",
            [
                (
                    sha,
                    set_id,
                    meeting_id,
                    m,
                    rng.choices(["ATTENDED", "APOLOGIES", "ABSENT"], [75, 15, 10])[0],
                )
                for m in people
            ],
        )
    await conn.executemany(
        "INSERT INTO learning_set_actions (sha_code, set_id, meeting_id, owner_member_id,"
        " title, due_on, status) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            (
                sha,
                set_id,
                meeting_ids[i],
                rng.choice(people),
                title,
                MEETING_DAYS[i] + dt.timedelta(days=60),
                rng.choice(["OPEN", "IN_PROGRESS", "DONE"]),
            )
            for i, title in enumerate(ACTIONS)
        ],
    )
