"""The plain-leaf executor (schema/executor.py) answers exactly as graphql-core's own
executor does, data and errors alike, while skipping the per-field machinery."""

from __future__ import annotations

import asyncio
from collections import Counter
from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.executor import PlainLeafExecutor


@strawberry.enum
class Colour(Enum):
    RED = "red"
    DARK_BLUE = "dark blue"


@strawberry.type
class Thing:
    name: str
    nickname: str | None
    colour: Colour
    colours: list[Colour]
    count: int
    required: str
    mistyped: int
    pending: str  # an awaitable in a plain field: graphql-core awaits it
    child: Thing | None = None

    @strawberry.field
    def shout(self) -> str:
        CALLS["shout"] += 1
        return self.name.upper()

    @strawberry.field
    def fails(self) -> str:
        CALLS["fails"] += 1
        raise ValueError("no shouting today")

    @strawberry.field
    async def later(self) -> str:
        return self.name + " later"


class Eventually:
    """An awaitable that is not a coroutine (no warning when left unawaited)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __await__(self) -> Any:
        yield from asyncio.sleep(0).__await__()
        return self.value + " eventually"


CALLS: Counter[str] = Counter()


def _thing(name: str, **overrides: Any) -> Thing:
    values: dict[str, Any] = {
        "name": name,
        "nickname": None,
        "colour": Colour.DARK_BLUE,
        "colours": [Colour.RED, Colour.DARK_BLUE],
        "count": 3,
        "required": "here",
        "mistyped": 7,
        "pending": Eventually(name),
    }
    values.update(overrides)
    return Thing(**values)


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing]:
        return [
            _thing("a", child=_thing("a1")),
            _thing("b", nickname="bee"),
            _thing("c", required=None),  # null in a non-null field
            _thing("d", mistyped="not a number"),  # Int cannot represent it
            _thing("e", colours=[Colour.RED, "purple"]),  # not a Colour
        ]


QUERY = """
{
  things {
    name nickname colour colours count shout later pending
    required
    mistyped
    child { name colour shout }
    alias: name
    ... on Thing { count }
  }
}
"""
FAILING = "{ things { name fails } }"


class CountingExecutor(PlainLeafExecutor):
    calls = 0

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        type(self).calls += 1
        return super().execute_field(*args, **kwargs)


def _schemas(*extensions: Any) -> tuple[strawberry.Schema, strawberry.Schema]:
    reference = strawberry.Schema(query=Query, extensions=list(extensions))
    fast = strawberry.Schema(query=Query, extensions=list(extensions))
    counting = type("Counting", (CountingExecutor,), {"calls": 0})
    fast.execution_context_class = counting.for_schema(fast._schema)
    assert reference.execution_context_class is StrawberryGraphQLCoreExecutionContext
    return reference, fast


def _answer(result: Any) -> tuple[Any, list[tuple[str, Any]]]:
    errors = sorted((e.message, e.path) for e in result.errors or [])
    return result.data, errors


@pytest.mark.parametrize("query", [QUERY, FAILING])
async def test_same_data_and_errors_as_graphql_core(query: str) -> None:
    reference, fast = _schemas()
    CALLS.clear()
    expected = await reference.execute(query)
    reference_calls = dict(CALLS)
    CALLS.clear()
    got = await fast.execute(query)
    assert _answer(got) == _answer(expected)
    assert expected.errors  # the cases above do fail somewhere: errors are compared too
    assert dict(CALLS) == reference_calls  # each method called once per object, no retry


async def test_plain_leaves_skip_execute_field() -> None:
    _reference, fast = _schemas()
    executor: Any = fast.execution_context_class
    result = await fast.execute("{ things { name nickname colour colours count shout } }")
    assert [e.path for e in result.errors or []] == [["things", 4, "colours", 1]]
    assert result.data is None  # the error nulls the non-null list
    result = await fast.execute("{ things { name nickname colour count shout } }")
    assert not result.errors and result.data is not None
    assert result.data["things"][1] == {
        "name": "b",
        "nickname": "bee",
        "colour": "DARK_BLUE",
        "count": 3,
        "shout": "B",
    }
    # graphql-core's execute_field ran for the root field of each query only (the
    # purple colour went on to graphql-core's completion with the value already read)
    assert executor.calls == 2


async def test_field_middleware_sees_every_field() -> None:
    seen: list[str] = []

    class Recorder(SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(info.field_name)
            return _next(root, info, *args, **kwargs)

    _reference, fast = _schemas(Recorder)
    result = await fast.execute("{ things { name colour } }")
    assert not result.errors
    assert seen.count("name") == 5 and seen.count("colour") == 5
