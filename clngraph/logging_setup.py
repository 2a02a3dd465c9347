"""Structured (JSON) logs carrying the request id. Tokens and secrets are never logged:
the Authorization header is never passed to a logger, and a filter scrubs anything
that looks like a bearer token or JWT as a last line of defence.

Every request writes an access line, so a line's cost is part of every request's,
and `json.dumps`, the two regex passes and `formatTime` were a visible part of a node
lookup's. So: orjson, a substring test before each regex pass (a JWT starts `eyJ`;
the bearer pattern needs the word) and the timestamp kept per second. Records also
skip finding their caller's frame, thread and process, which no formatter here shows
(`configure_logging`). Figures: `python -m bench.log_line`, docs/benchmarks.md,
round 9.

uvicorn's own lines are JSON too: the production command names
`docker/log-config.json` (`--log-config`), so uvicorn logs JSON from its first line,
and `configure_logging` (run when `clngraph.asgi` is imported) takes the handlers
off uvicorn's loggers should the command not name it."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from typing import Any

import orjson

from foundation.request_id import current_request_id

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"']+")
# uvicorn adds `color_message` (the message with terminal colours) to its records
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys()) | {
    "message",
    "color_message",
}
# loggers that come with handlers of their own (uvicorn's plain-text default config):
# theirs are removed, so that their records reach the root's JSON handler
_OWN_HANDLERS = ("uvicorn", "uvicorn.error", "uvicorn.asgi", "uvicorn.access")


def scrub(text: str) -> str:
    """`text` with anything shaped like a JWT or a bearer token redacted. The substring
    tests come first: neither pattern can match without them (no letter of "bearer"
    has a case-insensitive match that `str.lower` misses), and they cost far less
    than the regex passes."""
    if "eyJ" in text:
        text = _JWT.sub("[redacted-jwt]", text)
    if "bearer" in text.lower():
        text = _BEARER.sub(r"\1[redacted]", text)
    return text


def _dumps(entry: dict[str, Any]) -> str:
    try:
        return orjson.dumps(entry, default=str, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # e.g. an int beyond 64 bits: the standard library takes anything
        return json.dumps(entry, default=str)


class JsonFormatter(logging.Formatter):
    _stamped: tuple[int, str] = (-1, "")  # (second, its timestamp), replaced as one

    def _timestamp(self, record: logging.LogRecord) -> str:
        """`formatTime(record, "%Y-%m-%dT%H:%M:%S")`, worked out once a second."""
        second = int(record.created)
        stamped = self._stamped
        if stamped[0] != second:
            stamped = (second, time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(second)))
            self._stamped = stamped
        return stamped[1]

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self._timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return scrub(_dumps(entry))


class PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        rid = current_request_id()
        prefix = f"[{rid}] " if rid else ""
        return scrub(prefix + super().format(record))


def configure_logging(level: str = "INFO", *, json_logs: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_logs else PlainFormatter("%(levelname)s %(name)s %(message)s")
    )
    # Neither formatter shows where a call was made from or which thread or process
    # made it, so records skip working it out (the logging HOWTO's "Optimization":
    # the caller's frame is found by walking the stack on every record).
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _OWN_HANDLERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.captureWarnings(True)  # warnings as log records, in the same format
    for noisy in ("uvicorn.access",):  # clngraph.access writes one line per request
        logging.getLogger(noisy).disabled = True
