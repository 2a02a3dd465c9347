"""The client lockout under concurrency, against a real uvicorn process over TCP:
each attempt is counted before its secret is checked, so a burst of 50 concurrent
requests cannot slip the right secret past the count; unknown, disabled and locked
clients and wrong secrets all get the same `invalid_client` answer (RFC 6749 5.2)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import text

from clngraph.commands.identity import with_admin
from foundation.settings import Settings
from resolvers.identity import service
from tests.identity.conftest import Partner, basic
from tests.security.conftest import RunningServer

THRESHOLD = 5  # the default CLN_OAUTH_LOCKOUT_THRESHOLD of the server under test
BURST = 50
# the right secret goes last: sent first it could be one of the five attempts that are
# allowed, which would be correct behaviour, not a lockout failure
RIGHT_AT = BURST - 1


def token_url(server: RunningServer) -> str:
    return server.server.http_url.replace("/graphql", "/oauth/token")


async def ask(http: httpx.AsyncClient, url: str, client_id: str, secret: str) -> httpx.Response:
    return await http.post(
        url, data={"grant_type": "client_credentials"}, headers=basic(client_id, secret)
    )


async def counters(admin_url: str, settings: Settings, client_id: str) -> Any:
    async def read(db: Any) -> Any:
        rows = await db.rows(
            text(
                "SELECT failed_attempts, locked_until IS NOT NULL AS locked"
                " FROM partner_clients WHERE client_id = :c"
            ),
            {"c": client_id},
        )
        return rows[0]

    return await with_admin(admin_url, settings, read)


async def test_fifty_concurrent_wrong_secrets_are_all_counted_and_lock_the_client(
    live_server: RunningServer, make_partner: Any, admin_url: str, settings: Settings
) -> None:
    partner: Partner = await make_partner(["directory:read"], ["Q31"])
    url = token_url(live_server)
    async with httpx.AsyncClient(timeout=60) as http:
        answers = await asyncio.gather(
            *(ask(http, url, partner.client_id, f"wrong-{i}") for i in range(BURST))
        )
        assert {a.status_code for a in answers} == {401}
        assert len({a.text for a in answers}) == 1, "one answer, whatever the reason"
        state = await counters(admin_url, settings, partner.client_id)
        assert state.failed_attempts == BURST  # no attempt lost to a race
        assert state.locked
        right = await ask(http, url, partner.client_id, partner.client_secret)
        assert right.status_code == 401
        assert right.text == answers[0].text


async def test_the_right_secret_in_a_burst_of_wrong_ones_gets_no_token(
    live_server: RunningServer, make_partner: Any, admin_url: str, settings: Settings
) -> None:
    """49 wrong secrets and the right one, all in flight together, the right one sent
    last: it is counted after the first five (allowed) attempts, so it is refused
    unchecked. (Before attempts were counted first, the requests of such a burst read
    the client unlocked, and the right secret got a token.)"""
    partner: Partner = await make_partner(["directory:read"], ["Q31"])
    url = token_url(live_server)
    async with httpx.AsyncClient(timeout=60) as http:
        # all fifty in flight together, the right secret last: only the first five
        # attempts counted may be checked
        burst = [ask(http, url, partner.client_id, f"wrong-{i}") for i in range(BURST - 1)]
        burst.insert(RIGHT_AT, ask(http, url, partner.client_id, partner.client_secret))
        answers = await asyncio.gather(*burst)
        right = answers.pop(RIGHT_AT)
    assert right.status_code == 401, "a token was issued past the lockout"
    assert {a.status_code for a in answers} == {401}
    assert {a.text for a in answers} == {right.text}
    state = await counters(admin_url, settings, partner.client_id)
    assert state.failed_attempts == BURST
    assert state.locked


async def test_unknown_disabled_and_wrong_secret_get_the_same_answer(
    live_server: RunningServer, make_partner: Any, admin_url: str, settings: Settings
) -> None:
    partner: Partner = await make_partner(["directory:read"], ["Q31"])
    disabled: Partner = await make_partner(["directory:read"], ["Q31"])
    await with_admin(admin_url, settings, lambda db: service.disable_client(db, disabled.client_id))
    url = token_url(live_server)
    async with httpx.AsyncClient(timeout=60) as http:
        wrong = await ask(http, url, partner.client_id, "not-the-secret")
        unknown = await ask(http, url, "cln-0000000000000000", "whatever")
        off = await ask(http, url, disabled.client_id, disabled.client_secret)
        by_post = await http.post(
            url,
            data={
                "grant_type": "client_credentials",
                "client_id": "cln-ffffffffffffffff",
                "client_secret": "x",
            },
        )
    for response in (wrong, unknown, off):
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert response.json() == wrong.json()
        assert response.headers["www-authenticate"] == wrong.headers["www-authenticate"]
    assert by_post.json()["error"] == "invalid_client"
    assert by_post.json()["error_description"] == wrong.json()["error_description"]
    # the right secret still works for the client that only saw one failure
    async with httpx.AsyncClient(timeout=60) as http:
        assert (await ask(http, url, partner.client_id, partner.client_secret)).status_code == 200
