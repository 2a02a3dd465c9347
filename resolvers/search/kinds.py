"""One SELECT per kind of thing searched, all of the same shape:
(kind, type_name, sha_code, id, title, body, rank).

Each carries the explicit SHA predicate of the caller's reach (partition pruning; RLS
is the safety net) and, for content published nationally, the rule that widens it:
national forums (their threads and posts), national events, training programmes, case studies and consultations of other SHAs.
Members are found by name (as typed), job title, profession, interests, biography and
their organisation's name; hidden posts, erased and inactive members never are."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import (
    Float,
    String,
    Uuid,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    union,
)

from resolvers.common.context import Context


@strawberry.enum(description="What a search looks through.")
class SearchKind(Enum):
    MEMBER = "MEMBER"
    ORGANISATION = "ORGANISATION"
    NETWORK = "NETWORK"
    FORUM = "FORUM"
    FORUM_THREAD = "FORUM_THREAD"
    FORUM_POST = "FORUM_POST"
    EVENT = "EVENT"
    TRAINING_PROGRAMME = "TRAINING_PROGRAMME"
    CASE_STUDY = "CASE_STUDY"
    CONSULTATION = "CONSULTATION"


# partners see a kind only with the scope of its area
PARTNER_SCOPES: dict[SearchKind, str] = {
    SearchKind.MEMBER: "directory:read",
    SearchKind.ORGANISATION: "directory:read",
    SearchKind.EVENT: "events:read",
    SearchKind.TRAINING_PROGRAMME: "development:read",
    SearchKind.CASE_STUDY: "knowledge:read",
}


def _vector(table: Any) -> Any:
    return literal_column(f"{table.name}.search")


def _matches(ctx: Context, table: Any, q: Any) -> Any:
    """The keys of `table`'s rows matching `q`, through its GIN index: `search_matches`
    (migration 1451) matches as the owner within the caller's readable SHAs, because
    under RLS the non-leakproof `@@` cannot be an index condition.

    On Citus the keys are matched under RLS instead: Citus sends a one-SHA statement
    whole to the SHA's worker, function call included, and the function cannot query
    the distributed table from there ("cannot execute a distributed query from a query
    on a shard"). That costs the sequential scan of the SHA's rows that 1451 removed on
    PostgreSQL (docs/scale-out.md)."""
    alias = f"{table.name}_matches"
    if ctx.db.mode == "citus":
        return (
            select(table.c.sha_code, table.c.id).where(_vector(table).op("@@")(q)).subquery(alias)
        )
    found = func.search_matches(literal(table.name, String), q).table_valued(
        column("sha_code", String), column("id", Uuid)
    )
    return found.alias(alias)


def _matching(ctx: Context, query: Any, table: Any, q: Any) -> Any:
    """`query` over `table`, joined to the keys of its matching rows."""
    found = _matches(ctx, table, q)
    return query.join(found, (found.c.sha_code == table.c.sha_code) & (found.c.id == table.c.id))


def _hit(kind: SearchKind, type_name: str, table: Any, title: Any, body: Any, q: Any) -> Any:
    return select(
        literal(kind.value, String).label("kind"),
        literal(type_name, String).label("type_name"),
        table.c.sha_code.label("sha_code"),
        table.c.id.label("id"),
        cast(title, String).label("title"),
        cast(body, String).label("body"),
        cast(func.ts_rank(_vector(table), q), Float).label("rank"),
    )


def members(ctx: Context, shas: list[str], q: Any, forum: Any) -> Any:
    """Her own words, or her organisation's name: the keys found both ways (each
    through a GIN index), deduplicated by UNION before the wide columns are read."""
    from resolvers.directory.tables import members as m
    from resolvers.directory.tables import organisations as o

    body = func.concat_ws(
        " · ",
        m.c.job_title,
        m.c.profession,
        func.array_to_string(m.c.interests, ", "),
        m.c.biography,
    )
    name = m.c.given_name + " " + m.c.family_name
    by_words = _matches(ctx, m, q)
    at_organisation = _matches(ctx, o, q)
    by_organisation = (
        select(m.c.sha_code, m.c.id)
        .join(o, (o.c.sha_code == m.c.sha_code) & (o.c.id == m.c.organisation_id))
        .join(
            at_organisation,
            (at_organisation.c.sha_code == o.c.sha_code) & (at_organisation.c.id == o.c.id),
        )
        .where(m.c.sha_code.in_(shas), o.c.sha_code.in_(shas))
    )
    keys = union(select(by_words.c.sha_code, by_words.c.id), by_organisation).subquery(
        "member_keys"
    )
    return (
        _hit(SearchKind.MEMBER, "Member", m, name, body, q)
        .join(keys, (keys.c.sha_code == m.c.sha_code) & (keys.c.id == m.c.id))
        .where(m.c.sha_code.in_(shas), m.c.status == "ACTIVE", m.c.erased_at.is_(None))
    )


def organisations(ctx: Context, shas: list[str], q: Any, forum: Any) -> Any:
    from resolvers.directory.tables import organisations as o

    hit = _hit(SearchKind.ORGANISATION, "Organisation", o, o.c.name, o.c.code, q)
    return _matching(ctx, hit, o, q).where(o.c.sha_code.in_(shas))


def networks(ctx: Context, shas: list[str], q: Any, forum: Any) -> Any:
    from resolvers.networks.tables import networks as n

    body = func.concat_ws(" · ", n.c.clinical_area, n.c.description)
    return _hit(SearchKind.NETWORK, "Network", n, n.c.name, body, q).where(
        n.c.sha_code.in_(shas), _vector(n).op("@@")(q)
    )


def forums(ctx: Context, shas: list[str], q: Any, forum: Any) -> Any:
    from resolvers.forums.tables import forums as f

    body = func.concat_ws(" · ", f.c.topic, f.c.description)
    query = _hit(SearchKind.FORUM, "Forum", f, f.c.title, body, q).where(
        or_(f.c.sha_code.in_(shas), f.c.is_national.is_(True)), _vector(f).op("@@")(q)
    )
    return query if forum is None else query.where(f.c.sha_code == forum[0], f.c.id == forum[1])


def forum_threads(ctx: Context, shas: list[str], q: Any, forum: Any) -> Any:
    """Threads of the caller's SHAs, and of national forums wherever they were started."""
    from resolvers.forums.tables import forum_threads as t

    hit = _hit(SearchKind.FORUM_THREAD, "ForumThread", t, t.c.title, t.c.title, q)
    query = _matching(ctx, hit, t, q).where(
        or_(t.c.sha_code.in_(shas), t.c.forum_is_national.is_(True))
    )
    if forum is not None:
        query = query.where(t.c.forum_sha_code == forum[0], t.c.forum_id == forum[1])
    return query


