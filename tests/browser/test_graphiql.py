"""GraphiQL in real headless Chromium with no network but the app: the page loads its
assets from the service, shows the explorer plugin, runs a query over HTTP and a
subscription over graphql-transport-ws, and both results appear in the page."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from tests.browser.conftest import Browser, screenshot
from tests.connect_networks.conftest import add_post, create_forum, start_thread
from tests.factories import create_member
from tests.support import GraphQLClient

WAIT_MS = 90_000  # only stops a broken test from hanging; nothing is timed

MEMBERS = "query FirstMember { members(first: 1) { edges { node { shaCode } } } }"
SUBSCRIBE = """subscription Posts($forum: ID) {
  forumPostAdded(forumId: $forum, since: "2000-01-01T00:00:00Z") { bodyMarkdown }
}"""


async def open_graphiql(browser: Browser, query: str, headers: dict[str, str]) -> Any:
    page = await browser.page()
    url = f"{browser.origin}/graphql?" + urlencode({"q": query, "headers": json.dumps(headers)})
    await page.goto(url)
    await page.locator(".graphiql-execute-button").wait_for(timeout=WAIT_MS)
    return page


async def run_and_read(page: Any, expected: str) -> str:
    await page.locator(".graphiql-execute-button").click()
    response = page.locator(".graphiql-response")
    await response.filter(has_text=expected).wait_for(timeout=WAIT_MS)
    return str(await response.inner_text())


async def test_graphiql_runs_a_query_and_a_subscription_offline(
    browser: Browser, gql: GraphQLClient, make_token: Any
) -> None:
    poster = await create_member(gql, "Q31")
    token = make_token("member", "Q31", member_id=poster["id"])
    forum = await create_forum(gql, "Q31")
    thread = await start_thread(gql, token, forum["id"], body="Opening the browser thread")
    await add_post(gql, token, thread["thread"]["id"], "Seen in GraphiQL over WebSocket")
    headers = {"Authorization": f"Bearer {token}"}

    page = await open_graphiql(browser, MEMBERS, headers)
    # the explorer plugin opens and lists the schema's root fields (read by the
    # page's own introspection, offline)
    await page.locator('[aria-label="Show GraphiQL Explorer"]').click()
    explorer = page.locator(".graphiql-plugin .graphiql-explorer-root")
    await explorer.get_by_text("members", exact=True).first.wait_for(timeout=WAIT_MS)
    assert await explorer.locator(".graphiql-explorer-node").count() > 10
    result = await run_and_read(page, '"Q31"')
    assert '"shaCode": "Q31"' in result
    await screenshot(page, "graphiql-query.png")

    subscription = SUBSCRIBE.replace("$forum: ID", "$forum: ID = " + json.dumps(forum["id"]))
    page = await open_graphiql(browser, subscription, headers)
    sockets: list[Any] = []
    sent: list[dict[str, Any]] = []
    received: list[dict[str, Any]] = []

    def watch(socket: Any) -> None:
        sockets.append(socket)
        socket.on("framesent", lambda payload: sent.append(json.loads(payload)))
        socket.on("framereceived", lambda payload: received.append(json.loads(payload)))

    page.on("websocket", watch)
    result = await run_and_read(page, "Seen in GraphiQL over WebSocket")  # the replay
    assert "forumPostAdded" in result
    # a post written after the subscription started arrives live, in place of the last
    await add_post(gql, token, thread["thread"]["id"], "Written while GraphiQL listens")
    result = str(
        await page.locator(".graphiql-response")
        .filter(has_text="Written while GraphiQL listens")
        .inner_text(timeout=WAIT_MS)
    )
    assert "forumPostAdded" in result
    await screenshot(page, "graphiql-subscription.png")

    # it went over one WebSocket to the app, speaking graphql-transport-ws: the token
    # in connection_init, a `subscribe` message (the older protocol says `start`) and
    # `next` messages back
    assert [socket.url for socket in sockets] == [
        browser.origin.replace("http", "ws", 1) + "/graphql"
    ]
    kinds = [frame["type"] for frame in sent]
    assert kinds[:2] == ["connection_init", "subscribe"], kinds
    assert sent[0]["payload"] == headers
    assert "connection_ack" in [frame["type"] for frame in received]
    nexts = [frame for frame in received if frame["type"] == "next"]
    assert len(nexts) >= 2

    assert browser.blocked == [], "the page asked for something outside the app"
    assert browser.console_errors == []


async def test_assets_outside_the_list_are_not_served(browser: Browser) -> None:
    page = await browser.page()
    for path in ("/graphiql/assets/package.json", "/graphiql/assets/..%2Fpackage.json"):
        response = await page.goto(browser.origin + path)
        assert response is not None and response.status == 404
