"""Reporting periods are calendar quarters written `2009Q1`; their text sorts in time order."""

from __future__ import annotations

import re

from resolvers.common.errors import FieldProblem

PERIOD_RE = re.compile(r"^(\d{4})Q([1-4])$")


def check_period(value: str | None, field: str) -> list[FieldProblem]:
    if value is None:
        return []
    match = PERIOD_RE.match(value)
    if not match or not 1990 <= int(match.group(1)) <= 2100:
        return [FieldProblem(field, "must be a quarter like 2009Q1 (years 1990-2100)")]
    return []
