"""A row's named columns, read through SQLAlchemy's public `Row._mapping`.

`Columns(*names)(row)` gives the named column, or a tuple of them, as
`operator.itemgetter(*names)(row._mapping)` does. With `missing=` a name absent from
a row's keys reads as that value: a statement may fetch only some columns (a members
page fetches those its selected fields read: resolvers/directory/columns.py).
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
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
    """`Columns(*names)(row)`: the named column of `row`, or a tuple of them."""

    __slots__ = ("_get", "_missing", "names")

    def __init__(self, name: str, *names: str, missing: Any = _RAISE) -> None:
        self.names = (name, *names)
        self._missing = missing
        self._get = operator.itemgetter(*self.names)

    def __call__(self, row: Any) -> Any:
        mapping = row._mapping
        if self._missing is _RAISE:
            return self._get(mapping)
        values = tuple(mapping.get(name, self._missing) for name in self.names)
        return values[0] if len(values) == 1 else values

    def each(self, rows: Sequence[Any]) -> Iterator[Any]:
        """The columns of every row."""
        return map(self, rows)
