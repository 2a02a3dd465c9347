"""Demo forums: one topic forum and one role forum per SHA, with a moderator and a
short thread each; and one national forum, held by the North West (the pilot), whose
thread has replies from members of other SHAs, each post in its writer's SHA."""

from __future__ import annotations

import random

import asyncpg

POSTS = [
    "Has anyone moved **Choose and Book** referrals onto the new pathway yet?",
    "We did in March; see the [NHS Institute guide](https://www.institute.nhs.uk).",
    "Our PCT saw uptake rise after the GP education sessions.",
]


NATIONAL_POSTS = [
    "What moved Choose and Book uptake in the North West pilot? Share what worked.",
    "GP education sessions in every PCT, and a named clinical lead per practice.",
    "We are starting the same in our SHA's learning sets this spring.",
]
NATIONAL_HOST = "Q31"


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    shas = [r["sha_code"] for r in await conn.fetch("SELECT DISTINCT sha_code FROM members")]
    await _regional(conn, rng, shas)
    # its own generator: the shared one's draws stay as the other domains expect
    await _national(conn, random.Random(1400), shas)


async def _national(conn: asyncpg.Connection, rng: random.Random, shas: list[str]) -> None:
    """One national forum and thread: the starter in the host SHA, replies from two others."""
    if NATIONAL_HOST not in shas or len(shas) < 3:
        return
    forum = await conn.fetchval(
        "INSERT INTO forums (sha_code, title, kind, topic, is_national)"
        " VALUES ($1, 'CLN national: Choose and Book', 'TOPIC', 'Choose and Book uptake', true)"
        " RETURNING id",
        NATIONAL_HOST,
    )
    others = rng.sample(sorted(set(shas) - {NATIONAL_HOST}), 2)
    writers = []
    for sha in (NATIONAL_HOST, *others):
        member = await conn.fetchval(
            "SELECT id FROM members WHERE sha_code = $1 AND status = 'ACTIVE' ORDER BY id LIMIT 1",
            sha,
        )
        writers.append((sha, member))
    starter_sha, starter = writers[0]
    thread = await conn.fetchval(
        "INSERT INTO forum_threads (sha_code, forum_id, forum_sha_code, forum_is_national,"
        " author_id, title) VALUES ($1, $2, $1, true, $3, 'From fourth to first') RETURNING id",
        starter_sha, forum, starter,
    )  # fmt: skip
    last = None
    for (sha, author), body in zip(writers, NATIONAL_POSTS, strict=True):
        last = await conn.fetchval(
            "INSERT INTO forum_posts (sha_code, thread_id, thread_sha_code, forum_id,"
            " forum_sha_code, forum_is_national, author_id, body_markdown)"
            " VALUES ($1, $2, $3, $4, $3, true, $5, $6) RETURNING created_at",
            sha, thread, starter_sha, forum, author, body,
        )  # fmt: skip
    await conn.execute(
        "UPDATE forum_threads SET last_post_at = $3 WHERE sha_code = $1 AND id = $2",
        starter_sha, thread, last,
    )  # fmt: skip


async def _regional(conn: asyncpg.Connection, rng: random.Random, shas: list[str]) -> None:
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
