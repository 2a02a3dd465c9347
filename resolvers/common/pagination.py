"""Relay cursor connections with keyset pagination.

Cursors encode the sort key of a row (plus `sha_code, id` as the tie-breaker),
so the next page is a range scan on an index, never an OFFSET. `totalCount` is a
separate COUNT that runs only when the client selects it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import json
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

import orjson
import strawberry
from sqlalchemy import Integer, Select, bindparam, func, literal_column, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from resolvers.common.errors import BadUserInput
from resolvers.common.rows import Columns
from tenants.prepared import Prepared, prepared
from tenants.transaction import TenantDB

T = TypeVar("T")
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50

# The Relay arguments, described once for every connection field.
First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page size from the start (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."
    ),
]
After = Annotated[str | None, strawberry.argument(description="Return items after this cursor.")]
Last = Annotated[
    int | None,
    strawberry.argument(description=f"Page size from the end (at most {MAX_PAGE_SIZE})."),
]
Before = Annotated[str | None, strawberry.argument(description="Return items before this cursor.")]

# Any list's `filter:` argument: `filter: Filtered[MemberFilter | None] = None`.
Filtered = Annotated[T, strawberry.argument(description="Conditions to match; all must hold.")]

# A short nested list that is not a connection (e.g. a member's first networks).
MAX_WINDOW = 100


def check_window(first: int) -> int:
    """A nested list's `first:`, checked against MAX_WINDOW."""
    if first < 0 or first > MAX_WINDOW:
        raise BadUserInput(f"first must be between 0 and {MAX_WINDOW}", argument="first")
    return first


WindowFirst = Annotated[
    int,
    strawberry.argument(description=f"How many of the first items to return (0 to {MAX_WINDOW})."),
]


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="More items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item.")


@strawberry.type(description="A node with the cursor that points at it.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The item at this position.")
    _row: strawberry.Private[Any]
    _key_of: strawberry.Private[Callable[[Any], Sequence[Any]]]  # the row's sort key

    @strawberry.field(description="Opaque position of this node, for `after` and `before`.")
    def cursor(self) -> str:
        # Read and encoded only when selected: a page asked for `nodes` pays nothing
        # for cursors.
        return encode_cursor(self._key_of(self._row))


class Page(Generic[T]):
    """One page: its nodes, its rows (for the cursors) and where it sits. The edges are
    built when `edges` is selected: a page asked for `nodes` builds none."""

    __slots__ = ("_edges", "info", "key_of", "nodes", "rows")

    def __init__(
        self,
        nodes: list[T],
        rows: list[Any],
        key_of: Callable[[Any], Sequence[Any]],
        info: PageInfo,
    ) -> None:
        self.nodes = nodes
        self.rows = rows
        self.key_of = key_of
        self.info = info
        self._edges: list[Edge[T]] | None = None

    def edges(self) -> list[Edge[T]]:
        if self._edges is None:
            key_of = self.key_of
            self._edges = [
                Edge(node=node, _row=row, _key_of=key_of)
                for node, row in zip(self.nodes, self.rows, strict=True)
            ]
        return self._edges


