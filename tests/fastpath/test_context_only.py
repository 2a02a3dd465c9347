"""A resolver that reads only `info.context` shares one `Info` per field and request
(schema/fastpath/context_only.py): the check says yes only when nothing else of
`info` can be reached, and the answers stay graphql-core's."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from typing import Any

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from schema.fastpath.context_only import reads_only_context
from schema.fastpath.executor import FastFieldExecutor
from schema.fastpath.fast_fields import DirectResolver, fast_fields


def _shown(self: Any, info: Info) -> str | None:
    return self.raw if info.context["visible"] else None


def _unused(self: Any, info: Info) -> str:
    return "x"


def _path(self: Any, info: Info) -> str:
    return str(info.path.as_list())


def _passed_on(self: Any, info: Info) -> str:
    return _shown(self, info) or ""


def _kept(self: Any, info: Info) -> str:
    self.seen = info
    return "x"


def _through_locals(self: Any, info: Info) -> str:
    return str(locals()["info"].path)


def _through_the_frame(self: Any, info: Info) -> str:
    frame = inspect.currentframe()
    return str(frame.f_locals["info"].path if frame else "")


def _by_getattr(self: Any, info: Info) -> str:
    return str(getattr(info, "path"))  # noqa: B009 (the case under test)


def _context_written(self: Any, info: Info) -> str:
    info.context = {}  # type: ignore[misc]
    return "x"


def _rebound(self: Any, info: Info) -> str:
    info = self.other
    return str(info.context)


def _reads_path_first(func: Any) -> Any:
    """A decorator whose wrapper reads more of `info` than the function it wraps."""

    @functools.wraps(func)
    def wrapper(self: Any, info: Info) -> Any:
        assert info.path is not None
        return func(self, info)

    return wrapper


@_reads_path_first
def _wrapped(self: Any, info: Info) -> str:
    return str(info.context)


@dataclasses.dataclass
class _Info(Info):
    @property
    def context(self) -> Any:  # answers from elsewhere than the resolve info's context
        return self._raw_info.root_value


def test_only_reading_the_context_is_context_only() -> None:
    assert reads_only_context(_shown, "info", Info)
    assert reads_only_context(_unused, "info", Info)  # nothing read at all


def test_any_other_use_of_info_is_not() -> None:
    for func in (
        _path,
        _passed_on,
        _kept,
        _through_locals,
        _through_the_frame,
        _by_getattr,
        _context_written,
        _rebound,
        _wrapped,  # its source reads only the context; the wrapper called reads the path
    ):
        assert not reads_only_context(func, "info", Info), func.__name__


def test_unreadable_source_or_another_context_is_not() -> None:
    assert not reads_only_context(lambda self, info: info.context, "info", Info)
    assert not reads_only_context(len, "info", Info)  # no Python source
    assert not reads_only_context(_shown, "info", _Info)  # `context` answered otherwise


class CountedInfo(Info):
    """strawberry's `Info`, counting the ones made."""

    made = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        CountedInfo.made += 1


@strawberry.type
class Card:
    raw: strawberry.Private[str | None]

    @strawberry.field
    def shown(self, info: strawberry.Info) -> str | None:
        return self.raw if info.context["visible"] else None

    @strawberry.field
    def fails(self, info: strawberry.Info) -> str:
        if info.context["visible"] and self.raw is None:
            raise ValueError("no card")
        return "ok"

    @strawberry.field
    def at(self, info: strawberry.Info) -> str:
        return "/".join(str(k) for k in info.path.as_list())


@strawberry.type
class CardQuery:
    @strawberry.field
    def cards(self) -> list[Card]:
        return [Card(raw=v) for v in ("a", None, "c")]


async def test_one_info_per_request_and_graphql_cores_answers() -> None:
    config = StrawberryConfig(info_class=CountedInfo)
    reference = strawberry.Schema(query=CardQuery, config=config)
    fast = strawberry.Schema(query=CardQuery, config=config)
    fast.execution_context_class = FastFieldExecutor.for_schema(fast._schema)
    fields = fast_fields(fast._schema)["Card"]
    shown, fails, at = fields["shown"], fields["fails"], fields["at"]
    assert isinstance(shown, DirectResolver) and shown.context_only
    assert isinstance(fails, DirectResolver) and fails.context_only
    assert isinstance(at, DirectResolver) and not at.context_only
    for visible in (False, True):  # last: its errors are checked below
        context = {"visible": visible}
        for query in ("{ cards { shown fails } }", "{ cards { at fails shown } }"):
            expected = await reference.execute(query, context_value=context)
            CountedInfo.made = 0
            got = await fast.execute(query, context_value=context)
            assert got.data == expected.data, query
            errors = [(e.message, e.path) for e in got.errors or []]
            assert errors == [(e.message, e.path) for e in expected.errors or []], query
            # one Info for `shown` and one for `fails`, whatever the number of cards;
            # `at` reads its path: one for each card reached (the second card's failure
            # nulls the list before the third is)
            reached = 0 if "at" not in query else 2 if visible else 3
            assert CountedInfo.made == 2 + reached, query
    assert errors == [("no card", ["cards", 1, "fails"])]
