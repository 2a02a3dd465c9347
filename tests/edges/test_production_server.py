"""The production command, run as production runs it: `uvicorn clngraph.asgi:app`
with the Docker image's options, read from the Dockerfile's CMD (one process, as the
image runs it), and the bare `uvicorn clngraph.asgi:app`, each in a process of its
own, against the session's database. Every line it writes is one JSON object,
uvicorn's own included; on SIGTERM a request in flight finishes, new connections are
refused, a WebSocket client gets a close code (1012, service restart) and the process
ends once its shutdown is complete; a body declared over the limit is answered 413 at
once, over a real socket."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from foundation.embedded import free_port
from foundation.settings import PROJECT_ROOT, Settings

QUERY = b'{"query": "{ viewer { roles } }"}'


DOCKERFILE = PROJECT_ROOT / "docker" / "Dockerfile"


def image_command() -> list[str]:
    """The uvicorn command of the Dockerfile's CMD, word for word."""
    dockerfile = DOCKERFILE.read_text()
    found = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert found, "the Dockerfile has no exec-form CMD"
    shell, flag, script = json.loads(found.group(1))
    assert (shell, flag) == ("sh", "-c")
    words = shlex.split(script.split("exec ", 1)[1])
    assert words[:2] == ["uvicorn", "clngraph.asgi:app"], words
    return words


def production_command(port: int) -> list[str]:
    """The image's command (workers, loop, HTTP parser, proxy headers, log config and
    grace period as the Dockerfile names them), on a loopback port, with this
    checkout's copy of the log config the image copies to /app/log-config.json."""
    assert "COPY docker/log-config.json /app/log-config.json" in DOCKERFILE.read_text()
    words = image_command()
    replaced = {
        "--host": "127.0.0.1",
        "--port": str(port),
        "--log-config": str(PROJECT_ROOT / "docker" / "log-config.json"),
    }
    for option, value in replaced.items():
        words[words.index(option) + 1] = value
    return [sys.executable, "-m", *words]


def bare_command(port: int) -> list[str]:
    """`uvicorn clngraph.asgi:app` with nothing else but the address: no log config named
    (importing clngraph.asgi takes uvicorn's plain-text handlers off), uvicorn's own
    defaults for the rest."""
    return [sys.executable, "-m", "uvicorn", "clngraph.asgi:app", "--port", str(port)]


@pytest.fixture(params=["image", "bare"])
def production(
    request: pytest.FixtureRequest, admin_url: str, settings: Settings, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """The server, started by the image's command or by the bare one."""
    port = free_port()
    command = production_command(port) if request.param == "image" else bare_command(port)
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": admin_url,
        "CLN_DATA_DIR": str(settings.data_dir),
        "CLN_ISSUER": settings.issuer,
        "CLN_AUDIENCE": settings.audience,
        "CLN_DB_POOL_SIZE": "3",
        # the CMD empties and creates it before exec'ing uvicorn
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    (tmp_path / "metrics").mkdir()
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=stderr, stderr=stderr)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield process, port, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def refused(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


async def test_sigterm_finishes_in_flight_refuses_new_closes_sockets_and_logs_json(
    production: tuple[subprocess.Popen[bytes], int, Path], make_token: Any
) -> None:
    process, port, log = production
    token = make_token("sha_admin", "Q35")
    # a body declared over the limit: 413 at once, without sending it
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Content-Length: 104857600\r\n\r\n{"
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    assert head.startswith(b"HTTP/1.1 413"), head
    writer.close()

    socket_client = await websockets.connect(
        f"ws://127.0.0.1:{port}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    )
    await socket_client.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
    assert json.loads(await socket_client.recv())["type"] == "connection_ack"

    # a request in flight: its headers and half its body sent
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + token.encode() + b"\r\n"
        b"Content-Length: " + str(len(QUERY)).encode() + b"\r\n\r\n" + QUERY[:10]
    )
    await writer.drain()
    await asyncio.sleep(0.3)

    process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 5
    while not refused(port):  # new connections are refused once shutdown begins
        assert time.monotonic() < deadline, "still accepting connections"
        await asyncio.sleep(0.05)

    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(socket_client.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012

    writer.write(QUERY[10:])  # the in-flight request finishes, and is answered
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), 10)
    assert response.startswith(b"HTTP/1.1 200"), response
    assert json.loads(response.split(b"\r\n\r\n", 1)[1]) == {
        "data": {"viewer": {"roles": ["member", "sha_admin"]}}
    }
    writer.close()

    # uvicorn ends by raising the signal it caught again, once it has shut down
    assert await asyncio.to_thread(process.wait, 15) in (0, -signal.SIGTERM)
    lines = log.read_text().splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    loggers = {e["logger"] for e in entries}
    assert {"uvicorn.error"} <= loggers, loggers
    messages = [e["message"] for e in entries]
    assert any("Shutting down" in m for m in messages), messages
    assert any("Application shutdown complete" in m for m in messages), messages
    assert any("Finished server process" in m for m in messages), messages
