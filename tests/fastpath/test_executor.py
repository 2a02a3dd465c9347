"""The fast-field executor (schema/fastpath/executor.py) answers exactly as graphql-core's own
executor does, data and errors alike, while skipping the per-field machinery: plain
leaves, plain objects and lists of them, and direct resolvers with scalar arguments."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info

from schema.fastpath.executor import FastFieldExecutor
from schema.fastpath.fast_fields import DirectResolver, fast_fields


@strawberry.enum
class Colour(Enum):
    RED = "red"
    DARK_BLUE = "dark blue"


@strawberry.interface
class Named:
    name: str


class IsAllowed(BasePermission):
    message = "not allowed"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return source.name != "b"


@strawberry.type
class Other:
    name: str


@strawberry.type
class Thing(Named):
    nickname: str | None
    colour: Colour
    colours: list[Colour]
    count: int
    required: str
    mistyped: int
    pending: str  # an awaitable in a plain field: graphql-core awaits it
    born: dt.date
    seen_at: dt.datetime
    child: Thing | None = None
    children: list[Thing] = strawberry.field(default_factory=list)
    elder: Thing = None  # type: ignore[assignment]  # sometimes null in a non-null field
    later_child: Thing | None = None  # may hold an awaitable

    @strawberry.field
    def sibling(self, info: Info, prefix: str = "s", times: int | None = None) -> Thing | None:
        CALLS["sibling"] += 1
        assert info.field_name in {"sibling", "again"} and info.context["seen"] is not None
        if self.name.startswith(prefix):
            return None
        return _thing(prefix * (times or 1) + self.name)

    @strawberry.field
    def siblings(self, first: int = 2) -> list[Thing]:
        CALLS["siblings"] += 1
        if first < 0:
            raise ValueError("first must not be negative")
        return [_thing(f"{self.name}-{i}") for i in range(first)]

    @strawberry.field
    def siblings_later(self) -> list[Thing]:  # a sync resolver returning an awaitable
        return Eventually(self.name, lambda name: [_thing(name + "!")])  # type: ignore[return-value]

    @strawberry.field
    def impostor(self) -> Thing:
        return Other(name="not a thing")  # type: ignore[return-value]

    @strawberry.field
    def tag(self, id: strawberry.ID, times: int = 1) -> str:  # an ID argument: a str
        return f"{self.name}#{id * times}"

    @strawberry.field
    def with_colour(self, colour: Colour) -> str:  # an enum argument: strawberry's path
        return f"{self.name} {colour.value}"

    @strawberry.field(permission_classes=[IsAllowed])
    def guarded(self) -> Thing | None:
        return self.child

    @strawberry.field
    def where(self, info: Info) -> str:  # graphql-core's resolve info, read lazily
        names = [f.name for f in info.selected_fields]
        return f"{info.path.as_list()} {info.field_name} {names} {info.variable_values}"

    @strawberry.field
    def seen(self, info: Info) -> str:  # reads the context only
        return f"{self.name} {info.context['seen']}"

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

    @strawberry.field
    async def kids(self, first: int = 2) -> list[Thing]:  # a coroutine function's objects
        CALLS["kids"] += 1
        await asyncio.sleep(0)
        if first < 0:
            raise ValueError("first must not be negative")
        return [_thing(f"{self.name}/{i}") for i in range(first)]

    @strawberry.field
    async def eldest(self) -> Thing:  # sometimes null in a non-null field, after an await
        return self.elder


class Eventually:
    """An awaitable that is not a coroutine (no warning when left unawaited)."""

    def __init__(self, value: str, make: Any = None) -> None:
        self.value = value
        self.make = make or (lambda value: value + " eventually")

    def __await__(self) -> Any:
        yield from asyncio.sleep(0).__await__()
        return self.make(self.value)


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
        "born": dt.date(2001, 2, 3),
        "seen_at": dt.datetime(2026, 11, 23, 14, 5, 6, tzinfo=dt.UTC),
        "elder": Thing(
            name=name + " elder",
            nickname=None,
            colour=Colour.RED,
            colours=[],
            count=1,
            required="yes",
            mistyped=1,
            pending="now",
            born=dt.date(1970, 1, 1),
            seen_at=dt.datetime(2026, 1, 1, 0, 0),
        ),
    }
    values.update(overrides)
    return Thing(**values)


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing]:
        return [
            _thing("a", child=_thing("a1"), children=[_thing("a2"), _thing("a3")]),
            _thing("b", nickname="bee", later_child=Eventually("b", lambda n: _thing(n + "?"))),
            _thing("c", required=None),  # null in a non-null field
            _thing("d", mistyped="not a number"),  # Int cannot represent it
            _thing("e", colours=[Colour.RED, "purple"]),  # not a Colour
            # a String given an int, a Date given a datetime, a DateTime given a string:
            # not the exact types, so coerced the long way
            _thing("f", nickname=5, born=dt.datetime(2000, 1, 1, 12), seen_at="yesterday"),
        ]


QUERY = """
{
  things {
    name nickname colour colours count shout later pending born seenAt
    required
    mistyped
    child { name colour shout }
    alias: name
    ... on Thing { count }
  }
}
"""
FAILING = "{ things { name fails } }"
OBJECTS = """
query ($times: Int, $first: Int = 1) {
  things {
    name
    children { name shout children { name } }
    elder { name colour }
    laterChild { name }
    sibling { name }
    again: sibling(prefix: "t", times: $times) { name sibling(prefix: "x") { name } }
    siblings(first: $first) { name colour }
    many: siblings(first: 3) { name }
    siblingsLater { name }
    kids { name born kids(first: $first) { name seenAt } }
    withColour(colour: RED)
    tag(id: "x", times: $first)
    where
    seen
    guarded { name }
    ... on Named { name }
  }
  loose { name elder { name } }
  one(name: "z") { name }
}
"""
# plain leaves compiled per selection (schema/fastpath/compiled_leaves.py): the objects whose
# values are not the usual ones (a null in a non-null field, an int in a String, a
# datetime in a Date, a string in a DateTime, a string among enum members) are
# completed the general way, with the same data and errors
LEAVES = """
{
  things { __typename name nickname colour count born seenAt pending alias: name t: __typename }
  loose { name colours elder { __typename colour colours required } }
}
"""
LEAVES_FAILING = "{ things { name colours required mistyped } }"
# compiled leaves beside fields the executor completes (methods, objects, awaitables)
MIXED = """
{
  things { name shout child { name colour shout } children { name born } later count }
  loose { colour kids(first: 1) { name seenAt } sibling { __typename name } }
}
"""
# a list of objects with compiled leaves only: a subclass instance is one, a cast to
# another type is not (graphql-core's error, and the list nulled)
KINDS = "{ kinds { name colour born } }"
KINDS_CAST = "{ kinds(cast: true) { name colour } }"
# objects that fail: a null in a non-null object field, a wrong runtime type, a raising
# resolver inside a list of non-null objects (nulls the nullable parent)
BROKEN = """
{
  loose { name elder { name } impostor { name } }
  lists: loose { name siblings(first: -1) { name } }
  awaited: loose { name kids(first: -1) { name } eldest { name } }
}
"""


@strawberry.type
class LooseQuery(Query):
    @strawberry.field
    def loose(self) -> list[Thing | None]:
        CALLS["loose"] += 1
        return [_thing("p"), None, _thing("q", elder=None)]

    @strawberry.field
    def one(self, name: str) -> Thing | None:
        return _thing(name)

    @strawberry.field
    def kinds(self, cast: bool = False) -> list[Thing]:
        """A subclass instance (a Thing) and, when asked, a Thing cast to another type
        (not a Thing for strawberry's is_type_of)."""
        odd = _thing("cast")
        return [
            _thing("plain"),
            SubThing(**{**vars(_thing("sub")), "extra": 1}),
            strawberry.cast(Other, odd) if cast else odd,
        ]


@strawberry.type
class SubThing(Thing):
    extra: int = 0


class CountingExecutor(FastFieldExecutor):
    calls = 0
    infos = 0  # graphql-core resolve infos built
    planned = 0  # Things completed by the plan's loop, without compiled leaves

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        type(self).calls += 1
        return super().execute_field(*args, **kwargs)

    def build_resolve_info(self, *args: Any) -> Any:
        type(self).infos += 1
        return super().build_resolve_info(*args)

    def _execute_plan(self, plan: Any, *args: Any) -> Any:
        parent_type, *_rest, results = args
        if parent_type.name == "Thing" and results == {}:
            type(self).planned += 1
        return super()._execute_plan(plan, *args)


def _schemas(*extensions: Any) -> tuple[strawberry.Schema, strawberry.Schema]:
    reference = strawberry.Schema(query=LooseQuery, extensions=list(extensions))
    fast = strawberry.Schema(query=LooseQuery, extensions=list(extensions))
    counting: Any = type("Counting", (CountingExecutor,), {"calls": 0, "planned": 0, "infos": 0})
    fast.execution_context_class = counting.for_schema(fast._schema)
    assert reference.execution_context_class is StrawberryGraphQLCoreExecutionContext
    return reference, fast


def _answer(result: Any) -> tuple[Any, list[tuple[str, Any]]]:
    errors = sorted((e.message, e.path) for e in result.errors or [])
    return result.data, errors


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (QUERY, None),
        (FAILING, None),
        (OBJECTS, {"times": 2}),
        (OBJECTS, None),
        (BROKEN, None),
        (LEAVES, None),
        (LEAVES_FAILING, None),
        (MIXED, None),
        (KINDS, None),
        (KINDS_CAST, None),
    ],
)
async def test_same_data_and_errors_as_graphql_core(query: str, variables: Any) -> None:
    reference, fast = _schemas()
    CALLS.clear()
    context = {"seen": True}
    expected = await reference.execute(query, variable_values=variables, context_value=context)
    reference_calls = dict(CALLS)
    CALLS.clear()
    got = await fast.execute(query, variable_values=variables, context_value=context)
    assert _answer(got) == _answer(expected)
    assert expected.errors or query in (LEAVES, MIXED, KINDS)  # errors are compared too
    if query == KINDS:
        assert [k["name"] for k in got.data["kinds"]] == ["plain", "sub", "cast"]
    assert dict(CALLS) == reference_calls  # each method called once per object, no retry


