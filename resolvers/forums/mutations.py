"""Forum mutations: SHA admins open forums and appoint moderators; members post, edit,
react and report; moderators hide posts, lock threads and remove members. Each returns
a union of its payload and the typed errors; all are audited."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import strawberry

from auth.permissions import IsAuthenticated, IsShaAdmin, require_roles
from auth.principal import Role
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.ids import MemberIdArg
from resolvers.common.mutation import run_mutation
from resolvers.directory.enums import MemberRole, Profession
from resolvers.forums import service
from resolvers.forums.args import ForumIdArg, MarkdownArg, PostIdArg, ThreadIdArg
from resolvers.forums.enums import ForumKind, ReactionKind
from resolvers.forums.types import Forum, ForumPost, ForumThread, PostReport

T = TypeVar("T")
MayOpenForums = require_roles(Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)


@strawberry.input(description="A new forum.")
class CreateForumInput:
    sha_code: str | None = strawberry.field(
        default=None, description="Owning SHA; may be left out when you can write only one."
    )
    title: str = strawberry.field(description="Unique within the SHA.")
    kind: ForumKind = strawberry.field(description="Topic forum or role forum.")
    topic: str | None = strawberry.field(default=None, description="Required for a topic forum.")
    audience_role: MemberRole | None = strawberry.field(
        default=None, description="Required for a role forum."
    )
    description: str | None = strawberry.field(default=None, description="What it is for.")
    audience_profession: Profession | None = strawberry.field(
        default=None, description="Required for a profession forum: the profession it is for."
    )
    network_id: strawberry.ID | None = strawberry.field(
        default=None, description="The network of the SHA the forum belongs to, if any."
    )
    moderator_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Members of the SHA who moderate it (none for a national forum: the"
        " national leads moderate those).",
    )
    national: bool = strawberry.field(
        default=False,
        description="A national forum (national leads only): held by `shaCode`, read and"
        " written by members of every running SHA.",
    )


@strawberry.type(description="The forum as saved.")
class ForumPayload:
    forum: Forum = strawberry.field(description="The forum.")


@strawberry.type(description="The new thread and its first post.")
class ThreadPayload:
    thread: ForumThread = strawberry.field(description="The thread.")
    post: ForumPost | None = strawberry.field(description="Its first post, when one was made.")


@strawberry.type(description="The post as saved.")
class PostPayload:
    post: ForumPost = strawberry.field(description="The post.")


@strawberry.type(description="The report as filed.")
class ReportPayload:
    report: PostReport = strawberry.field(description="The report.")


ForumResult = Annotated[
    ForumPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("ForumResult", description="Saved forum or why not."),
]
ThreadResult = Annotated[
    ThreadPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("ThreadResult", description="Saved thread or why not."),
]
PostResult = Annotated[
    PostPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("PostResult", description="Saved post or why not."),
]
ReportResult = Annotated[
    ReportPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("ReportResult", description="Filed report or why not."),
]


async def _run(info: Info, action: Callable[[], Awaitable[T]]) -> Any:
    return await run_mutation(info.context, action)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Open a forum: an SHA's admins open its forums, national leads open"
        " national ones (`national: true`).",
        permission_classes=[MayOpenForums],
    )
    async def create_forum(
        self,
        info: Info,
        input: Annotated[
            CreateForumInput,
            strawberry.argument(
                description="The forum: its SHA, title, kind, topic, audience, description and first moderators."
            ),
        ],
    ) -> ForumResult:
        changes = service.ForumChanges(
            title=input.title,
            kind=input.kind,
            topic=input.topic,
            audience_role=input.audience_role,
            description=input.description,
            moderator_ids=list(input.moderator_ids),
            audience_profession=input.audience_profession,
            network_id=input.network_id,
            national=input.national,
        )

        async def act() -> ForumPayload:
            return ForumPayload(
                forum=await service.create_forum(info.context, input.sha_code, changes)
            )

        return await _run(info, act)

    @strawberry.mutation(
        description="Appoint (or dismiss) a member as moderator of a forum.",
        permission_classes=[IsShaAdmin],
    )
    async def set_forum_moderator(
        self,
        info: Info,
        forum_id: ForumIdArg,
        member_id: MemberIdArg,
        moderator: Annotated[
            bool, strawberry.argument(description="True to appoint, false to dismiss.")
        ] = True,
    ) -> ForumResult:
        async def act() -> ForumPayload:
            forum = await service.set_forum_moderator(info.context, forum_id, member_id, moderator)
            return ForumPayload(forum=forum)

        return await _run(info, act)

    @strawberry.mutation(
        description="Start a thread with its first post (Markdown).",
        permission_classes=[IsAuthenticated],
    )
    async def start_forum_thread(
        self,
        info: Info,
        forum_id: ForumIdArg,
        title: Annotated[str, strawberry.argument(description="The thread's title (plain text).")],
        body_markdown: MarkdownArg,
    ) -> ThreadResult:
        async def act() -> ThreadPayload:
            thread, post = await service.start_thread(info.context, forum_id, title, body_markdown)
            return ThreadPayload(thread=thread, post=post)

        return await _run(info, act)

    @strawberry.mutation(
        description="Post to a thread (Markdown); subscribers are told once it commits.",
        permission_classes=[IsAuthenticated],
    )
    async def add_forum_post(
        self,
        info: Info,
        thread_id: ThreadIdArg,
        body_markdown: MarkdownArg,
    ) -> PostResult:
        async def act() -> PostPayload:
            return PostPayload(post=await service.add_post(info.context, thread_id, body_markdown))

        return await _run(info, act)

    @strawberry.mutation(
        description="Edit your own post; the old text is kept as a revision.",
        permission_classes=[IsAuthenticated],
    )
    async def edit_forum_post(
        self,
        info: Info,
        post_id: PostIdArg,
        body_markdown: Annotated[
            str,
            strawberry.argument(
                description="The new text, in Markdown; the old text is kept as a revision."
            ),
        ],
    ) -> PostResult:
        async def act() -> PostPayload:
            return PostPayload(post=await service.edit_post(info.context, post_id, body_markdown))

        return await _run(info, act)

    @strawberry.mutation(
        description="React to or endorse a post (or take the reaction back).",
        permission_classes=[IsAuthenticated],
    )
    async def react_to_forum_post(
        self,
        info: Info,
        post_id: PostIdArg,
        kind: Annotated[
            ReactionKind,
            strawberry.argument(description="The reaction (an endorsement is one kind)."),
        ],
        remove: Annotated[
            bool, strawberry.argument(description="True to take your reaction of this kind back.")
        ] = False,
    ) -> PostResult:
        async def act() -> PostPayload:
            post = await service.react_to_post(info.context, post_id, kind, remove)
            return PostPayload(post=post)

        return await _run(info, act)

    @strawberry.mutation(
        description="Report a post to the forum's moderators.",
        permission_classes=[IsAuthenticated],
    )
    async def report_forum_post(
        self,
        info: Info,
        post_id: PostIdArg,
        reason: Annotated[
            str,
            strawberry.argument(
                description="Why the post should be looked at; shown to the moderators."
            ),
        ],
    ) -> ReportResult:
        async def act() -> ReportPayload:
            return ReportPayload(report=await service.report_post(info.context, post_id, reason))

        return await _run(info, act)

    @strawberry.mutation(
        description="Moderation: hide a post with a reason, or show it again.",
        permission_classes=[IsAuthenticated],
    )
    async def hide_forum_post(
        self,
        info: Info,
        post_id: PostIdArg,
        reason: Annotated[
            str | None,
            strawberry.argument(
                description="Why it is hidden (required when hiding); shown to moderators."
            ),
        ] = None,
        hidden: Annotated[
            bool, strawberry.argument(description="True to hide the post, false to show it again.")
        ] = True,
    ) -> PostResult:
        async def act() -> PostPayload:
            post = await service.hide_post(info.context, post_id, reason, hidden)
            return PostPayload(post=post)

        return await _run(info, act)

    @strawberry.mutation(
        description="Moderation: lock a thread (no new posts or edits), or unlock it.",
        permission_classes=[IsAuthenticated],
    )
    async def lock_forum_thread(
        self,
        info: Info,
        thread_id: ThreadIdArg,
        reason: Annotated[
            str | None, strawberry.argument(description="Why it is locked (optional).")
        ] = None,
        locked: Annotated[
            bool, strawberry.argument(description="True to lock the thread, false to unlock it.")
        ] = True,
    ) -> ThreadResult:
        async def act() -> ThreadPayload:
            thread = await service.lock_thread(info.context, thread_id, reason, locked)
            return ThreadPayload(thread=thread, post=None)

        return await _run(info, act)

    @strawberry.mutation(
        description="Moderation: remove a member from a forum, with a reason.",
        permission_classes=[IsAuthenticated],
    )
    async def remove_forum_member(
        self,
        info: Info,
        forum_id: ForumIdArg,
        member_id: MemberIdArg,
        reason: Annotated[str, strawberry.argument(description="Why the member is removed.")],
    ) -> ForumResult:
        async def act() -> ForumPayload:
            forum = await service.remove_forum_member(info.context, forum_id, member_id, reason)
            return ForumPayload(forum=forum)

        return await _run(info, act)
