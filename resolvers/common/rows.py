"""A row's named columns by position: the types built from rows by the hundred (a wide
page's 500 members, a directory page's memberships) read them here.

An `operator.itemgetter` of names on `row._mapping` builds a mapping view per row and
looks each name up through SQLAlchemy's key map: 1.4 us for a member's fourteen
columns, against 0.2 us for the same columns read by position from the row itself.
The positions are worked out from a row's keys and kept per set of keys (the
statements here have a handful of shapes). The rows of one result share their result
metadata (`Row._parent`), so the last metadata seen and its positions are checked
first: the keys are read once per result, and no more than one metadata is held (a
statement built per request gets new metadata at each execution). A name that is not
exactly once among a row's keys is read through the mapping, which raises what it
raises. Like `operator.itemgetter`, one name gives its value and several a tuple.
`Columns.each` reads all the rows of one result, checking the metadata once. With
`missing=` a name absent from a row's keys reads as that value (a statement that
fetched only some columns, e.g. a members page: resolvers/directory/columns.py).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any

Getter = Callable[[Any], Any]
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
    """`Columns(*names)(row)`: the named column of `row`, or a tuple of them, as
    `operator.itemgetter(*names)(row._mapping)` gives them."""

    __slots__ = ("_by_keys", "_by_name", "_last", "_missing", "names")

    def __init__(self, name: str, *names: str, missing: Any = _RAISE) -> None:
        names = (name, *names)
        self.names = names
        self._missing = missing
        self._by_name = operator.itemgetter(*names)
        self._by_keys: dict[tuple[str, ...], Getter] = {}
        self._last: tuple[Any, Getter] = (None, self._through_mapping)

    def __call__(self, row: Any) -> Any:
        parent, getter = self._last
        if row._parent is not parent:
            getter = self._learn(row)
        return getter(row)

    def each(self, rows: Sequence[Any]) -> Iterator[Any]:
        """The columns of every row of one statement's result, which share their
        metadata: the positions are looked up on the first row only (a wide page's
        501 rows skip 500 checks of `Row._parent`, 0.2 us each)."""
        if not rows:
            return iter(())
        first = rows[0]
        parent, getter = self._last
        if first._parent is not parent:
            getter = self._learn(first)
        return map(getter, rows)

    def _learn(self, row: Any) -> Getter:
        keys = tuple(row._mapping.keys())
        getter = self._by_keys.get(keys)
        if getter is None:
            counts = [keys.count(name) for name in self.names]
            if all(count == 1 for count in counts):
                getter = operator.itemgetter(*(keys.index(name) for name in self.names))
            elif self._missing is not _RAISE and all(count <= 1 for count in counts):
                getter = self._with_missing(keys)
            else:
                getter = self._through_mapping
            self._by_keys[keys] = getter
        self._last = (row._parent, getter)
        return getter

    def _with_missing(self, keys: tuple[str, ...]) -> Getter:
        """A function written for these keys: it unpacks the row into locals and
        returns the named ones, with `missing` where a name is absent. 2.1k
        instructions a row against 4.2k for an itemgetter of `(*row, missing)`, which
        built a new tuple of the whole row first (a wide page reads 500 rows)."""
        columns = [f"c{index}" for index in range(len(keys))]
        picked = [f"c{keys.index(name)}" if name in keys else "missing" for name in self.names]
        returned = picked[0] if len(picked) == 1 else f"({', '.join(picked)})"
        source = f"def get(row):\n    [{', '.join(columns)}] = row\n    return {returned}\n"
        namespace = {"missing": self._missing}
        # the source holds only positions and `missing`: no name is written in it
        exec(compile(source, f"<columns {', '.join(self.names)}>", "exec"), namespace)
        getter: Getter = namespace["get"]
        return getter

    def _through_mapping(self, row: Any) -> Any:
        return self._by_name(row._mapping)
