"""Sub-selections collected once and kept across requests (schema/fastpath/shared_selections.py):
a document served again is not collected again, and anything the variables can change
(`@skip`/`@include`, in fields, inline fragments or fragment definitions) is collected
per request, with the same answers as graphql-core's own executor."""

from __future__ import annotations

from typing import Any

import graphql.execution.executor as graphql_executor
import pytest
import strawberry
from strawberry.extensions import ParserCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.fastpath.executor import FastFieldExecutor
from tests.fastpath.test_executor import LooseQuery, _answer

NESTED = """
query ($first: Int) {
  loose { name children { name } elder { name colour } kids(first: $first) { name born } }
}
"""
DIRECTIVES = """
query ($show: Boolean!, $hide: Boolean!) {
  loose {
    name
    nickname @include(if: $show)
    elder { name colour @skip(if: $hide) }
    ... on Thing @include(if: $show) { count }
    ...Parts
  }
}
fragment Parts on Thing { kids(first: 1) { name born @include(if: $show) } }
"""


def _schemas() -> tuple[strawberry.Schema, strawberry.Schema]:
    """graphql-core's executor and ours, both with strawberry's parse cache, so that a
    text served again is the same document object, as in the service."""
    reference = strawberry.Schema(query=LooseQuery, extensions=[lambda: ParserCache(maxsize=16)])
    fast = strawberry.Schema(query=LooseQuery, extensions=[lambda: ParserCache(maxsize=16)])
    fast.execution_context_class = FastFieldExecutor.for_schema(fast._schema)
    assert reference.execution_context_class is StrawberryGraphQLCoreExecutionContext
    return reference, fast


@pytest.fixture
def collections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The return type of every sub-selection graphql-core collects from scratch."""
    seen: list[str] = []
    collect = graphql_executor.collect_subfields

    def counting(*args: Any, **kwargs: Any) -> Any:
        seen.append(args[4].name)
        return collect(*args, **kwargs)

    monkeypatch.setattr(graphql_executor, "collect_subfields", counting)
    return seen


async def test_a_document_served_again_is_not_collected_again(collections: list[str]) -> None:
    reference, fast = _schemas()
    shared = fast.execution_context_class.shared  # type: ignore[attr-defined]
    first = await fast.execute(NESTED, variable_values={"first": 2}, context_value={})
    assert collections and len(shared) == len(collections)  # each one kept
    collections.clear()
    again = await fast.execute(NESTED, variable_values={"first": 1}, context_value={})
    assert collections == []
    expected = await reference.execute(NESTED, variable_values={"first": 1}, context_value={})
    assert _answer(again) == _answer(expected) != _answer(first)


async def test_what_the_variables_decide_is_collected_per_request() -> None:
    reference, fast = _schemas()  # one schema: the same document under other variables
    for show, hide in [(True, False), (False, True), (True, True), (False, False), (True, False)]:
        variables = {"show": show, "hide": hide}
        got = await fast.execute(DIRECTIVES, variable_values=variables, context_value={})
        expected = await reference.execute(DIRECTIVES, variable_values=variables, context_value={})
        assert _answer(got) == _answer(expected)  # errors too (the third has no elder)
        assert got.data is not None
        thing = got.data["loose"][0]
        assert ("nickname" in thing) is show and ("count" in thing) is show
        assert ("colour" in thing["elder"]) is not hide
        assert ("born" in thing["kids"][0]) is show


async def test_kept_selections_are_bounded() -> None:
    _reference, fast = _schemas()
    executor: Any = fast.execution_context_class
    executor.shared.size = 2
    for n in range(6):
        text = f"{{ loose {{ name children {{ name }} a{n}: kids(first: 1) {{ name }} }} }}"
        result = await fast.execute(text, context_value={})
        assert not result.errors
    assert len(executor.shared) == 2
    assert len(executor.shared._by_set) == 2
