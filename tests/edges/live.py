"""uvicorn serving an app that is already started (its lifespan entered by a fixture),
in the test's own event loop, on a free loopback port: for the WebSocket tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
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
