"""Demo action learning sets: one per SHA around a pathway or priority of its own
(Choose and Book in the North West pilot, maternity services in London), with
members, facilitators, four monthly meetings, attendance and actions."""

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


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    shas = [r["sha_code"] for r in await conn.fetch("SELECT DISTINCT sha_code FROM members")]
    for sha in sorted(shas):
        people = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM members WHERE sha_code = $1 AND status = 'ACTIVE'"
                " ORDER BY family_name, given_name, id LIMIT 20",
                sha,
            )
        ]
        if len(people) < 4:
            continue
        kind, focus = FOCUS.get(sha) or rng.choice(OTHER_FOCUS)
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
