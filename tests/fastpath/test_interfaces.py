"""A resolver of one interface (`node`) is completed by the short path when its value
is of exactly one implementation's class, not cast (schema/fastpath/fast_fields.py,
`_runtime_shapes`): the same data and the same located errors as graphql-core, which
asks strawberry's `resolve_type`; anything else still goes graphql-core's way."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from strawberry.types import Info

from schema.fastpath.executor import FastFieldExecutor
from schema.fastpath.fast_fields import DirectResolver, fast_fields


@strawberry.interface
class Pet:
    name: str


@strawberry.type
class Cat(Pet):
    lives: int

    @strawberry.field
    def owner(self, info: Info) -> str:
        return f"{info.context['owner']} of {self.name}"


@strawberry.type
class Dog(Pet):
    good: bool | None


class Puppy(Dog):
    """A subclass strawberry answers by Dog's definition: not in the short path's map."""


@strawberry.type
class Robot:  # implements nothing: graphql-core's error
    name: str


@strawberry.interface
class Chosen:
    name: str

    @classmethod
    def resolve_type(cls, obj: Any, *_args: Any) -> str:
        return "Pick"  # the interface decides itself: no short path for it


@strawberry.type
class Pick(Chosen):
    pass


def _pet(kind: str) -> Any:
    return {
        "cat": Cat(name="Tom", lives=9),
        "dog": Dog(name="Rex", good=None),
        "puppy": Puppy(name="Bit", good=True),
        "cast": strawberry.cast(Dog, Cat(name="Odd", lives=1)),
        "none": None,
        "robot": Robot(name="R2"),
        "nine": Cat(name="Big", lives=2**40),  # beyond 32 bits: a located error
    }[kind]


@strawberry.type
class PetQuery:
    @strawberry.field
    async def pet(self, kind: str) -> Pet | None:
        return _pet(kind)  # type: ignore[no-any-return]

    @strawberry.field
    async def required_pet(self, kind: str) -> Pet:
        return _pet(kind)  # type: ignore[no-any-return]

    @strawberry.field
    def chosen(self) -> Chosen:
        return Pick(name="p")


class CountingExecutor(FastFieldExecutor):
    abstract = 0  # values graphql-core completed as an interface's

    def complete_abstract_value(self, *args: Any, **kwargs: Any) -> Any:
        type(self).abstract += 1  # the subclass `for_schema` made
        return super().complete_abstract_value(*args, **kwargs)


def _answer(result: Any) -> tuple[Any, list[tuple[str, Any]]]:
    return result.data, sorted((e.message, e.path) for e in result.errors or [])


def test_the_map_holds_only_what_resolve_type_answers_by_class() -> None:
    schema = strawberry.Schema(query=PetQuery, types=[Cat, Dog, Pick])
    fields = fast_fields(schema._schema)["PetQuery"]
    pet, chosen = fields["pet"], fields["chosen"]
    assert isinstance(pet, DirectResolver) and pet.by_class is not None
    assert set(pet.by_class) == {Cat, Dog}  # not Puppy: a subclass goes the long way
    assert isinstance(chosen, DirectResolver) and chosen.by_class is None


@pytest.mark.parametrize("kind", ["cat", "dog", "puppy", "cast", "none", "robot", "nine"])
async def test_same_answers_as_graphql_core(kind: str) -> None:
    reference = strawberry.Schema(query=PetQuery, types=[Cat, Dog, Pick])
    fast = strawberry.Schema(query=PetQuery, types=[Cat, Dog, Pick])
    counting: Any = CountingExecutor.for_schema(fast._schema)  # its own `abstract`
    fast.execution_context_class = counting
    context = {"owner": "Ann"}
    for field in ("pet", "requiredPet"):
        query = (
            f'{{ {field}(kind: "{kind}") {{ __typename name ... on Cat {{ lives owner }}'
            " ... on Dog { good } } chosen { __typename name } }"
        )
        expected = await reference.execute(query, context_value=context)
        got = await fast.execute(query, context_value=context)
        assert _answer(got) == _answer(expected), query
    short = kind in {"cat", "dog", "nine"}  # exactly Cat or Dog, not cast
    # `chosen` (an interface resolving its own types) goes graphql-core's way each time;
    # a null never reaches completion
    long_way = 0 if short or kind == "none" else 2
    assert counting.abstract == 2 + long_way, kind
