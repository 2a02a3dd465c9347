"""A row's named columns, read through SQLAlchemy's public `Row._mapping`.

`Columns(*names)(row)` gives the named column, or a tuple of them, as
`operator.itemgetter(*names)(row._mapping)` does. With `missing=` a name absent from
a row's keys reads as that value: a statement may fetch only some columns (a members
page fetches those its selected fields read: resolvers/directory/columns.py).

The rows of one statement's result share their keys, so a reader of many rows asks
for them once, from the first row (`Columns.each`, `Columns.reader`): SQLAlchemy's
`Row._fields` builds a new tuple on every call.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any

_RAISE = object()  # no `missing=`: an absent name raises, as the mapping does


class _Unfetched:
    """A column a statement did not fetch. No GraphQL type coerces it (graphql-core
    writes other objects of a String or ID field with `str`, which raises here): a
    field that read one would fail with a located error, never answer a value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<column not fetched>"

    def __str__(self) -> str:
        raise TypeError("a column that was not fetched was read")


UNFETCHED: Any = _Unfetched()


class Columns:
    """`Columns(*names)(row)`: the named column of `row`, or a tuple of them.

    The positions of the names are worked out once per set of row keys (`Row._fields`,
    public like a named tuple's) and read by index; a name that is not exactly once
    among the keys is read through `Row._mapping`, which raises what it raises."""

    __slots__ = ("_by_fields", "_get", "_missing", "names")

    def __init__(self, name: str, *names: str, missing: Any = _RAISE) -> None:
        self.names = (name, *names)
        self._missing = missing
        self._get = operator.itemgetter(*self.names)
        self._by_fields: dict[tuple[str, ...], Callable[[Any], Any]] = {}

    def __call__(self, row: Any) -> Any:
        fields = row._fields
        getter = self._by_fields.get(fields)
        if getter is None:
            getter = self._by_fields[fields] = self._getter(fields)
        return getter(row)

    def each(self, rows: Sequence[Any]) -> Iterator[Any]:
        """The columns of every row of one statement's result."""
        return map(self.reader(rows), rows)

    def reader(self, rows: Sequence[Any]) -> Callable[[Any], Any]:
        """`self`, for the rows of one statement's result only: their keys are read
        once, from the first row."""
        if not rows:
            return self
        fields = rows[0]._fields
        getter = self._by_fields.get(fields)
        if getter is None:
            getter = self._by_fields[fields] = self._getter(fields)
        return getter

    def _getter(self, fields: tuple[str, ...]) -> Callable[[Any], Any]:
        counts = [fields.count(name) for name in self.names]
        if all(count == 1 for count in counts):
            return operator.itemgetter(*(fields.index(name) for name in self.names))
        if self._missing is not _RAISE and all(count <= 1 for count in counts):
            # absent names read the slot after the row's last column: `missing`
            pick = operator.itemgetter(
                *(fields.index(name) if name in fields else len(fields) for name in self.names)
            )
            missing = self._missing
            return lambda row: pick((*row, missing))
        return lambda row: self._get(row._mapping)
