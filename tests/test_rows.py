"""A row's named columns (resolvers/common/rows.py) are the columns its mapping gives
by name, whatever the order and shape of the result."""

from __future__ import annotations

import operator
import random
from typing import Any

import pytest
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
from sqlalchemy.exc import InvalidRequestError

from resolvers.common.rows import Columns


def _rows(keys: list[str], *values: tuple[Any, ...]) -> list[Any]:
    result: Any = IteratorResult(SimpleResultMetaData(keys), iter(values))
    return list(result.all())


def test_the_named_columns_in_any_order_of_any_result() -> None:
    columns = Columns("b", "a")
    first = _rows(["a", "b", "c"], (1, 2, 3), (4, 5, 6))
    other = _rows(["c", "b", "x", "a"], (7, 8, 9, 10))  # another shape, other positions
    assert [columns(r) for r in first] == [(2, 1), (5, 4)]
    assert [columns(r) for r in other] == [(8, 10)]
    assert [columns(r) for r in first] == [(r._mapping["b"], r._mapping["a"]) for r in first]
    again = _rows(["c", "b", "x", "a"], (1, 2, 3, 4))  # new metadata, a shape seen before
    assert [columns(r) for r in again] == [(2, 4)]


def test_a_name_missing_or_twice_is_read_through_the_mapping() -> None:
    columns = Columns("a", "b")
    with pytest.raises((KeyError, InvalidRequestError)):
        columns(_rows(["a", "c"], (1, 2))[0])
    twice = _rows(["a", "b", "b"], (1, 2, 3))[0]
    # whatever the mapping answers for a name it holds twice, Columns answers
    assert columns(twice) == (twice._mapping["a"], twice._mapping["b"])


def test_one_column_gives_its_value_as_itemgetter_does() -> None:
    rows = _rows(["a", "b"], (1, 2), (3, 4))
    assert [Columns("b")(r) for r in rows] == [operator.itemgetter("b")(r._mapping) for r in rows]
    assert [Columns("b")(r) for r in rows] == [2, 4]


def test_each_reads_one_results_rows_as_one_at_a_time_does() -> None:
    columns = Columns("b", "a")
    first = _rows(["a", "b", "c"], (1, 2, 3), (4, 5, 6))
    other = _rows(["c", "b", "x", "a"], (7, 8, 9, 10), (11, 12, 13, 14))
    assert list(columns.each(first)) == [columns(r) for r in first] == [(2, 1), (5, 4)]
    assert list(columns.each(other)) == [(8, 10), (12, 14)]
    assert list(columns.each(first)) == [(2, 1), (5, 4)]
    assert list(columns.each([])) == []
    twice = _rows(["a", "b", "b"], (1, 2, 3))
    assert list(columns.each(twice)) == [columns(r) for r in twice]


def test_a_reader_of_one_result_reads_its_rows_as_the_columns_do() -> None:
    columns = Columns("b", "a")
    first = _rows(["a", "b", "c"], (1, 2, 3), (4, 5, 6))
    other = _rows(["c", "b", "x", "a"], (7, 8, 9, 10))
    read_first, read_other = columns.reader(first), columns.reader(other)
    assert [read_first(r) for r in first] == [columns(r) for r in first]
    assert [read_other(r) for r in other] == [columns(r) for r in other] == [(8, 10)]
    assert columns.reader([]) is columns  # no rows: nothing to learn the keys from
    absent = object()
    partial = Columns("a", "b", missing=absent)
    rows = _rows(["b"], (2,), (3,))
    assert [partial.reader(rows)(r) for r in rows] == [(absent, 2), (absent, 3)]


def test_absent_names_read_as_missing_when_given() -> None:
    absent = object()
    columns = Columns("a", "b", "c", missing=absent)
    rows = _rows(["c", "a"], (3, 1), (6, 4))
    assert [columns(r) for r in rows] == [(1, absent, 3), (4, absent, 6)]
    assert list(columns.each(rows)) == [(1, absent, 3), (4, absent, 6)]
    assert Columns("b", missing=None)(rows[0]) is None
    full = _rows(["a", "b", "c"], (1, 2, 3))
    assert columns(full[0]) == (1, 2, 3)
    with pytest.raises((KeyError, InvalidRequestError)):
        Columns("a", "b")(rows[0])  # without missing=, an absent name still raises


def _with_missing_before(names: tuple[str, ...], row: Any, missing: Any) -> Any:
    """What the getter for absent names gave before it was written per set of keys: an
    itemgetter of the row's positions on the row followed by one slot of `missing`."""
    keys = tuple(row._mapping.keys())
    pick = operator.itemgetter(*(keys.index(n) if n in keys else len(keys) for n in names))
    return pick((*row, missing))


def test_absent_names_read_as_the_itemgetter_of_row_and_missing() -> None:
    rng = random.Random(11)
    absent = object()
    pool = [f"k{i}" for i in range(16)]
    for _ in range(300):
        keys = rng.sample(pool, rng.randint(0, 12))
        names = tuple(rng.sample(pool, rng.randint(1, 14)))
        rows = _rows(keys, *(tuple(rng.random() for _ in keys) for _ in range(3)))
        if not rows or all(n in keys for n in names):
            continue
        columns = Columns(*names, missing=absent)
        expected = [_with_missing_before(names, r, absent) for r in rows]
        assert [columns(r) for r in rows] == expected, (keys, names)
        assert list(columns.each(rows)) == expected
    # other names held twice in the row do not move the ones read
    twice = _rows(["x", "a", "x", "c"], (1, 2, 3, 4))
    assert Columns("c", "b", "a", missing=None)(twice[0]) == (4, None, 2)
