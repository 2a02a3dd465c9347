"""Enum members by stored value, for the types built from rows by the thousand: a dict
lookup instead of an `Enum(value)` call, which goes through EnumMeta.__call__ and
Enum.__new__ in Python, once per enum field of every row (docs/benchmarks.md, round 7)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


def by_value(enum: type[E]) -> Callable[[object], E]:
    """`enum(value)` for the stored values; a value the enum does not have raises
    KeyError, as `enum(value)` raises ValueError."""
    return {member.value: member for member in enum}.__getitem__
