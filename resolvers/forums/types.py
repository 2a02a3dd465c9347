"""GraphQL types of the forums. Post bodies are Markdown source plus a sanitised HTML
rendering; a hidden post shows neither."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.pagination import WindowFirst, check_window
from resolvers.common.relations import related
from resolvers.directory.enums import MemberRole, Profession
from resolvers.forums.enums import ForumKind, ReactionKind, ReportStatus
from resolvers.forums.markdown import render_markdown

if TYPE_CHECKING:
    from resolvers.directory.types import Member
    from resolvers.networks.types import Network

MemberRef = Annotated["Member", strawberry.lazy("resolvers.directory.types")]


@strawberry.type(
    description="A discussion forum of one SHA: about a topic, for a role or for a"
    " profession, optionally of one of its networks. A national forum is held by one SHA"
    " and read and written by members of every running SHA."
)
class Forum(Node):
    sha_code: str = strawberry.field(description="The SHA that owns the forum.")
    title: str = strawberry.field(description="Unique within the SHA.")
    kind: ForumKind = strawberry.field(description="Topic forum or role forum.")
    topic: str | None = strawberry.field(description="The topic, for a topic forum.")
    audience_role: MemberRole | None = strawberry.field(
        description="For a role forum: only holders of this role may post."
    )
    description: str | None = strawberry.field(description="What the forum is for.")
    created_at: dt.datetime = strawberry.field(description="When it was opened.")
    audience_profession: Profession | None = strawberry.field(
        description="For a profession forum: only members of this profession may post."
    )
    national: bool = strawberry.field(
        default=False,
        description="A national forum: opened by a national lead, read and written in every"
        " running SHA (each writer's threads and posts stay in her SHA), moderated by the"
        " national leads.",
    )
    db_id: strawberry.Private[Any] = None
    network_db_id: strawberry.Private[Any] = None

    @classmethod
    def from_row(cls, row: Any) -> Forum:
        return cls(
            id=strawberry.ID(encode_id("Forum", row.sha_code, row.id)),
            db_id=row.id,
            sha_code=row.sha_code,
            title=row.title,
            kind=ForumKind(row.kind),
            topic=row.topic,
            audience_role=MemberRole(row.audience_role) if row.audience_role else None,
            description=row.description,
            created_at=row.created_at,
            audience_profession=Profession(row.audience_profession)
            if row.audience_profession
            else None,
            network_db_id=row.network_id,
            national=row.is_national,
        )

    @strawberry.field(description="The clinical network this forum belongs to, if any.")
    async def network(
        self, info: Info
    ) -> Annotated[Network, strawberry.lazy("resolvers.networks.types")] | None:
        if self.network_db_id is None:
            return None

        return await related(info.context, "NetworkByIdLoader").load(
            (self.sha_code, self.network_db_id)
        )

    @strawberry.field(description="Members who moderate this forum.")
    async def moderators(self, info: Info) -> list[MemberRef]:
        return await related(info.context, "ModeratorsByForumLoader").load(
            (self.sha_code, self.db_id)
        )

    @strawberry.field(description="The most recently active threads (use forumThreads to page).")
    async def latest_threads(self, info: Info, first: WindowFirst = 5) -> list[ForumThread]:
        return await related(info.context, "LatestThreadsByForumLoader").load(
            (self.sha_code, self.db_id, check_window(first))
        )


@strawberry.type(description="A thread of posts in a forum.")
class ForumThread(Node):
    sha_code: str = strawberry.field(description="The SHA that owns the thread.")
    title: str = strawberry.field(description="The thread's title.")
    locked: bool = strawberry.field(description="A locked thread takes no new posts.")
    lock_reason: str | None = strawberry.field(description="Why a moderator locked it.")
    created_at: dt.datetime = strawberry.field(description="When it was started.")
    last_post_at: dt.datetime = strawberry.field(description="When the latest post was made.")
    national: bool = strawberry.field(
        default=False, description="In a national forum (read in every running SHA)."
    )
    db_id: strawberry.Private[Any] = None
    forum_db_id: strawberry.Private[Any] = None
    author_db_id: strawberry.Private[Any] = None
    forum_sha: strawberry.Private[str] = ""

    @classmethod
    def from_row(cls, row: Any) -> ForumThread:
        return cls(
            id=strawberry.ID(encode_id("ForumThread", row.sha_code, row.id)),
            db_id=row.id,
            forum_db_id=row.forum_id,
            author_db_id=row.author_id,
            sha_code=row.sha_code,
            title=row.title,
            locked=row.locked,
            lock_reason=row.lock_reason,
            created_at=row.created_at,
            last_post_at=row.last_post_at,
            national=row.forum_is_national,
            forum_sha=row.forum_sha_code,
        )

    @strawberry.field(description="The forum the thread is in.")
    async def forum(self, info: Info) -> Forum | None:
        return await related(info.context, "ForumByIdLoader").load(
            (self.forum_sha, self.forum_db_id)
        )

    @strawberry.field(
        description="The member who started the thread (null for a member of an SHA out of"
        " your reach: see authorName)."
    )
    async def author(self, info: Info) -> MemberRef | None:
        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.author_db_id)
        )

    @strawberry.field(
        description="The starter's name, also for a member of another SHA in a national forum."
    )
    async def author_name(self, info: Info) -> str | None:
        return await related(info.context, "AuthorNameByMemberLoader").load(
            (self.sha_code, self.author_db_id)
        )

    @strawberry.field(description="Number of posts in the thread, hidden ones included.")
    async def post_count(self, info: Info) -> int:
        return await related(info.context, "PostCountByThreadLoader").load(
            (self.sha_code, self.db_id)
        )


@strawberry.type(description="An earlier version of a post's text, kept when it was edited.")
class PostRevision:
    body_markdown: str = strawberry.field(description="The Markdown source as it was.")
    written_at: dt.datetime = strawberry.field(description="When this version was written.")
    replaced_at: dt.datetime = strawberry.field(description="When an edit replaced it.")


@strawberry.type(description="How many members gave a post one kind of reaction.")
class ReactionCount:
    kind: ReactionKind = strawberry.field(description="The reaction.")
    count: int = strawberry.field(description="How many members gave it.")


@strawberry.type(description="A post in a forum thread.")
class ForumPost(Node):
    sha_code: str = strawberry.field(description="The SHA that owns the post.")
    created_at: dt.datetime = strawberry.field(description="When it was posted.")
    edited_at: dt.datetime | None = strawberry.field(description="When it was last edited.")
    hidden: bool = strawberry.field(description="Hidden by a moderator.")
    hidden_reason: str | None = strawberry.field(description="Why a moderator hid it.")
    national: bool = strawberry.field(
        default=False, description="In a national forum (read in every running SHA)."
    )
    db_id: strawberry.Private[Any] = None
    thread_db_id: strawberry.Private[Any] = None
    forum_db_id: strawberry.Private[Any] = None
    author_db_id: strawberry.Private[Any] = None
    source: strawberry.Private[str] = ""
    thread_sha: strawberry.Private[str] = ""

    @classmethod
    def from_row(cls, row: Any) -> ForumPost:
        return cls(
            id=strawberry.ID(encode_id("ForumPost", row.sha_code, row.id)),
            db_id=row.id,
            thread_db_id=row.thread_id,
            forum_db_id=row.forum_id,
            author_db_id=row.author_id,
            source=row.body_markdown,
            sha_code=row.sha_code,
            created_at=row.created_at,
            edited_at=row.edited_at,
            hidden=row.hidden,
            hidden_reason=row.hidden_reason,
            national=row.forum_is_national,
            thread_sha=row.thread_sha_code,
        )

    @strawberry.field(description="The Markdown source; null when the post is hidden.")
    def body_markdown(self) -> str | None:
        return None if self.hidden else self.source

    @strawberry.field(
        description="Sanitised HTML rendering of the Markdown, safe to insert in a page; "
        "null when the post is hidden."
    )
    def body_html(self) -> str | None:
        return None if self.hidden else render_markdown(self.source)

    @strawberry.field(
        description="The member who wrote the post (null for a member of an SHA out of your"
        " reach: see authorName)."
    )
    async def author(self, info: Info) -> MemberRef | None:
        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.author_db_id)
        )

    @strawberry.field(
        description="The writer's name, also for a member of another SHA in a national forum."
    )
    async def author_name(self, info: Info) -> str | None:
        return await related(info.context, "AuthorNameByMemberLoader").load(
            (self.sha_code, self.author_db_id)
        )

    @strawberry.field(description="The thread the post is in.")
    async def thread(self, info: Info) -> ForumThread | None:
        return await related(info.context, "ThreadByIdLoader").load(
            (self.thread_sha, self.thread_db_id)
        )

    @strawberry.field(description="Earlier versions of the text, oldest first.")
    async def revisions(self, info: Info) -> list[PostRevision]:
        if self.hidden:
            return []
        return await related(info.context, "RevisionsByPostLoader").load(
            (self.sha_code, self.db_id)
        )

    @strawberry.field(description="Reactions and endorsements, counted per kind.")
    async def reactions(self, info: Info) -> list[ReactionCount]:
        return await related(info.context, "ReactionsByPostLoader").load(
            (self.sha_code, self.db_id)
        )


@strawberry.type(description="A member's report of a post to the forum's moderators.")
class PostReport(Node):
    reason: str = strawberry.field(description="Why the member reported the post.")
    status: ReportStatus = strawberry.field(description="Open until a moderator acts.")
    created_at: dt.datetime = strawberry.field(description="When it was reported.")
    sha_code: strawberry.Private[str]
    post_db_id: strawberry.Private[Any]
    reporter_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> PostReport:
        return cls(
            id=strawberry.ID(encode_id("PostReport", row.sha_code, row.id)),
            reason=row.reason,
            status=ReportStatus(row.status),
            created_at=row.created_at,
            sha_code=row.sha_code,
            post_db_id=row.post_id,
            reporter_db_id=row.reporter_id,
        )

    @strawberry.field(description="The reported post.")
    async def post(self, info: Info) -> ForumPost | None:
        return await related(info.context, "PostByIdLoader").load((self.sha_code, self.post_db_id))

    @strawberry.field(description="The member who reported it.")
    async def reporter(self, info: Info) -> MemberRef | None:
        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.reporter_db_id)
        )
