"""The viewer: who calls, the regions it reaches, and (for a member) her home page.

Every list of the home page is a Relay connection of one statement per page, its
items' relations loaded by the domains' DataLoaders (one statement per relation
per page, whatever the page size)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import Select, and_, or_, select, union

from resolvers.common.connection import paged
from resolvers.common.context import Info
from resolvers.common.pagination import Connection, Ordering, PageArgs, paginate
from resolvers.development.tables import self_assessments
from resolvers.development.types import SelfAssessment
from resolvers.directory.loaders import MemberByIdLoader
from resolvers.escalator.tables import engagement_plans
from resolvers.escalator.types import EngagementPlan
from resolvers.events.tables import event_registrations
from resolvers.events.types import EventRegistration
from resolvers.forums.tables import forum_moderators, forum_posts, forum_threads, forums
from resolvers.forums.types import Forum, ForumThread
from resolvers.gdpr.tables import data_exports
from resolvers.gdpr.types import DataExport
from resolvers.knowledge.tables import CASE_STUDY_COLUMNS, case_studies
from resolvers.knowledge.types import CaseStudy
from resolvers.learning_sets.tables import learning_sets, set_members
from resolvers.learning_sets.types import LearningSet
from resolvers.networks.enums import NetworkRole
from resolvers.networks.tables import network_members, networks
from resolvers.networks.types import Network, NetworkMembership
from resolvers.notifications import feed
from resolvers.notifications.tables import notifications
from resolvers.notifications.types import Notification
from resolvers.policy.tables import responses
from resolvers.policy.types import ConsultationResponse
from resolvers.selfservice.schema import TABLES
from resolvers.selfservice.tables import forum_thread_follows
from resolvers.selfservice.types import MembershipRequest, RequestKind
from resolvers.viewer.me import Me, me

if TYPE_CHECKING:
    from resolvers.directory.types import Member


@strawberry.type(description="A learning set the member belongs to, with her role in it.")
class MyLearningSet:
    role: str = strawberry.field(description="PARTICIPANT or FACILITATOR.")
    joined_on: dt.date = strawberry.field(description="When she joined the set.")
    learning_set: Annotated[LearningSet, strawberry.lazy("resolvers.learning_sets.types")] = (
        strawberry.field(description="The set.")
    )


def _lazy(module: str, name: str) -> Any:
    return Annotated[name, strawberry.lazy(module)]


def _list(module: str, name: str) -> Any:
    return list[_lazy(module, name)]  # type: ignore[misc]


def _optional(module: str, name: str) -> Any:
    return _lazy(module, name) | None


def _connection(module: str, name: str) -> Any:
    """`Connection[<lazy type>] | None`, for a field's `graphql_type`."""
    generic: Any = Connection
    return generic[_lazy(module, name)] | None


@dataclass(frozen=True)
class MyList:
    """One of my home-page lists: its statement, its order and how a row becomes an item."""

    query: Select[Any]
    ordering: Ordering
    from_row: Callable[[Any], Any]


async def _my_page(info: Info, page: PageArgs, mine: Callable[[Me], MyList]) -> Any:
    """Null without a member record, else a Relay page of the list `mine` builds for me."""
    found = me(info.context)
    if found is None:
        return None
    listed = mine(found)
    return await paginate(info.context.db, listed.query, listed.ordering, page, listed.from_row)


def _newest_first(table: Any, column: str) -> Ordering:
    return Ordering((table.c[column], table.c.sha_code, table.c.id), descending=True)


def _my_rows(table: Any, i: Me, owner: str = "member_id") -> Select[Any]:
    """The rows of `table` of my SHA whose `owner` column is me."""
    return select(table).where(table.c.sha_code == i.sha_code, table.c[owner] == i.member_id)


def my_learning_sets(i: Me) -> MyList:
    s, m = learning_sets, set_members
    query = (
        select(s, m.c.role.label("my_role"), m.c.joined_on.label("my_joined_on"))
        .join(m, and_(m.c.sha_code == s.c.sha_code, m.c.set_id == s.c.id))
        .where(m.c.sha_code == i.sha_code, m.c.member_id == i.member_id, m.c.left_on.is_(None))
    )
    return MyList(
        query,
        Ordering((s.c.name, s.c.sha_code, s.c.id)),
        lambda row: MyLearningSet(
            role=row.my_role, joined_on=row.my_joined_on, learning_set=LearningSet.from_row(row)
        ),
    )


def my_networks(i: Me) -> MyList:
    m, n = network_members, networks
    query = (
        select(n, m.c.role.label("my_role"), m.c.joined_at.label("my_joined_at"))
        .join(m, and_(m.c.sha_code == n.c.sha_code, m.c.network_id == n.c.id))
        .where(m.c.sha_code == i.sha_code, m.c.member_id == i.member_id)
    )
    return MyList(
        query,
        Ordering((n.c.name, n.c.sha_code, n.c.id)),
        lambda row: NetworkMembership(
            role=NetworkRole(row.my_role),
            joined_at=row.my_joined_at,
            network=Network.from_row(row),
            sha_code=row.sha_code,
            member_db_id=i.member_id,
        ),
    )


