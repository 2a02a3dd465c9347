"""The access line's formatter writes what the one it replaced wrote (bench/log_line.py
keeps that one as the reference it is measured against)."""

from __future__ import annotations

import json
import logging

from bench.log_line import EXTRA, ReferenceFormatter, per_line_us, record_details
from clngraph.logging_setup import JsonFormatter

TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"


def test_the_same_entry_as_the_formatter_it_replaced() -> None:
    with record_details(False):
        record = logging.getLogger("clngraph.access").makeRecord(
            "clngraph.access",
            logging.INFO,
            "x",
            1,
            "request with Bearer %s",
            (TOKEN,),
            None,
            extra={**EXTRA, "note": f"auth {TOKEN}"},
        )
    ours = json.loads(JsonFormatter().format(record))
    reference = json.loads(ReferenceFormatter().format(record))
    assert ours == reference
    assert TOKEN not in json.dumps(ours) and ours["status"] == 200


def test_record_details_are_restored_and_the_measure_runs() -> None:
    before = (logging._srcfile, logging.logThreads, logging.logProcesses)
    with record_details(False):
        assert logging._srcfile is None and not logging.logThreads
        assert per_line_us(JsonFormatter(), 50) > 0
    assert (logging._srcfile, logging.logThreads, logging.logProcesses) == before