def once(fetch: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
    """Run `fetch` at most once, however many fields (even concurrently) await it."""
    task: asyncio.Future[Any] | None = None

    async def run() -> Any:
        nonlocal task
        if task is None:
            task = asyncio.ensure_future(fetch())
        return await task

    return run


@strawberry.type(description="A page of a list, with cursors to fetch the pages around it.")
class Connection(Generic[T]):
    """The page and the count are fetched only when selected: a dashboard asking for
    `totalCount` alone runs the COUNT and no page query."""

    _page: strawberry.Private[Callable[[], Awaitable[Page[T]]]]
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The nodes of this page, with their cursors.")
    async def edges(self) -> list[Edge[T]]:
        return (await self._page()).edges()

    @strawberry.field(description="Where this page sits in the whole list.")
    async def page_info(self) -> PageInfo:
        return (await self._page()).info

    @strawberry.field(description="Number of items in the whole list (one COUNT query).")
    async def total_count(self) -> int:
        return await self._count()

    @strawberry.field(description="The nodes of this page, without cursors.")
    async def nodes(self) -> list[T]:
        return (await self._page()).nodes


@strawberry.enum(description="Sort direction.")
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


Direction = Annotated[
    SortDirection,
    strawberry.argument(
        description="Sort direction (default ASC); the field's description says what the list is sorted by."
    ),
]


@dataclass(frozen=True)
class PageArgs:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def size(self) -> tuple[int, bool]:
        """(page size, backwards?) after checking the arguments."""
        if self.first is not None and self.last is not None:
            raise BadUserInput("pass `first` or `last`, not both", argument="first")
        backwards = self.last is not None or (self.before is not None and self.first is None)
        size = self.last if backwards and self.last is not None else self.first
        size = DEFAULT_PAGE_SIZE if size is None else size
        if size < 0 or size > MAX_PAGE_SIZE:
            raise BadUserInput(
                f"page size must be between 0 and {MAX_PAGE_SIZE}",
                argument="last" if backwards else "first",
                limit=MAX_PAGE_SIZE,
            )
        return size, backwards


def encode_cursor(values: Sequence[Any]) -> str:
    """orjson writes dates, datetimes and UUIDs as ISO strings, as `decode_cursor` reads them."""
    raw = orjson.dumps(list(values), default=str)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, columns: Sequence[ColumnElement[Any]]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError
        return [_from_json(v, c) for v, c in zip(values, columns, strict=True)]
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise BadUserInput(f"{cursor!r} is not a valid cursor", argument="after") from None


def _from_json(value: Any, column: ColumnElement[Any]) -> Any:
    if value is None:
        return None
    python_type = column.type.python_type
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    if not isinstance(value, python_type):
        raise TypeError
    return value


@dataclass(frozen=True, slots=True)
class FromRows(Generic[T]):
    """Builds a page's nodes from all its rows at once (e.g. `Member.from_rows`, which
    checks the rows' metadata once, not once a row)."""

    build: Callable[[Sequence[Any]], list[T]]


@dataclass(frozen=True)
class Ordering:
    """Columns of a sort, all in one direction; the last ones must make it unique."""

    columns: tuple[ColumnElement[Any], ...]
    descending: bool = False


@dataclass(frozen=True, slots=True)
class ShapedQuery:
    """A list's statement built once per shape and bound per request.

    `key` names the shape (which filters are given, how many values each, which
    columns are read), `build` makes the statement for that shape with a `bindparam`
    for every value, and `params` binds this request's values. `paginate` keeps the
    page and count statements of each shape on the prepared path
    (tenants/prepared.py): a request builds no SQLAlchemy statement, computes no cache
    key and renders no `IN` list (what that saves: docs/benchmarks.md). The
    parameter names of `params` must not start with `page_` (paginate's own)."""

    key: Hashable
    build: Callable[[], Select[Any]]
    params: Mapping[str, Any]


class _StatementsByShape:
    """Prepared statements by shape, the least recently used dropped past `size`: the
    shapes a client could ask for are many in principle (filters times columns), the
    ones asked for a handful."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Prepared] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], Any]) -> Prepared:
        items = self._items
        found = items.get(key)
        if found is not None:
            items.move_to_end(key)
            return found
        found = items[key] = prepared(build())
        if len(items) > self.size:
            items.popitem(last=False)
        return found


_SHAPED = _StatementsByShape(512)
_AFTER = "page_after_"  # + the position of the sort column


def _limit(rows: int) -> ColumnElement[Any]:
    """A page's LIMIT written into the statement, not bound: the service plans its
    statements generically (`force_generic_plan`), and a generic plan of `LIMIT $n`
    assumes a tenth of the rows, so at 200,000 members a SHA PostgreSQL read and
    sorted a whole profession instead of walking the index in order and stopping
    (docs/benchmarks.md, issue 27, growth). Page sizes are few and bounded, so the
    statements per shape stay few."""
    return literal_column(str(int(rows)), Integer)


def _shaped_page(
    query: ShapedQuery,
    ordering: Ordering,
    descending: bool,
    from_cursor: bool,
    extend_page: Callable[[Select[Any]], Select[Any]] | None,
    rows: int,
) -> Prepared:
    """The page statement of `query`'s shape in this order, after a cursor or not, for
    pages of `rows` rows."""
    cols = ordering.columns

    def build() -> Select[Any]:
        after = [bindparam(f"{_AFTER}{i}", type_=c.type) for i, c in enumerate(cols)]
        statement = _page_query(
            query.build(), ordering, descending, after if from_cursor else None, extend_page
        )
        return statement.limit(_limit(rows))

    # the sort columns are the tables' own objects: compared by identity
    key = ("page", query.key, cols, descending, from_cursor, extend_page, rows)
    return _SHAPED.get(key, build)


def _shaped_count(query: ShapedQuery) -> Prepared:
    return _SHAPED.get(
        ("count", query.key), lambda: select(func.count()).select_from(query.build().subquery())
    )


async def paginate(
    db: TenantDB,
    query: Select[Any] | ShapedQuery,
    ordering: Ordering,
    args: PageArgs,
    to_node: Callable[[Any], T] | FromRows[T],
    after_page: Callable[[Sequence[T]], Awaitable[None]] | None = None,
    extend_page: Callable[[Select[Any]], Select[Any]] | None = None,
) -> Connection[T]:
    """One statement for the page (fetching one extra row to know if there is more),
    run when `edges`, `nodes` or `pageInfo` is selected; arguments are checked now.
    `after_page` loads the page's selected relations (`lookahead.page_prefetcher`);
    `extend_page` joins columns into the page statement only (not the count). A
    `ShapedQuery` runs prepared statements kept per shape; a `Select` is built on."""
    size, backwards = args.size()
    cols = ordering.columns
    descending = ordering.descending != backwards
    cursor = args.before if backwards else args.after
    values = decode_cursor(cursor, cols) if cursor else None
    if isinstance(query, ShapedQuery):
        page_statement: Select[Any] | Prepared = _shaped_page(
            query, ordering, descending, values is not None, extend_page, size + 1
        )
        bound = dict(query.params)
        if values is not None:
            bound.update((f"{_AFTER}{i}", v) for i, v in enumerate(values))
        page_params: dict[str, Any] | None = bound
    else:
        after = (
            None if values is None else [_literal(v, c) for v, c in zip(values, cols, strict=True)]
        )
        page_statement = _page_query(query, ordering, descending, after, extend_page).limit(
            _limit(size + 1)
        )
        page_params = None

    async def page() -> Page[T]:
        rows = list(await db.rows(page_statement, page_params))
        has_more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        key_of = _sort_key([c.name for c in cols], rows)

        if isinstance(to_node, FromRows):
            nodes = to_node.build(rows)
        else:
            nodes = [to_node(row) for row in rows]
        if after_page is not None:
            await after_page(nodes)
        info = PageInfo(
            has_next_page=has_more if not backwards else args.before is not None,
            has_previous_page=has_more if backwards else args.after is not None,
            start_cursor=encode_cursor(key_of(rows[0])) if rows else None,
            end_cursor=encode_cursor(key_of(rows[-1])) if rows else None,
        )
        return Page(nodes, rows, key_of, info)

    async def count() -> int:
        if isinstance(query, ShapedQuery):
            total = await db.scalar(_shaped_count(query), query.params)
        else:
            total = await db.scalar(
                select(func.count()).select_from(query.order_by(None).subquery())
            )
        return int(total or 0)

    return Connection(_page=once(page), _count=once(count))


def _page_query(
    query: Select[Any],
    ordering: Ordering,
    descending: bool,
    after: list[Any] | None,
    extend_page: Callable[[Select[Any]], Select[Any]] | None,
) -> Select[Any]:
    """`query` extended, after `after` (one expression per sort column: the cursor's
    values as literals, or a shape's parameters) and sorted; the limit is the caller's."""
    cols = ordering.columns
    page_query = query if extend_page is None else extend_page(query)
    if after is not None:
        key, bound = tuple_(*cols), tuple_(*after)
        page_query = page_query.where(key < bound if descending else key > bound)
    return page_query.order_by(*[c.desc() if descending else c.asc() for c in cols])


def _sort_key(names: list[str], rows: Sequence[Any]) -> Callable[[Any], Sequence[Any]]:
    """The sort key (for its cursor) of a row of `rows`, one statement's result
    (resolvers/common/rows.py); a tuple even for an ordering of one column."""
    key = Columns(*names).reader(rows)
    if len(names) > 1:
        return key
    return lambda row: (key(row),)


def _literal(value: Any, column: ColumnElement[Any]) -> Any:
    from sqlalchemy import literal

    return literal(value, column.type)