async def test_objects_and_direct_resolvers_skip_execute_field() -> None:
    _reference, fast = _schemas()
    executor: Any = fast.execution_context_class
    query = """query ($n: Int) { loose { name children { name } sibling(times: $n) { name }
      siblings(first: 2) { name shout } later kids(first: 1) { name born seenAt }
      tag(id: 7) } }"""
    result = await fast.execute(query, variable_values={"n": 3}, context_value={"seen": 1})
    assert not result.errors and result.data is not None
    assert result.data["loose"][0] == {
        "name": "p",
        "children": [],
        "sibling": {"name": "sssp"},
        "siblings": [{"name": "p-0", "shout": "P-0"}, {"name": "p-1", "shout": "P-1"}],
        "later": "p later",
        "kids": [{"name": "p/0", "born": "2001-02-03", "seenAt": "2026-11-23T14:05:06+00:00"}],
        "tag": "p#7",
    }
    assert result.data["loose"][1] is None
    assert executor.calls == 0  # every field above took a short path
    await fast.execute("{ loose { withColour(colour: RED) guarded { name } } }")
    # an enum argument and a permission take strawberry's path: 2 fields of 2 things
    assert executor.calls == 4


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
    # graphql-core's execute_field ran for no field (the purple colour went on to
    # graphql-core's completion with the value already read)
    assert executor.calls == 0


