"""The request id, carried in a context variable so logs and audit rows can name it."""

from __future__ import annotations

import contextvars
import logging
import random
import re

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# A request id names a request in logs and audit rows; it guards nothing, so it needs
# no cryptographic randomness (uuid4 reads os.urandom: a system call per request).
# The random module's own generator is seeded from os.urandom at start-up and again
# in a forked child, so workers do not repeat each other's ids.


def current_request_id() -> str | None:
    return _request_id.get()


def new_request_id(incoming: str | None) -> str:
    """Reuse a well-formed incoming `X-Request-ID`, else make one."""
    if incoming and _SAFE.match(incoming):
        return incoming
    return f"{random.getrandbits(128):032x}"


def set_request_id(value: str) -> contextvars.Token[str | None]:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str | None]) -> None:
    _request_id.reset(token)


def _install_record_factory() -> None:
    """Stamp each log record with the request id when it is created, so the id
    survives handlers that format records later (queues, test capture)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_cln_request_id", False):
        return

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return record

    factory._cln_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_install_record_factory()
