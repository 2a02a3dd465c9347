"""The cached-hooks runner (schema/fastpath/extension_runner.py) runs the same extension hooks in
the same order as strawberry's own runner, with the same results and errors: sync and
async generator hooks, plain and coroutine function hooks (left to strawberry), a hook
that fails before or after the operation, and an error seen by the hooks around it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension

from schema.fastpath.extension_runner import CachedHooksRunner, Schema

events: list[str] = []


class Recorder(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        events.append("operation in")
        yield
        events.append("operation out")

    async def on_parse(self) -> AsyncIterator[None]:
        events.append("parse in")
        yield
        events.append("parse out")

    def on_validate(self) -> None:  # a plain function: strawberry's wrapping
        events.append("validate")

    async def on_execute(self) -> None:  # a coroutine function: strawberry's wrapping
        events.append("execute")


class Guard(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        events.append("guard in")
        try:
            yield
        except BaseException as error:
            events.append(f"guard saw {type(error).__name__}")
            raise
        events.append("guard out")
        if self.execution_context.query and "failLate" in self.execution_context.query:
            raise ValueError("refused after the operation")

    def on_execute(self) -> Iterator[None]:
        if self.execution_context.query and "failEarly" in self.execution_context.query:
            raise ValueError("refused before execution")
        events.append("execute in")
        yield
        events.append("execute out")

    def get_results(self) -> dict[str, Any]:
        return {"guarded": True}


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        events.append("resolve")
        return "hi"

    @strawberry.field
    def fail_early(self) -> str:
        return "never"

    @strawberry.field
    def fail_late(self) -> str:
        return "late"

    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("resolver failed")


def _run_both() -> tuple[strawberry.Schema, Schema]:
    stock = strawberry.federation.Schema(query=Query, extensions=[Recorder, Guard])
    ours = Schema(query=Query, extensions=[Recorder, Guard])
    return stock, ours


@pytest.mark.parametrize(
    "query", ["{ hello }", "{ broken }", "{ failEarly }", "{ failLate }", "{ nope }", "{"]
)
async def test_same_hooks_results_and_errors_as_strawberrys_runner(query: str) -> None:
    stock, ours = _run_both()
    assert isinstance(ours.create_extensions_runner(None, []), CachedHooksRunner)  # type: ignore[arg-type]
    events.clear()
    expected = await stock.execute(query)
    expected_events = list(events)
    events.clear()
    got = await ours.execute(query)
    assert events == expected_events
    assert got.data == expected.data
    assert [e.message for e in got.errors or []] == [e.message for e in expected.errors or []]
    assert got.extensions == expected.extensions
    if query == "{ hello }":
        assert events[:2] == ["operation in", "guard in"] and "resolve" in events
        assert events[-2:] == ["guard out", "operation out"]
    events.clear()
    again = await ours.execute(query)  # the second request: hooks found in the cache
    assert again.data == expected.data and events == expected_events
