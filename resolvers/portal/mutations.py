"""Change a region's portal (its SHA's admins) and flag events public."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import IsAuthenticated, require_roles
from auth.principal import Role
from resolvers.common.context import Info
from resolvers.common.errors import ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.events.types import Event
from resolvers.portal import service
from resolvers.portal.queries import page_of
from resolvers.portal.tables import sha_portals
from resolvers.portal.types import Portal, PortalPage

CanEditPortal = require_roles(Role.SHA_ADMIN, Role.PLATFORM_ADMIN)
CanPublishEvent = require_roles(Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)


@strawberry.input(
    description="Branding to change; a field left out keeps its value, null clears it."
)
class UpdatePortalInput:
    sha_code: str | None = strawberry.field(
        default=None, description="The SHA; may be left out when you can write only one."
    )
    logo_url: str | None = strawberry.field(
        default=strawberry.UNSET, description="Logo address; https:// only."
    )
    primary_colour: str | None = strawberry.field(
        default=strawberry.UNSET, description="Main colour, #rrggbb."
    )
    accent_colour: str | None = strawberry.field(
        default=strawberry.UNSET, description="Accent colour, #rrggbb."
    )
    about_markdown: str | None = strawberry.field(
        default=strawberry.UNSET, description="About text, Markdown (sanitised when shown)."
    )


@strawberry.input(description="A portal page, created or replaced by its slug.")
class SavePortalPageInput:
    sha_code: str | None = strawberry.field(
        default=None, description="The SHA; may be left out when you can write only one."
    )
    slug: str = strawberry.field(description="Address: lower-case letters, digits, hyphens.")
    title: str = strawberry.field(description="Title.")
    body_markdown: str = strawberry.field(description="Body, Markdown (sanitised when shown).")
    is_published: bool = strawberry.field(
        default=False, description="Shown to visitors; drafts only to the SHA's admins."
    )
    position: int = strawberry.field(default=0, description="Order in the menu (0-1000).")


@strawberry.type(description="The portal as its admins see it (drafts included).")
class PortalPayload:
    portal: Portal = strawberry.field(description="Branding and every page.")


@strawberry.type(description="The page as saved.")
class PortalPagePayload:
    page: PortalPage = strawberry.field(description="The page.")


@strawberry.type(description="The page was deleted.")
class DeletePortalPagePayload:
    slug: str = strawberry.field(description="Slug of the deleted page.")


@strawberry.type(description="The event with its public flag.")
class SetEventPublicPayload:
    event: Event = strawberry.field(description="The event.")


PortalResult = Annotated[
    PortalPayload | ValidationError | ForbiddenError,
    strawberry.union("PortalResult", description="The portal or why not."),
]
PortalPageResult = Annotated[
    PortalPagePayload | ValidationError | ForbiddenError,
    strawberry.union("PortalPageResult", description="The page or why not."),
]
DeletePortalPageResult = Annotated[
    DeletePortalPagePayload | ValidationError | NotFoundError | ForbiddenError,
    strawberry.union("DeletePortalPageResult", description="Deleted, or why not."),
]
SetEventPublicResult = Annotated[
    SetEventPublicPayload | ValidationError | NotFoundError | ForbiddenError,
    strawberry.union("SetEventPublicResult", description="The event or why not."),
]


async def editor_view(info: Info, sha: str) -> Portal:
    """The portal of `sha` with drafts, read in the request's own transaction."""
    from sqlalchemy import select

    ctx = info.context
    _, pages = await service.pages_for_editors(ctx, sha)
    row = await ctx.db.first(select(sha_portals).where(sha_portals.c.sha_code == sha))
    return Portal(
        sha_code=sha,
        sha_name=ctx.shas[sha].name,
        logo_url=row.logo_url if row else None,
        primary_colour=row.primary_colour if row else None,
        accent_colour=row.accent_colour if row else None,
        about_markdown=row.about_markdown if row else None,
        pages=[page_of(r) for r in pages],
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Change a region's branding and about text (its SHA's admins).",
        permission_classes=[CanEditPortal],
    )
    async def update_portal(
        self,
        info: Info,
        input: Annotated[UpdatePortalInput, strawberry.argument(description="The changes.")],
    ) -> PortalResult:
        changes = service.BrandingChanges(
            **{
                name: service.UNSET
                if getattr(input, name) is strawberry.UNSET
                else getattr(input, name)
                for name in ("logo_url", "primary_colour", "accent_colour", "about_markdown")
            }
        )

        async def act() -> PortalPayload:
            sha = await service.update_branding(info.context, input.sha_code, changes)
            return PortalPayload(portal=await editor_view(info, sha))

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Create or replace a portal page by its slug (its SHA's admins).",
        permission_classes=[CanEditPortal],
    )
    async def save_portal_page(
        self,
        info: Info,
        input: Annotated[SavePortalPageInput, strawberry.argument(description="The page.")],
    ) -> PortalPageResult:
        page = service.PageChanges(
            slug=input.slug,
            title=input.title,
            body_markdown=input.body_markdown,
            is_published=input.is_published,
            position=input.position,
        )

        async def act() -> PortalPagePayload:
            row = await service.save_page(info.context, input.sha_code, page)
            return PortalPagePayload(page=page_of(row))

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Delete a portal page (its SHA's admins).",
        permission_classes=[CanEditPortal],
    )
    async def delete_portal_page(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The page's slug.")],
        sha_code: Annotated[
            str | None,
            strawberry.argument(
                description="The SHA; may be left out when you can write only one."
            ),
        ] = None,
    ) -> DeletePortalPageResult:
        async def act() -> DeletePortalPagePayload:
            return DeletePortalPagePayload(
                slug=await service.delete_page(info.context, sha_code, slug)
            )

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Show an event on the portals to visitors with no token, or stop"
        " (the admins of its SHA; a nationally owned event, national leads).",
        permission_classes=[IsAuthenticated, CanPublishEvent],
    )
    async def set_event_public(
        self,
        info: Info,
        event_id: Annotated[strawberry.ID, strawberry.argument(description="The event.")],
        is_public: Annotated[
            bool, strawberry.argument(description="Show it to visitors with no token, or stop.")
        ],
    ) -> SetEventPublicResult:
        async def act() -> SetEventPublicPayload:
            row = await service.set_event_public(info.context, str(event_id), is_public)
            return SetEventPublicPayload(event=Event.from_row(row))

        return await run_mutation(info.context, act)  # type: ignore[return-value]
