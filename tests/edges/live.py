"""uvicorn serving an app that is already started (its lifespan entered by a fixture),
in the test's own event loop, on a free loopback port, and a graphql-transport-ws
client's single exchange: for the WebSocket tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
import websockets
from starlette.applications import Starlette

from foundation.embedded import free_port


@asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[int]:
    """The port uvicorn serves `app` on, until the block ends."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # its startup failed: say why
        await asyncio.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


async def socket_answer(
    port: int, token: str, message: str, *, acknowledged: bool = True
) -> dict[str, Any] | int:
    """The first message after `message` on a fresh, acknowledged socket, or the code
    the server closed it with (`acknowledged=False`: `message` is not sent, the answer
    is the one to `connection_init`)."""
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_size=None,
    ) as socket:
        try:
            await socket.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
            if acknowledged:
                ack = json.loads(await asyncio.wait_for(socket.recv(), 10))
                assert ack["type"] == "connection_ack", ack
                await socket.send(message)
            return dict(json.loads(await asyncio.wait_for(socket.recv(), 10)))
        except websockets.ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code
