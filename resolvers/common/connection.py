"""Connection fields: the Relay arguments declared once.

A connection resolver names one parameter `page: PageArgs` where the GraphQL arguments
`first, after, last, before` belong and is decorated with `@paged` (or
`@paged(backwards=False)` for a list read forwards only: `first, after`). The field's
GraphQL signature is the same as if the four arguments were written out; the resolver
receives them as one `PageArgs` and reads as what it lists:

    @strawberry.field(description="Clinical networks of the SHAs in scope.")
    @paged
    async def networks(self, info: Info, page: PageArgs, filter: ... = None) -> Connection[Network]:
        return await paginate(info.context.db, network_query(...), ordering, page, Network.from_row)

Strawberry reads a resolver's arguments from `inspect.signature`, which honours
`__signature__`: the wrapper publishes the rewritten signature and builds the
`PageArgs` from the keyword arguments it is called with.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

from resolvers.common.pagination import After, Before, First, Last, PageArgs

R = TypeVar("R")
Resolver = Callable[..., Awaitable[R]]

PAGE_PARAMETER = "page"
_FORWARD = (("first", First), ("after", After))
_BACKWARD = (("last", Last), ("before", Before))


@overload
def paged(resolver: Resolver[R], *, backwards: bool = True) -> Resolver[R]: ...


@overload
def paged(
    resolver: None = None, *, backwards: bool = True
) -> Callable[[Resolver[R]], Resolver[R]]: ...


def paged(
    resolver: Resolver[R] | None = None, *, backwards: bool = True
) -> Resolver[R] | Callable[[Resolver[R]], Resolver[R]]:
    """Give `resolver`'s `page: PageArgs` parameter to GraphQL as the Relay arguments
    (`first, after` and, unless `backwards=False`, `last, before`), in its place."""
    if resolver is None:
        return lambda found: _with_page_arguments(found, backwards)
    return _with_page_arguments(resolver, backwards)


def _with_page_arguments(resolver: Resolver[R], backwards: bool) -> Resolver[R]:
    signature = inspect.signature(resolver)
    parameters = list(signature.parameters.values())
    names = [p.name for p in parameters]
    if PAGE_PARAMETER not in names:
        raise TypeError(f"{resolver.__qualname__}: @paged needs a `page: PageArgs` parameter")
    at = names.index(PAGE_PARAMETER)
    relay = _FORWARD + _BACKWARD if backwards else _FORWARD
    arguments = [
        inspect.Parameter(
            name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=annotation
        )
        for name, annotation in relay
    ]
    published = signature.replace(parameters=[*parameters[:at], *arguments, *parameters[at + 1 :]])
    relay_names = tuple(name for name, _ in relay)

    @functools.wraps(resolver)
    async def with_page(*args: Any, **kwargs: Any) -> R:
        values = [kwargs.pop(name, None) for name in relay_names]
        return await resolver(*args, page=PageArgs(*values), **kwargs)

    with_page.__signature__ = published  # type: ignore[attr-defined]
    with_page.__annotations__ = {
        **{
            p.name: p.annotation
            for p in published.parameters.values()
            if p.annotation is not inspect.Parameter.empty
        },
        "return": signature.return_annotation,
    }
    return with_page
