"""`search`: every kind asked for in one ranked UNION ALL, paged by (rank, key).

The page statement ranks with `ts_rank` over the weighted vectors (names and titles
weigh A, job titles and topics B, descriptions C, biographies D) and highlights the
page's rows with `ts_headline`, which PostgreSQL evaluates after the LIMIT (it is an
expensive target expression). Snippets are HTML: the text is escaped first, and the
matches are wrapped in `<mark>`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, func, literal, select, union_all

from resolvers.common.context import Context
from resolvers.common.errors import BadUserInput, Forbidden
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.pagination import Connection, Ordering, PageArgs, paginate
from resolvers.directory.queries import narrow_shas
from resolvers.forums.tables import forums
from resolvers.search.kinds import BUILDERS, FORUM_KINDS, PARTNER_SCOPES, SearchKind
from resolvers.search.text import ENGLISH, parse
from resolvers.search.types import SearchHit

HEADLINE = "MaxFragments=2, MaxWords=18, MinWords=6, StartSel=<mark>, StopSel=</mark>"


def _escaped(value: Any) -> Any:
    amp = func.replace(value, "&", "&amp;")
    return func.replace(func.replace(amp, "<", "&lt;"), ">", "&gt;")


def allowed_kinds(ctx: Context, kinds: list[SearchKind] | None) -> list[SearchKind]:
    wanted = list(dict.fromkeys(kinds)) if kinds else list(SearchKind)
    p = ctx.principal
    if p is not None and p.kind == "partner":
        wanted = [k for k in wanted if PARTNER_SCOPES.get(k) in p.scopes]
        if not wanted:
            raise Forbidden("your token's scopes reach none of these kinds")
    return wanted


def forum_key(ctx: Context, forum: str | None) -> tuple[str, Any] | None:
    if forum is None:
        return None
    try:
        gid: GlobalId = decode_id(forum, "Forum")
        key = gid.uuid
    except Exception:
        raise BadUserInput("forum is not a Forum id", argument="forum") from None
    return (gid.sha_code, key)


async def _check_forum(ctx: Context, within: tuple[str, Any] | None, forum: str | None) -> None:
    """A forum of another SHA is searched only when it is national (RLS widens reads to
    it): one statement, asked only then."""
    if within is None or within[0] in ctx.scope.read:
        return
    f = forums
    national = None
    if ctx.scope.read:
        national = await ctx.db.scalar(
            select(f.c.id).where(f.c.sha_code == within[0], f.c.id == within[1], f.c.is_national)
        )
    if national is None:
        raise BadUserInput(f"Forum {forum} was not found", argument="forum")


async def search(
    ctx: Context,
    text: str,
    kinds: list[SearchKind] | None,
    args: PageArgs,
    *,
    forum: str | None = None,
    shas: list[str] | None = None,
    as_you_type: bool = True,
) -> Connection[SearchHit]:
    parsed = parse(text, as_you_type=as_you_type)
    within = forum_key(ctx, forum)
    await _check_forum(ctx, within, forum)
    chosen = allowed_kinds(ctx, kinds)
    if within is not None:
        chosen = [k for k in chosen if k in FORUM_KINDS] or [SearchKind.FORUM_POST]
    read = narrow_shas(ctx, shas)
    q = parsed.tsquery()
    parts = [BUILDERS[kind](ctx, read, q, within) for kind in chosen]
    combined: Any = parts[0] if len(parts) == 1 else union_all(*parts)
    hits = combined.subquery("hits")
    key = func.concat_ws(":", hits.c.kind, hits.c.sha_code, hits.c.id.cast(String)).label("key")
    keyed = select(hits, key).subquery("keyed")
    snippet = func.ts_headline(ENGLISH, _escaped(keyed.c.body), q, literal(HEADLINE, String))
    query = select(keyed, snippet.label("snippet"))
    return await paginate(
        ctx.db,
        query,
        Ordering((keyed.c.rank, keyed.c.key), descending=True),
        args,
        SearchHit.from_row,
    )


__all__ = ["search"]
