"""A database outage under load, end to end: an embedded PostgreSQL of this test's
own (the session's server is not disturbed) is stopped and started again while
clients write and read over real keep-alive HTTP connections to uvicorn.

Asserted: every response is JSON with a code (data, or errors that each carry
`extensions.code`); outage answers are 503 SERVICE_UNAVAILABLE with Retry-After; no
connection is reset; `/readyz` is 503 while the database is away; past its
time-to-live the SHA registry's last snapshot still resolves regions (a request that
needs no statement is answered with its data); no acknowledged
write is lost and none is written twice; the service answers within a second of the
database's return.

Writes are `createOrganisation` with a code of their own: a client retries an
unanswered or unavailable write with the same code, and a ConflictError then says
that an earlier attempt was committed (it counts as acknowledged)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn

from clngraph.app import create_app
from clngraph.bootstrap import prepare_database
from clngraph.seed import DemoSize, seed_demo
from foundation.db import with_database
from foundation.embedded import EmbeddedPostgres, free_port
from foundation.settings import Settings
from tests.edges.live import serving, socket_answer

CREATE = """mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) {
  __typename ... on OrganisationPayload { organisation { code } } ... on UserError { code } } }"""
READ = '{ organisations(first: 5, shas: ["Q35"]) { totalCount } }'
CLIENTS = 8
DOWN_S = 3.0  # past the SHA registry's time-to-live (2 s)


@dataclass
class Server:
    postgres: EmbeddedPostgres
    database_url: str
    base_url: str
    registry_ttl_s: float


@pytest.fixture
async def outage_server(tmp_path: Path, settings: Settings) -> AsyncIterator[Server]:
    postgres = EmbeddedPostgres(tmp_path / "pg", free_port())
    await asyncio.to_thread(postgres.start)
    try:
        url = with_database(postgres.admin_url(), "cln_outage")
        await prepare_database(url, settings)
        await seed_demo(url, settings, DemoSize(organisations_per_sha=2, members_per_sha=2))
        app = create_app(settings, admin_url=url)
        port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, lifespan="off", log_config=None, access_log=False
        )
        server = uvicorn.Server(config)
        async with app.router.lifespan_context(app):
            serving = asyncio.create_task(server.serve())
            while not server.started:  # noqa: ASYNC110 (uvicorn exposes a flag only)
                await asyncio.sleep(0.05)
            try:
                ttl = app.state.cln.registry.ttl_s
                yield Server(postgres, url, f"http://127.0.0.1:{port}", ttl)
            finally:
                server.should_exit = True
                await serving
    finally:
        await asyncio.to_thread(postgres.stop)


@dataclass
class Tally:
    responses: int = 0
    unavailable: int = 0
    resets: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    # retries answered ConflictError: an earlier attempt was committed, though its
    # answer was SERVICE_UNAVAILABLE or never came (docs/operations.md: retrying)
    committed_unanswered: int = 0
    successes: list[float] = field(default_factory=list)  # when each answer with data ended


def check(response: httpx.Response, tally: Tally) -> dict[str, Any] | None:
    """The body when it is JSON with a code, else recorded as malformed."""
    tally.responses += 1
    try:
        body = response.json()
    except ValueError:
        tally.malformed.append(f"{response.status_code} not JSON: {response.text[:80]}")
        return None
    errors = body.get("errors") or []
    if any(not (e.get("extensions") or {}).get("code") for e in errors):
        tally.malformed.append(f"{response.status_code} error without a code: {body}")
    if not errors and body.get("data") is None:
        tally.malformed.append(f"{response.status_code} neither data nor errors: {body}")
    codes = {(e.get("extensions") or {}).get("code") for e in errors}
    if "SERVICE_UNAVAILABLE" in codes:
        tally.unavailable += 1
        if response.status_code != 503 or "retry-after" not in response.headers:
            tally.malformed.append(f"unavailable answered {response.status_code}: {body}")
    elif response.status_code != 200:
        tally.malformed.append(f"{response.status_code}: {body}")
    if not errors:
        tally.successes.append(time.monotonic())
    return dict(body)


async def client(base_url: str, token: str, number: int, stop: asyncio.Event, tally: Tally) -> None:
    headers = {"authorization": f"Bearer {token}", "accept": "application/json"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as http:
        for serial in itertools.count():
            if stop.is_set():
                break
            code = f"{'ABCDEFGHJKLMNPY'[number]}9{serial:04d}"  # a practice code, this client's
            values = {
                "shaCode": "Q35",
                "code": code,
                "name": f"Outage {code}",
                "type": "GP_PRACTICE",
            }
            attempts = 0
            while not stop.is_set():  # the same write until it is acknowledged
                attempts += 1
                try:
                    response = await http.post(
                        "/graphql", json={"query": CREATE, "variables": {"input": values}}
                    )
                except httpx.TransportError as error:
                    tally.resets.append(repr(error))
                    await asyncio.sleep(0.05)
                    continue
                body = check(response, tally)
                result = ((body or {}).get("data") or {}).get("createOrganisation")
                # a conflict on a retry: an earlier attempt was committed
                done = {"OrganisationPayload", *(["ConflictError"] if attempts > 1 else [])}
                if result and result["__typename"] in done:
                    tally.acknowledged.add(code)
                    tally.committed_unanswered += result["__typename"] == "ConflictError"
                    break
                if result:
                    tally.malformed.append(f"write refused: {result}")
                await asyncio.sleep(0.05)
            if number % 2:
                try:
                    check(await http.post("/graphql", json={"query": READ}), tally)
                except httpx.TransportError as error:
                    tally.resets.append(repr(error))


async def test_an_outage_under_load_answers_like_an_api_and_loses_nothing(
    outage_server: Server, make_token: Any, caplog: pytest.LogCaptureFixture
) -> None:
    tally = Tally()
    stop = asyncio.Event()
    clients = [
        asyncio.create_task(
            # a token each: the rate limit counts per principal, as for real clients
            client(outage_server.base_url, make_token("sha_admin", "Q35"), n, stop, tally)
        )
        for n in range(CLIENTS)
    ]
    async with httpx.AsyncClient(base_url=outage_server.base_url) as probe:
        deadline = time.monotonic() + 30
        while len(tally.acknowledged) < CLIENTS and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.1)  # the load is running (the first requests warm up)
        assert (await probe.get("/readyz")).status_code == 200
        before = len(tally.successes)
        await asyncio.to_thread(outage_server.postgres.stop)
        down_at = time.monotonic()
        await asyncio.sleep(DOWN_S / 2)
        ready = await probe.get("/readyz")
        assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
        # past the registry's time-to-live: its refresh fails, and its last snapshot
        # keeps resolving regions, so a request that needs no statement is answered
        await asyncio.sleep(
            max(0.0, down_at + outage_server.registry_ttl_s + 0.3 - time.monotonic())
        )
        resolved = await probe.post(
            "/sha/Q35/graphql",
            json={"query": "{ viewer { roles } }"},
            headers={"authorization": f"Bearer {make_token('sha_admin', 'Q35')}"},
        )
        assert resolved.status_code == 200, resolved.text
        assert resolved.json() == {"data": {"viewer": {"roles": ["member", "sha_admin"]}}}
        assert any("serving the last good snapshot" in r.getMessage() for r in caplog.records), (
            "the registry was not refreshed during the outage"
        )
        await asyncio.sleep(max(0.0, down_at + DOWN_S - time.monotonic()))
        await asyncio.to_thread(outage_server.postgres.start)
        back_at = time.monotonic()
        await asyncio.sleep(2.0)
        stop.set()
        await asyncio.gather(*clients)
        assert (await probe.get("/readyz")).status_code == 200

    assert before > 0, "no request succeeded before the outage"
    assert not tally.resets, tally.resets[:5]
    assert not tally.malformed, tally.malformed[:5]
    assert tally.unavailable > 0  # the outage was seen, and answered as one
    first_after = min(t for t in tally.successes if t > back_at)
    assert first_after - back_at < 1.0, f"answered {first_after - back_at:.2f} s after the return"
    print(  # the figures docs/operations.md quotes
        f"outage: {tally.responses} responses, {tally.unavailable} unavailable,"
        f" {len(tally.acknowledged)} writes acknowledged"
        f" ({tally.committed_unanswered} found committed on a retry), first answer"
        f" {first_after - back_at:.3f} s after the return, down {back_at - down_at:.2f} s"
    )

    conn = await asyncpg.connect(outage_server.database_url)
    try:
        rows = await conn.fetch(
            "SELECT code, count(*) AS n FROM cln.organisations WHERE name LIKE 'Outage %'"
            " GROUP BY code"
        )
    finally:
        await conn.close()
    written = {r["code"]: r["n"] for r in rows}
    assert tally.acknowledged - set(written) == set(), "acknowledged writes lost"
    # (sha_code, code) is unique, so no write can be stored twice; what this shows is
    # the retry protocol: a retry of a committed write is told so (ConflictError),
    # and a first attempt is never refused as a conflict (counted as malformed above)
    assert [c for c, n in written.items() if n > 1] == [], "writes duplicated"
    assert len(tally.acknowledged) > CLIENTS


async def test_a_process_that_never_reached_the_database_answers_503_in_json(
    settings: Settings, make_token: Any
) -> None:
    """No registry snapshot to fall back on: still a GraphQL error with a code, 503
    and Retry-After, whatever the media type; /readyz 503; /healthz 200; a WebSocket
    is closed with 1013."""
    nowhere = f"postgresql://postgres:x@127.0.0.1:{free_port()}/cln"
    app = create_app(settings, admin_url=nowhere)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            for accept in ("application/json", "application/graphql-response+json"):
                response = await http.post(
                    "/graphql",
                    json={"query": "{ organisations(first: 1) { totalCount } }"},
                    headers={
                        "accept": accept,
                        "authorization": f"Bearer {make_token('sha_admin', 'Q35')}",
                    },
                )
                assert response.status_code == 503, response.text
                assert response.headers["retry-after"] == "1"
                assert response.headers["content-type"].startswith(accept)
                codes = [e["extensions"]["code"] for e in response.json()["errors"]]
                assert codes == ["SERVICE_UNAVAILABLE"]
            assert (await http.get("/readyz")).status_code == 503
            assert (await http.get("/healthz")).status_code == 200
        # a WebSocket: closed with 1013 (try again later), not dropped without a word
        async with serving(app) as port:
            token = make_token("member", "Q35")
            answer = await socket_answer(port, token, "{}", acknowledged=False)
            assert answer == 1013
