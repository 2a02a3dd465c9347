"""Look-ahead: what a query selects below a list field, so the list's resolver can
load the page's relations with the page.

Per-item relation resolvers that await a DataLoader cost an asyncio task and a
future per item (graphql-core gathers every awaitable field of every object). When
the list resolver loads the relations its page will ask for first (one batch each,
as the DataLoader would), the per-item resolvers find the values already in the
request's loader cache and return them without awaiting (`RequestLoader.now`).
Nothing changes for a field that is not prefetched: it loads as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from resolvers.common.context import Context, Info

# (request context, the page's objects, every selection of the field on them)
Prefetcher = Callable[[Context, Sequence[Any], list[SelectedField]], Awaitable[None]]
_PREFETCHERS: dict[type, dict[str, Prefetcher]] = {}


def register_prefetch(owner: type, field_name: str, prefetcher: Prefetcher) -> None:
    """`prefetcher` loads `owner.<field_name>` (GraphQL name) for a whole page."""
    _PREFETCHERS.setdefault(owner, {})[field_name] = prefetcher


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    """Selected fields with fragments flattened (type conditions are the caller's)."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def selected_at(info: Info, *paths: tuple[str, ...]) -> list[SelectedField]:
    """The fields selected at any of `paths` below the current field, e.g.
    `("edges", "node")` and `("nodes",)` under a connection."""
    found: list[SelectedField] = []
    for path in paths:
        # info.selected_fields is the current field itself: start below it
        level = [f for current in info.selected_fields for f in _fields(current.selections)]
        for name in path:
            level = [
                f for parent in level if parent.name == name for f in _fields(parent.selections)
            ]
        found.extend(level)
    return found


def page_prefetcher(
    ctx: Context, owner: type, selected: list[SelectedField]
) -> Callable[[Sequence[Any]], Awaitable[None]] | None:
    """What to run on a page of `owner` objects once it is fetched, given the fields
    selected on them (`selected_at`), or None when none of them has a prefetcher."""
    registered = _PREFETCHERS.get(owner)
    if not registered:
        return None
    by_name: dict[str, list[SelectedField]] = {}
    for field in selected:
        if field.name in registered:
            by_name.setdefault(field.name, []).append(field)
    if not by_name:
        return None

    async def prefetch(page: Sequence[Any]) -> None:
        if not page:
            return
        for name, fields in by_name.items():
            await registered[name](ctx, page, fields)

    return prefetch
