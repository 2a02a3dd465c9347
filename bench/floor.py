"""The floor: the least work that answers each reference operation.

A bare ASGI app (no framework). Each request decodes the same GraphQL-over-HTTP
body the service gets (only its `variables` are read), opens a transaction as
the API role with the tenant context set (`app.read_shas` / `app.write_shas`
from headers, as the peer gets them), runs ONE hand-written SQL statement through
asyncpg and serialises the same JSON shape as the service with orjson.

Run: `uvicorn bench.floor:app` with FLOOR_DATABASE_URL set to the API role's URL.
Routes: POST /1 .. /5, one per reference operation.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import orjson

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
CODES = re.compile(r"^(Q[0-9]{2})(,Q[0-9]{2})*$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def gid(type_name: str, sha: str, key: object) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{sha}:{key}".encode()).decode().rstrip("=")


def cursor(*values: object) -> str:
    raw = orjson.dumps([v if isinstance(v, str) else str(v) for v in values])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def ungid(value: str) -> tuple[str, str]:
    _, sha, key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split(":", 2)
    return sha, key


# The page of members, each row repeated per network (up to five, by name; a member
# in none gets one row with null network columns), grouped back in Python.
DIRECTORY_SQL = """
SELECT p.*, nw.role, nw.network_id, nw.network_name
FROM (
    SELECT m.sha_code, m.id, m.given_name, m.family_name, m.profession, m.roles,
           o.id AS org_id, o.code, o.name, o.type
    FROM members m
    JOIN organisations o ON o.sha_code = m.sha_code AND o.id = m.organisation_id
    WHERE m.sha_code = {sha} AND o.sha_code = {sha} AND m.profession = $2
    ORDER BY m.family_name, m.given_name, m.sha_code, m.id
    LIMIT $3
) p
LEFT JOIN LATERAL (
    SELECT nm.role, n.id AS network_id, n.name AS network_name
    FROM network_members nm
    JOIN networks n ON n.sha_code = nm.sha_code AND n.id = nm.network_id
    WHERE nm.sha_code = p.sha_code AND nm.member_id = p.id
    ORDER BY n.name, n.id
    LIMIT 5
) nw ON true
ORDER BY p.family_name, p.given_name, p.sha_code, p.id, nw.network_name, nw.network_id
"""

# One statement, three sections as JSON arrays of rows built in PostgreSQL, from the
# rollup tables the service keeps (migration 1300; a few hundred rows): member counts
# by SHA and profession (the SHA totals are summed here), rollout with organisation
# counts, and the Escalator level distribution over each organisation's latest
# assessment per policy area (period 'LATEST').
DASHBOARD_SQL = """
SELECT
  (SELECT json_agg(json_build_array(sha_code, profession, n, active) ORDER BY sha_code, profession)
   FROM (SELECT sha_code, profession, sum(members) AS n,
                coalesce(sum(members) FILTER (WHERE status = 'ACTIVE'), 0) AS active
         FROM rollup_members WHERE sha_code = ANY($1::text[])
         GROUP BY sha_code, profession HAVING sum(members) > 0) c),
  (SELECT json_agg(json_build_array(s.code, s.name, s.status, NULL, coalesce(o.organisations, 0))
                   ORDER BY s.code)
   FROM shas s
   LEFT JOIN rollup_organisations o ON o.sha_code = s.code AND o.sha_code = ANY($1::text[])
   WHERE s.code = ANY($1::text[])),
  (SELECT json_agg(json_build_array(sha_code, policy_area, l1, l2, l3, l4, total)
                   ORDER BY sha_code, policy_area)
   FROM (SELECT sha_code, policy_area,
                sum(organisations) FILTER (WHERE level = 1) AS l1,
                sum(organisations) FILTER (WHERE level = 2) AS l2,
                sum(organisations) FILTER (WHERE level = 3) AS l3,
                sum(organisations) FILTER (WHERE level = 4) AS l4,
                sum(organisations) AS total
         FROM rollup_escalator_levels
         WHERE sha_code = ANY($1::text[]) AND period = 'LATEST'
         GROUP BY sha_code, policy_area HAVING sum(organisations) > 0) e),
  (SELECT array_agg(status_changed_at ORDER BY code) FROM shas WHERE code = ANY($1::text[]))