def _my_follows(i: Me) -> Any:
    """The threads I follow (in my SHA), as a materialized CTE: a national thread may be
    in another SHA, and Citus joins other regions' rows only to such a small result."""
    follows = forum_thread_follows.c
    return (
        select(follows.thread_sha_code, follows.thread_id)
        .where(follows.sha_code == i.sha_code, follows.member_id == i.member_id)
        .cte("my_follows")
        .prefix_with("MATERIALIZED")
    )


def my_forums(i: Me) -> MyList:
    """Forums I moderate, posted in or follow a thread of (national ones too): their
    keys first (my rows are in my SHA, naming forums and threads of any SHA for a
    national forum, migration 1400), then the forums."""
    f, threads, followed = forums.c, forum_threads.c, _my_follows(i)
    moderators, posts = forum_moderators.c, forum_posts.c
    keys = (
        union(
            # a moderator row is in its forum's SHA and names a member of it
            select(moderators.sha_code, moderators.forum_id).where(
                moderators.sha_code == i.sha_code, moderators.member_id == i.member_id
            ),
            select(posts.forum_sha_code, posts.forum_id).where(
                posts.sha_code == i.sha_code, posts.author_id == i.member_id
            ),
            select(threads.forum_sha_code, threads.forum_id).join(
                followed,
                and_(
                    threads.sha_code == followed.c.thread_sha_code,
                    threads.id == followed.c.thread_id,
                ),
            ),
        )
        .cte("my_forum_keys")
        .prefix_with("MATERIALIZED")
    )
    query = (
        select(forums)
        .join(keys, and_(f.sha_code == keys.c.sha_code, f.id == keys.c.forum_id))
        .where(or_(f.sha_code == i.sha_code, f.is_national))
    )
    return MyList(query, Ordering((f.title, f.sha_code, f.id)), Forum.from_row)


def my_followed_threads(i: Me) -> MyList:
    t, followed = forum_threads, _my_follows(i)
    query = select(t).join(
        followed,
        and_(followed.c.thread_sha_code == t.c.sha_code, followed.c.thread_id == t.c.id),
    )
    return MyList(query, _newest_first(t, "last_post_at"), ForumThread.from_row)


def my_case_studies(actor: str) -> Callable[[Me], MyList]:
    """Case studies I wrote: I am the author, or they were created under my sign-in
    (`actor`) before case studies had authors."""
    c = case_studies.c

    def mine(i: Me) -> MyList:
        query = select(*CASE_STUDY_COLUMNS).where(
            c.sha_code == i.sha_code, or_(c.author_id == i.member_id, c.created_by == actor)
        )
        return MyList(query, _newest_first(case_studies, "created_at"), CaseStudy.from_row)

    return mine


