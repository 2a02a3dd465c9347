"""CPU of one access log line (`clngraph.access`, written after every request), through
the service's JSON formatter with records as `configure_logging` makes them and, as
the reference in the same run, through the formatter it replaced (`json.dumps` and
both scrub patterns over every line) with the standard library's default records.
Medians over rounds, microseconds per line, written to a null stream.

    .venv/bin/python -m bench.log_line 20000
"""

from __future__ import annotations

import io
import json
import logging
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from clngraph.logging_setup import _BEARER, _JWT, _STANDARD, JsonFormatter
from foundation.request_id import current_request_id

EXTRA = {"method": "POST", "path": "/graphql", "status": 200, "duration_ms": 1.23}


class ReferenceFormatter(logging.Formatter):
    """The formatter as it was before (clngraph/logging_setup.py's history)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": _scrub(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        return _scrub(json.dumps(entry, default=str))


def _scrub(text: str) -> str:
    return _BEARER.sub(r"\1[redacted]", _JWT.sub("[redacted-jwt]", text))


def per_line_us(formatter: logging.Formatter, n: int) -> float:
    """log.info of an access line through a handler with `formatter`, microseconds."""
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(formatter)
    log = logging.Logger("clngraph.access")
    log.addHandler(handler)
    started = time.process_time()
    for _ in range(n):
        log.info("request", extra=EXTRA)
    return (time.process_time() - started) / n * 1e6


@contextmanager
def record_details(on: bool) -> Iterator[None]:
    """Records with (the standard library's default) or without the caller's frame,
    thread and process; restored after."""
    saved = (logging._srcfile, logging.logThreads, logging.logProcesses)
    saved_mp = logging.logMultiprocessing
    if not on:
        logging._srcfile = None
        logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    try:
        yield
    finally:
        logging._srcfile, logging.logThreads, logging.logProcesses = saved
        logging.logMultiprocessing = saved_mp


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    ours: list[float] = []
    reference: list[float] = []
    for _ in range(5):  # alternated, so drift falls on both
        with record_details(True):
            reference.append(per_line_us(ReferenceFormatter(), n))
        with record_details(False):  # as `configure_logging` sets them
            ours.append(per_line_us(JsonFormatter(), n))
    ref, new = statistics.median(reference), statistics.median(ours)
    print(f"access log line, median of 5 x {n}: reference {ref:.2f} us, ours {new:.2f} us")
    print(f"ours/reference: {new / ref:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
