"""Reporting periods are calendar quarters written `2009Q1`; their text sorts in time order."""

from __future__ import annotations

import datetime as dt
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


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def current_quarter() -> str:
    """The quarter of today: the latest one an organisation can have assessed itself in."""
    return quarter_of(dt.date.today())


def check_recorded_period(value: str | None, field: str) -> list[FieldProblem]:
    """A period something was recorded for: well formed and not after the current quarter."""
    problems = check_period(value, field)
    if problems or value is None:
        return problems
    latest = current_quarter()
    if value > latest:
        return [FieldProblem(field, f"is in the future: record quarters up to {latest}")]
    return []