"""

WIDE_SQL = """
SELECT sha_code, id, given_name, family_name, email, profession, roles, joined_on, status,
       updated_at
FROM members WHERE sha_code = {sha}
ORDER BY family_name, given_name, sha_code, id
LIMIT $2
"""


def for_shas(sql: str, shas: list[str]) -> tuple[str, Any]:
    """`sha_code = $1` for one SHA (the planner then walks the name index in order),
    `= ANY($1)` for several."""
    if len(shas) == 1:
        return sql.format(sha="$1"), shas[0]
    return sql.format(sha="ANY($1::text[])"), shas


NODE_SQL = """
SELECT m.sha_code, m.id, m.given_name, m.family_name, m.profession,
       o.id AS org_id, o.code, o.name
FROM members m
JOIN organisations o ON o.sha_code = m.sha_code AND o.id = m.organisation_id
WHERE m.sha_code = $1 AND o.sha_code = $1 AND m.id = $2::uuid
"""

# The reply, with everything a post does in the network (the writer's right to post,
# the post, its audit row, the thread's last post time, the followers' notifications,
# the live subscribers' NOTIFY), in the one SQL function the tuned peer's mutation
# calls (bench/peer.sql): the same work as the service's, in one round trip. The writer
# is the member the floor is told it speaks for (x-member-id, set per transaction as
# `bench.member_id`), as ours takes her from the token.
POST_SQL = """
SELECT sha_code, id, body_markdown, created_at FROM bench_add_forum_post($1, $2::uuid, $3)
"""


async def directory(conn: asyncpg.Connection, shas: list[str], v: dict[str, Any]) -> Any:
    size = int(v["first"])
    sql, param = for_shas(DIRECTORY_SQL, shas)
    rows = await conn.fetch(sql, param, v["profession"], size + 1)
    edges: list[dict[str, Any]] = []
    last: Any = None
    for r in rows:
        if r[1] != last:
            last = r[1]
            networks: list[dict[str, Any]] = []
            edges.append(
                {
                    "cursor": cursor(r[3], r[2], r[0], r[1]),
                    "node": {
                        "id": gid("Member", r[0], r[1]),
                        "givenName": r[2],
                        "familyName": r[3],
                        "profession": r[4],
                        "roles": r[5],
                        "organisation": {
                            "id": gid("Organisation", r[0], r[6]),
                            "code": r[7],
                            "name": r[8],
                            "type": r[9],
                        },
                        "networks": networks,
                    },
                }
            )
        if r[11] is not None:
            network = {"id": gid("Network", r[0], r[11]), "name": r[12]}
            networks.append({"role": r[10], "network": network})
    more = len(edges) > size
    edges = edges[:size]
    page = {"hasNextPage": more, "endCursor": edges[-1]["cursor"] if edges else None}
    return {"members": {"edges": edges, "pageInfo": page}}


async def dashboard(conn: asyncpg.Connection, shas: list[str], v: dict[str, Any]) -> Any:
    row = await conn.fetchrow(DASHBOARD_SQL, shas)
    counts, rollout, levels = (orjson.loads(c) if c else [] for c in row[:3])
    for r, changed in zip(rollout, row[3] or [], strict=True):
        r[3] = changed  # a datetime, so orjson writes it as the service does
    statuses = {r[0]: r[2].upper() for r in rollout}
    totals = {code: [0, 0] for code in statuses}
    for c in counts:
        totals[c[0]][0] += c[2]
        totals[c[0]][1] += c[3]
    dashboard = {
        "membersBySha": [
            {
                "shaCode": code,
                "status": status,
                "pilot": status == "PILOT",
                "members": totals[code][0],
                "activeMembers": totals[code][1],
            }
            for code, status in statuses.items()
        ],
        "membersByProfession": [
            {"shaCode": c[0], "profession": c[1], "members": c[2], "activeMembers": c[3]}
            for c in counts
        ],
        "rollout": [
            {
                "shaCode": r[0],
                "name": r[1],
                "status": statuses[r[0]],
                "pilot": statuses[r[0]] == "PILOT",
                "statusChangedAt": r[3],
                "organisations": r[4],
            }
            for r in rollout
        ],
        "escalatorLevels": [
            {
                "shaCode": e[0],
                "policyAreaCode": e[1],
                "awarenessRaising": e[2],
                "clinicalInvolvement": e[3],
                "dissemination": e[4],
                "acceptanceAndAdoption": e[5],
                "organisations": e[6],
            }
            for e in levels
        ],
    }
    return {"nationalDashboard": dashboard}


async def wide(conn: asyncpg.Connection, shas: list[str], v: dict[str, Any]) -> Any:
    sql, param = for_shas(WIDE_SQL, shas)
    rows = await conn.fetch(sql, param, int(v["first"]))
    nodes = [
        {
            "id": gid("Member", r[0], r[1]),
            "shaCode": r[0],
            "givenName": r[2],
            "familyName": r[3],
            "email": r[4],
            "profession": r[5],
            "roles": r[6],
            "joinedOn": r[7],
            "status": r[8],
            "updatedAt": r[9],
        }
        for r in rows
    ]
    return {"members": {"nodes": nodes}}


async def node(conn: asyncpg.Connection, shas: list[str], v: dict[str, Any]) -> Any:
    sha, key = ungid(v["id"])
    if sha not in shas:
        return {"node": None}
    r = await conn.fetchrow(NODE_SQL, sha, key)
    if r is None:
        return {"node": None}
    return {
        "node": {
            "id": gid("Member", r[0], r[1]),
            "givenName": r[2],
            "familyName": r[3],
            "profession": r[4],
            "organisation": {"id": gid("Organisation", r[0], r[5]), "code": r[6], "name": r[7]},
        }
    }


async def add_post(conn: asyncpg.Connection, shas: list[str], v: dict[str, Any]) -> Any:
    sha, key = ungid(v["threadId"])
    r = await conn.fetchrow(POST_SQL, sha, key, v["body"])
    post = {"id": gid("ForumPost", r[0], r[1]), "bodyMarkdown": r[2], "createdAt": r[3]}
    return {"addForumPost": {"__typename": "PostPayload", "post": post}}


HANDLERS: dict[str, Callable[[asyncpg.Connection, list[str], dict[str, Any]], Awaitable[Any]]] = {
    "/1": directory,
    "/2": dashboard,
    "/3": wide,
    "/4": node,
    "/5": add_post,
}


class Floor:
    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        handler = HANDLERS.get(scope["path"])
        if handler is None:
            await respond(send, 404, b'{"error":"no such operation"}')
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = dict(scope["headers"])
        read = headers.get(b"x-read-shas", b"").decode()
        write = headers.get(b"x-write-shas", b"").decode()
        if not CODES.match(read) or (write and not CODES.match(write)):
            await respond(send, 400, b'{"error":"x-read-shas must list SHA codes"}')
            return
        member = headers.get(b"x-member-id", b"").decode()
        if member and not UUID.match(member):
            await respond(send, 400, b'{"error":"x-member-id must be a uuid"}')
            return
        variables = orjson.loads(body).get("variables") or {}
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            # Codes and the member id are validated above, so the context goes in with
            # BEGIN: one round trip.
            await conn.execute(
                f"BEGIN; SELECT set_config('app.read_shas', '{read}', true),"
                f" set_config('app.write_shas', '{write}', true),"
                f" set_config('bench.member_id', '{member}', true),"
                " set_config('app.actor', 'floor', true)"
            )
            try:
                data = await handler(conn, read.split(","), variables)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")
        await respond(send, 200, orjson.dumps({"data": data}))

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.pool = await asyncpg.create_pool(
                    os.environ["FLOOR_DATABASE_URL"],
                    min_size=2,
                    max_size=int(os.environ.get("FLOOR_POOL_SIZE", "10")),
                    server_settings={"search_path": os.environ.get("FLOOR_SCHEMA", "cln")},
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def respond(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


app = Floor()
