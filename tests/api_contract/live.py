"""A real uvicorn server on 127.0.0.1 and a free port, in a thread with its own event
loop, so Node tools (the audit suite, the Apollo gateway) talk to it over TCP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette

from foundation.embedded import free_port


@contextmanager
def live_server(app: Starlette) -> Iterator[str]:
    """Serve `app` (its lifespan runs in the server's loop) and yield its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            thread.join(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
