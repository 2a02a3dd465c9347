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


def gid(type_name: str, sha: str, key: object) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{sha}:{key}".encode()).decode().rstrip("=")


def cursor(*values: object) -> str:
    raw = orjson.dumps([v if isinstance(v, str) else str(v) for v in values])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def ungid(value: str) -> tuple[str, str]:
    _, sha, key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split(":", 2)
    return sha, key


DIRECTORY_SQL = """
SELECT m.sha_code, m.id, m.given_name, m.family_name, m.profession, m.roles,
       o.id AS org_id, o.code, o.name, o.type
FROM members m
JOIN organisations o ON o.sha_code = m.sha_code AND o.id = m.organisation_id
WHERE m.sha_code = {sha} AND o.sha_code = {sha} AND m.profession = $2
ORDER BY m.family_name, m.given_name, m.sha_code, m.id
LIMIT $3
"""

DASHBOARD_SQL = """
SELECT s.code, s.name, s.status, c.profession, c.n
FROM (SELECT sha_code, profession, count(*) AS n FROM members
      WHERE sha_code = ANY($1::text[])
      GROUP BY GROUPING SETS ((sha_code), (profession))) c
LEFT JOIN shas s ON s.code = c.sha_code
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

UPDATE_SQL = """
UPDATE members SET email = $3, updated_at = now()
WHERE sha_code = $1 AND id = $2::uuid
RETURNING sha_code, id, email, updated_at
"""

PROFESSION_ALIASES = {
    "DOCTOR": "doctor",
    "GP": "gp",
    "HOSPITAL_CONSULTANT": "hospitalConsultant",
    "NURSE": "nurse",
    "MIDWIFE": "midwife",
    "ALLIED_HEALTH_PROFESSIONAL": "alliedHealthProfessional",
    "PHARMACIST": "pharmacist",
    "MANAGER": "manager",
    "ADMINISTRATOR": "administrator",
}


async def directory(conn: asyncpg.Connection, shas: list[str], v: dict[str, Any]) -> Any:
    size = int(v["first"])
    sql, param = for_shas(DIRECTORY_SQL, shas)
    rows = await conn.fetch(sql, param, v["profession"], size + 1)
    more = len(rows) > size
    edges = [
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
            },
        }
        for r in rows[:size]
    ]
    page = {"hasNextPage": more, "endCursor": edges[-1]["cursor"] if edges else None}
    return {"members": {"edges": edges, "pageInfo": page}}


async def dashboard(conn: asyncpg.Connection, shas: list[str], v: dict[str, Any]) -> Any:
    rows = await conn.fetch(DASHBOARD_SQL, shas)
    per_sha = sorted(
        ({"code": r[0], "name": r[1], "status": r[2], "memberCount": r[4]} for r in rows if r[0]),
        key=lambda s: s["code"],
    )
    counts = {r[3]: r[4] for r in rows if r[3]}
    data: dict[str, Any] = {"shas": per_sha}
    for profession, alias in PROFESSION_ALIASES.items():
        data[alias] = {"totalCount": counts.get(profession, 0)}
    return data


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


async def update(conn: asyncpg.Connection, shas: list[str], v: dict[str, Any]) -> Any:
    sha, key = ungid(v["id"])
    r = await conn.fetchrow(UPDATE_SQL, sha, key, v["email"])
    member = {"id": gid("Member", r[0], r[1]), "email": r[2], "updatedAt": r[3]}
    return {"updateMember": {"__typename": "MemberPayload", "member": member}}


HANDLERS: dict[str, Callable[[asyncpg.Connection, list[str], dict[str, Any]], Awaitable[Any]]] = {
    "/1": directory,
    "/2": dashboard,
    "/3": wide,
    "/4": node,
    "/5": update,
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
        variables = orjson.loads(body).get("variables") or {}
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            # Codes are validated above, so the context goes in with BEGIN: one round trip.
            await conn.execute(
                f"BEGIN; SELECT set_config('app.read_shas', '{read}', true),"
                f" set_config('app.write_shas', '{write}', true),"
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