async def test_a_resolver_reading_only_the_context_builds_no_resolve_info() -> None:
    _reference, fast = _schemas()
    executor: Any = fast.execution_context_class
    result = await fast.execute("{ things { seen } }", context_value={"seen": 1})
    assert not result.errors and result.data is not None
    assert result.data["things"][0] == {"seen": "a 1"}
    assert executor.infos == 0
    result = await fast.execute("{ things { where } }", context_value={"seen": 1})
    assert result.data is not None and result.data["things"][1] == {
        "where": "['things', 1, 'where'] where ['where'] {}"
    }
    assert executor.infos == 6  # built once a thing, when the resolver asked


def _field_recorder(seen: list[str]) -> type[SchemaExtension]:
    """Field middleware (an extension's `resolve`) that records every field it sees."""

    class Recorder(SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(info.field_name)
            return _next(root, info, *args, **kwargs)

    return Recorder


async def test_field_middleware_sees_every_field() -> None:
    seen: list[str] = []
    _reference, fast = _schemas(_field_recorder(seen))
    result = await fast.execute("{ things { name colour } }")
    assert not result.errors
    assert seen.count("name") == 6 and seen.count("colour") == 6


async def test_compiled_leaves_complete_usual_objects() -> None:
    _reference, fast = _schemas()
    executor: Any = fast.execution_context_class
    query = (
        '{ one(name: "p") { __typename name colour colours born seenAt nickname elder { name } } }'
    )
    result = await fast.execute(query)
    assert not result.errors and result.data is not None
    assert result.data["one"] == {
        "__typename": "Thing",
        "name": "p",
        "colour": "DARK_BLUE",
        "colours": ["RED", "DARK_BLUE"],
        "born": "2001-02-03",
        "seenAt": "2026-11-23T14:05:06+00:00",
        "nickname": None,
        "elder": {"name": "p elder"},
    }
    assert executor.calls == 0 and executor.planned == 0  # compiled, every object
    # the compiled function is kept for the next request with the same selection
    functions = list(executor.compiled._functions.values())
    await fast.execute(query)
    assert list(executor.compiled._functions.values()) == functions
    assert executor.planned == 0
    # one unusual value sends its object (only) the general way
    result = await fast.execute("{ things { name nickname } }")
    assert result.data is not None and result.data["things"][5] == {"name": "f", "nickname": "5"}
    assert executor.planned == 1


async def test_field_middleware_turns_compiled_leaves_off() -> None:
    seen: list[str] = []
    _reference, fast = _schemas(_field_recorder(seen))
    result = await fast.execute("{ loose { name colours } }")
    assert not result.errors and seen.count("colours") == 2


@strawberry.type
class Counted:
    n: int
    maybe: int | None


@strawberry.type
class IntQuery:
    @strawberry.field
    def counted(self) -> list[Counted]:
        edges = [2**31 - 1, -(2**31), 0, True]  # True: a bool, coerced to 1
        return [Counted(n=v, maybe=v) for v in edges]

    @strawberry.field
    def beyond(self) -> list[Counted]:  # beyond 32 bits: Int cannot represent them
        return [Counted(n=1, maybe=2**31), Counted(n=2**40, maybe=-(2**31) - 1)]


async def test_int_leaves_coerced_as_graphql_core_does() -> None:
    """Ints are completed by the fast path (an exact `int` within 32 bits); a bool, or
    an int beyond 32 bits, gets graphql-core's coercion or its error."""
    reference = strawberry.Schema(query=IntQuery)
    fast = strawberry.Schema(query=IntQuery)
    fast.execution_context_class = FastFieldExecutor.for_schema(fast._schema)
    for query in ("{ counted { n maybe } }", "{ beyond { maybe } }", "{ beyond { n maybe } }"):
        expected = await reference.execute(query)
        got = await fast.execute(query)
        assert _answer(got) == _answer(expected), query
    assert got.errors and "non 32-bit" in got.errors[0].message
    counted = (await fast.execute("{ counted { n } }")).data
    assert counted == {"counted": [{"n": 2**31 - 1}, {"n": -(2**31)}, {"n": 0}, {"n": 1}]}


@strawberry.type
class Guarded:
    """Leaves behind a resolver taking `info`, as `Member.email` is."""

    raw: strawberry.Private[Any]
    name: str  # a plain leaf: compiled, the resolvers completed after it

    @strawberry.field
    def shown(self, info: strawberry.Info) -> str | None:
        assert info.context is not None
        return self.raw

    @strawberry.field
    def required(self, info: strawberry.Info) -> str:
        return self.raw  # type: ignore[no-any-return]

    @strawberry.field
    def level(self, info: strawberry.Info) -> int | None:
        return self.raw if isinstance(self.raw, int) else None

    @strawberry.field
    def checked(self, info: strawberry.Info) -> str | None:
        if self.raw is True:
            raise PermissionError("not for you")
        return self.name

    @strawberry.field
    def where(self, info: strawberry.Info) -> str:
        return "/".join(str(key) for key in info.path.as_list())

    @strawberry.field
    def upper(self) -> str:  # a method read as a plain leaf
        return self.name.upper()

    @strawberry.field
    def cut(self, info: strawberry.Info, length: int = 3) -> str | None:  # an argument
        return None if self.raw is None else str(self.raw)[:length]

    @strawberry.field
    def twin(self) -> Guarded:  # an object: the selection goes the plan's way
        return self


@strawberry.type
class GuardedQuery:
    @strawberry.field
    def guarded(self) -> list[Guarded]:
        # a str, a null, an int (String coerces it), a bool, one beyond 32 bits
        return [
            Guarded(raw=v, name=f"n{i}") for i, v in enumerate(("a@nhs.net", None, 7, True, 2**40))
        ]


async def test_direct_resolver_leaves_coerced_as_graphql_core_does() -> None:
    """A resolver's leaf is completed by its type's known coercion (a str in a String
    field as it is); anything else (an int or a bool for a String, a null in a non-null
    field, an int beyond 32 bits) gets graphql-core's coercion or its located error."""
    reference = strawberry.Schema(query=GuardedQuery)
    fast = strawberry.Schema(query=GuardedQuery)
    fast.execution_context_class = FastFieldExecutor.for_schema(fast._schema)
    shown_field = fast_fields(fast._schema)["Guarded"]["shown"]
    assert isinstance(shown_field, DirectResolver) and shown_field.leaf is not None
    assert shown_field.sync_leaf  # completed where it is called (`_resolve_leaf`)
    fields = fast_fields(fast._schema)["Guarded"]
    assert shown_field.bare is not None  # called as strawberry would, with nothing to convert
    cut = fields["cut"]
    assert isinstance(cut, DirectResolver) and cut.bare is None  # its argument, converted
    for query in (
        "{ guarded { shown level } }",
        "{ guarded { required } }",
        # after the compiled leaves: a resolver that raises on one object, the
        # resolve info's path of each, a null in a non-null field bubbling to the list
        "{ guarded { name shown checked where level } }",
        # called bare, with an argument, after a method's leaf, and beside an object
        "{ guarded { name upper cut(length: 2) where } }",
        "{ guarded { name shown twin { name where checked } } }",
        "{ guarded { name checked required } }",  # last: its errors are checked below
    ):
        expected = await reference.execute(query, context_value={})
        got = await fast.execute(query, context_value={})
        assert _answer(got) == _answer(expected), query
    assert got.errors and {tuple(e.path or ()) for e in got.errors} >= {("guarded", 1, "required")}
    shown = (await fast.execute("{ guarded { shown } }", context_value={})).data
    assert shown == {
        "guarded": [{"shown": v} for v in ("a@nhs.net", None, "7", "true", "1099511627776")]
    }
