"""Demo forums: one topic forum and one role forum per SHA, with a moderator and a
short thread each."""

from __future__ import annotations

import random

import asyncpg

POSTS = [
    "Has anyone moved **Choose and Book** referrals onto the new pathway yet?",
    "We did in March; see the [NHS Institute guide](https://www.institute.nhs.uk).",
    "Our PCT saw uptake rise after the GP education sessions.",
]


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    shas = [r["sha_code"] for r in await conn.fetch("SELECT DISTINCT sha_code FROM members")]
    for sha in sorted(shas):
        people = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM members WHERE sha_code = $1 AND status = 'ACTIVE' ORDER BY id", sha
            )
        ]
        if len(people) < 3:
            continue
        forums = [
            ("Care pathways", "TOPIC", "Choose and Book and the 18-week pathway", None),
            ("PEC chairs' room", "ROLE", None, "PEC_CHAIR"),
        ]
        for title, kind, topic, role in forums:
            forum = await conn.fetchval(
                "INSERT INTO forums (sha_code, title, kind, topic, audience_role)"
                " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                sha, title, kind, topic, role,
            )  # fmt: skip
            moderator, *others = rng.sample(people, 3)
            await conn.execute(
                "INSERT INTO forum_moderators (sha_code, forum_id, member_id) VALUES ($1, $2, $3)",
                sha, forum, moderator,
            )  # fmt: skip
            thread = await conn.fetchval(
                "INSERT INTO forum_threads (sha_code, forum_id, forum_sha_code, author_id, title)"
                " VALUES ($1, $2, $1, $3, 'Sharing what works') RETURNING id",
                sha, forum, moderator,
            )  # fmt: skip
            for author, body in zip([moderator, *others], POSTS, strict=True):
                await conn.execute(
                    "INSERT INTO forum_posts (sha_code, thread_id, thread_sha_code, forum_id,"
                    " forum_sha_code, author_id, body_markdown) VALUES ($1, $2, $1, $3, $1, $4, $5)",
                    sha, thread, forum, author, body,
                )  # fmt: skip
