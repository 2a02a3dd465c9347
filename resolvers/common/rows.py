"""A row's named columns by position: the types built from rows by the hundred (a wide
page's 500 members, a directory page's 300 memberships) read them here.

An `operator.itemgetter` of names on `row._mapping` builds a mapping view per row and
looks each name up through SQLAlchemy's key map: 1.4 us for a member's fourteen
columns, against 0.2 us for the same columns read by position from the row itself.
The positions come from the row's result metadata (`Row._parent`), the same object
for every row of a result and, for a cached statement, for every execution of it;
they are worked out once per metadata and kept, bounded. A name that is not exactly
once among a row's keys is read through the mapping, which raises what it raises.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

_KEPT = 256  # result shapes remembered per getter (a handful of statements read each)


class Columns:
    """`Columns(*names)(row)`: the named columns of `row`, as a tuple."""

    __slots__ = ("_by_name", "_known", "names")

    def __init__(self, *names: str) -> None:
        if len(names) < 2:
            raise ValueError("Columns reads two or more columns")  # itemgetter of one: no tuple
        self.names = names
        self._by_name = operator.itemgetter(*names)
        self._known: dict[int, tuple[Any, Callable[[Any], tuple[Any, ...]]]] = {}

    def __call__(self, row: Any) -> tuple[Any, ...]:
        parent = row._parent
        known = self._known.get(id(parent))
        if known is None or known[0] is not parent:
            known = self._learn(row, parent)
        result: tuple[Any, ...] = known[1](row)
        return result

    def _learn(self, row: Any, parent: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
        keys = list(row._mapping.keys())
        getter: Callable[[Any], tuple[Any, ...]]
        if all(keys.count(name) == 1 for name in self.names):
            getter = operator.itemgetter(*(keys.index(name) for name in self.names))
        else:
            by_name = self._by_name
            getter = lambda row: by_name(row._mapping)  # noqa: E731
        if len(self._known) >= _KEPT:
            self._known.clear()
        known = self._known[id(parent)] = (parent, getter)  # kept: its id is the key
        return known