@strawberry.type(description="Who the request acts as, and the regions it reaches.")
class Viewer:
    subject: str | None = strawberry.field(description="The token subject; null when anonymous.")
    kind: str | None = strawberry.field(description="user or partner; null when anonymous.")
    roles: list[str] = strawberry.field(description="Roles granted by the token.")
    home_sha: str | None = strawberry.field(description="The caller's own SHA, if regional.")
    readable_shas: list[str] = strawberry.field(description="SHA codes this request may read.")
    writable_shas: list[str] = strawberry.field(description="SHA codes this request may change.")

    @strawberry.field(
        description="The caller's own member record (staff tokens linked to a member);"
        " null for partners and national roles without one.",
        graphql_type=_optional("resolvers.directory.types", "Member"),
    )
    async def member(self, info: Info) -> Member | None:
        found = me(info.context)
        if found is None:
            return None
        return await info.context.loader(MemberByIdLoader).load(found.key)

    @strawberry.field(description="Learning sets I belong to (not left), by set name.")
    @paged(backwards=False)
    async def learning_sets(self, info: Info, page: PageArgs) -> Connection[MyLearningSet] | None:
        return await _my_page(info, page, my_learning_sets)

    @strawberry.field(
        description="My event registrations (with waiting-list positions), newest first.",
        graphql_type=_connection("resolvers.events.types", "EventRegistration"),
    )
    @paged(backwards=False)
    async def event_registrations(
        self, info: Info, page: PageArgs
    ) -> Connection[EventRegistration] | None:
        r = event_registrations
        return await _my_page(
            info,
            page,
            lambda i: MyList(
                _my_rows(r, i), _newest_first(r, "registered_at"), EventRegistration.from_row
            ),
        )

    @strawberry.field(
        description="Networks I belong to, by network name.",
        graphql_type=_connection("resolvers.networks.types", "NetworkMembership"),
    )
    @paged(backwards=False)
    async def networks(self, info: Info, page: PageArgs) -> Connection[NetworkMembership] | None:
        return await _my_page(info, page, my_networks)

    @strawberry.field(
        description="Forums I take part in: I moderate them, posted in them or follow one"
        " of their threads; by title.",
        graphql_type=_connection("resolvers.forums.types", "Forum"),
    )
    @paged(backwards=False)
    async def forums(self, info: Info, page: PageArgs) -> Connection[Forum] | None:
        return await _my_page(info, page, my_forums)

    @strawberry.field(
        description="Threads I follow (and so hear of replies in), most recently active first.",
        graphql_type=_connection("resolvers.forums.types", "ForumThread"),
    )
    @paged(backwards=False)
    async def followed_threads(self, info: Info, page: PageArgs) -> Connection[ForumThread] | None:
        return await _my_page(info, page, my_followed_threads)

    @strawberry.field(
        description="My self-assessments (each with its learning needs), newest first.",
        graphql_type=_connection("resolvers.development.types", "SelfAssessment"),
    )
    @paged(backwards=False)
    async def self_assessments(
        self, info: Info, page: PageArgs
    ) -> Connection[SelfAssessment] | None:
        a = self_assessments
        return await _my_page(
            info,
            page,
            lambda i: MyList(
                _my_rows(a, i), _newest_first(a, "assessed_on"), SelfAssessment.from_row
            ),
        )

    @strawberry.field(
        description="Engagement Escalator plans I lead, next review first.",
        graphql_type=_connection("resolvers.escalator.types", "EngagementPlan"),
    )
    @paged(backwards=False)
    async def engagement_plans(
        self, info: Info, page: PageArgs
    ) -> Connection[EngagementPlan] | None:
        p = engagement_plans
        return await _my_page(
            info,
            page,
            lambda i: MyList(
                _my_rows(p, i, owner="lead_id"),
                Ordering((p.c.next_review_on, p.c.sha_code, p.c.id)),
                EngagementPlan.from_row,
            ),
        )

    @strawberry.field(
        description="Case studies I wrote (drafts included), newest first.",
        graphql_type=_connection("resolvers.knowledge.types", "CaseStudy"),
    )
    @paged(backwards=False)
    async def case_studies(self, info: Info, page: PageArgs) -> Connection[CaseStudy] | None:
        return await _my_page(info, page, my_case_studies(info.context.db.actor))

    @strawberry.field(
        description="My responses to consultations, newest first.",
        graphql_type=_connection("resolvers.policy.types", "ConsultationResponse"),
    )
    @paged(backwards=False)
    async def consultation_responses(
        self, info: Info, page: PageArgs
    ) -> Connection[ConsultationResponse] | None:
        r = responses
        return await _my_page(
            info,
            page,
            lambda i: MyList(
                _my_rows(r, i), _newest_first(r, "created_at"), ConsultationResponse.from_row
            ),
        )

    @strawberry.field(
        description="My notifications, newest first.",
        graphql_type=_connection("resolvers.notifications.types", "Notification"),
    )
    @paged(backwards=False)
    async def notifications(
        self,
        info: Info,
        page: PageArgs,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only the ones not yet read.")
        ] = False,
    ) -> Any:
        return await _my_page(
            info,
            page,
            lambda i: MyList(
                feed.feed_query(i, unread_only),
                _newest_first(notifications, "created_at"),
                Notification.from_row,
            ),
        )

    @strawberry.field(description="How many of my notifications are unread (0 for non-members).")
    async def unread_notification_count(self, info: Info) -> int:

        found = me(info.context)
        return 0 if found is None else await feed.unread_count(info.context, found)

    @strawberry.field(
        description="How I hear of each kind of event.",
        graphql_type=_list("resolvers.notifications.types", "NotificationPreference"),
    )
    async def notification_preferences(self, info: Info) -> Any:

        found = me(info.context)
        return [] if found is None else await feed.preferences(info.context, found)

    @strawberry.field(
        description="My requests of one kind (moves, closed networks, learning sets), newest first.",
        graphql_type=_connection("resolvers.selfservice.types", "MembershipRequest"),
    )
    @paged(backwards=False)
    async def membership_requests(
        self,
        info: Info,
        kind: Annotated[RequestKind, strawberry.argument(description="Which requests.")],
        page: PageArgs,
    ) -> Any:
        table = TABLES[kind]
        return await _my_page(
            info,
            page,
            lambda i: MyList(
                _my_rows(table, i),
                _newest_first(table, "requested_at"),
                lambda row: MembershipRequest.from_row(kind, row),
            ),
        )

    @strawberry.field(
        description="My data exports, newest first.",
        graphql_type=_list("resolvers.gdpr.types", "DataExport"),
    )
    async def data_exports(self, info: Info) -> Any:
        d = data_exports

        found = me(info.context)
        if found is None:
            return []
        rows = await info.context.db.rows(
            select(d.c.sha_code, d.c.id, d.c.status, d.c.requested_at, d.c.ready_at, d.c.expires_at)
            .where(d.c.sha_code == found.sha_code, d.c.member_id == found.member_id)
            .order_by(d.c.requested_at.desc(), d.c.id.desc())
            .limit(20)
        )
        return [DataExport.from_row(r) for r in rows]