def forum_posts(ctx: Context, shas: list[str], q: Any, forum: Any) -> Any:
    """Posts of the caller's SHAs, and of national forums wherever they were written.
    The matching posts are read first (a materialized CTE), then joined to their
    threads for the title: a national forum's thread may be in another SHA than the
    post, and Citus joins other regions' rows only to such a small result."""
    from resolvers.forums.tables import forum_posts as p
    from resolvers.forums.tables import forum_threads as t

    found = select(
        p.c.sha_code,
        p.c.id,
        p.c.thread_sha_code,
        p.c.thread_id,
        p.c.body_markdown,
        cast(func.ts_rank(_vector(p), q), Float).label("rank"),
    )
    found = _matching(ctx, found, p, q).where(
        or_(p.c.sha_code.in_(shas), p.c.forum_is_national.is_(True)), p.c.hidden.is_(False)
    )
    if forum is not None:
        found = found.where(p.c.forum_sha_code == forum[0], p.c.forum_id == forum[1])
    hits = found.cte("forum_post_hits").prefix_with("MATERIALIZED")
    return select(
        literal(SearchKind.FORUM_POST.value, String).label("kind"),
        literal("ForumPost", String).label("type_name"),
        hits.c.sha_code.label("sha_code"),
        hits.c.id.label("id"),
        cast(t.c.title, String).label("title"),
        cast(hits.c.body_markdown, String).label("body"),
        hits.c.rank.label("rank"),
    ).select_from(
        hits.join(t, (t.c.sha_code == hits.c.thread_sha_code) & (t.c.id == hits.c.thread_id))
    )


def events(ctx: Context, shas: list[str], q: Any, forum: Any) -> Any:
    from resolvers.events.tables import events as e

    return _hit(SearchKind.EVENT, "Event", e, e.c.title, func.coalesce(e.c.venue, ""), q).where(
        or_(e.c.sha_code.in_(shas), e.c.is_national.is_(True)), _vector(e).op("@@")(q)
    )


def training_programmes(ctx: Context, shas: list[str], q: Any, forum: Any) -> Any:
    from resolvers.development.tables import training_programmes as t

    body = func.array_to_string(t.c.funding_sources, ", ")
    return _hit(SearchKind.TRAINING_PROGRAMME, "TrainingProgramme", t, t.c.title, body, q).where(
        or_(t.c.sha_code.in_(shas), t.c.published_nationally.is_(True)), _vector(t).op("@@")(q)
    )


def case_studies(ctx: Context, shas: list[str], q: Any, forum: Any) -> Any:
    from resolvers.knowledge.tables import case_studies as c
    from resolvers.knowledge.visibility import visible

    body = func.concat_ws(" · ", c.c.topic, c.c.summary, c.c.outcomes)
    return _hit(SearchKind.CASE_STUDY, "CaseStudy", c, c.c.title, body, q).where(
        visible(ctx, shas), c.c.search.op("@@")(q)
    )


def consultations(ctx: Context, shas: list[str], q: Any, forum: Any) -> Any:
    from resolvers.policy.loaders import consultation_visible
    from resolvers.policy.tables import consultations as c

    return _hit(SearchKind.CONSULTATION, "Consultation", c, c.c.title, c.c.description, q).where(
        consultation_visible(shas), _vector(c).op("@@")(q)
    )


BUILDERS: dict[SearchKind, Callable[[Context, list[str], Any, Any], Any]] = {
    SearchKind.MEMBER: members,
    SearchKind.ORGANISATION: organisations,
    SearchKind.NETWORK: networks,
    SearchKind.FORUM: forums,
    SearchKind.FORUM_THREAD: forum_threads,
    SearchKind.FORUM_POST: forum_posts,
    SearchKind.EVENT: events,
    SearchKind.TRAINING_PROGRAMME: training_programmes,
    SearchKind.CASE_STUDY: case_studies,
    SearchKind.CONSULTATION: consultations,
}
FORUM_KINDS = frozenset({SearchKind.FORUM, SearchKind.FORUM_THREAD, SearchKind.FORUM_POST})
