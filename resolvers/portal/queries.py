"""Public reads: open to every caller, token or none (resolvers/portal/public.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from sqlalchemy import select

from resolvers.common.context import Info
from resolvers.common.errors import BadUserInput
from resolvers.events.enums import EventKind, EventStatus
from resolvers.events.status import derived_status
from resolvers.events.tables import events
from resolvers.knowledge.tables import case_studies
from resolvers.portal.public import public_rows, public_shas
from resolvers.portal.tables import portal_pages, sha_portals
from resolvers.portal.types import Portal, PortalPage, PublicCaseStudy, PublicEvent

MAX_PUBLIC_ITEMS = 100


def _first(first: int) -> int:
    if not 1 <= first <= MAX_PUBLIC_ITEMS:
        raise BadUserInput(f"first must be between 1 and {MAX_PUBLIC_ITEMS}", argument="first")
    return first


def page_of(row: object) -> PortalPage:
    return PortalPage(
        slug=row.slug,  # type: ignore[attr-defined]
        title=row.title,  # type: ignore[attr-defined]
        body_markdown=row.body_markdown,  # type: ignore[attr-defined]
        is_published=row.is_published,  # type: ignore[attr-defined]
        position=row.position,  # type: ignore[attr-defined]
        updated_at=row.updated_at,  # type: ignore[attr-defined]
    )


def _sha(info: Info, sha_code: str | None) -> list[str]:
    """The one region asked for (argument, else the request's region), if public."""
    wanted = [sha_code] if sha_code else None
    if wanted is None and info.context.scope.requested is None:
        raise BadUserInput("name the SHA (shaCode, or the portal's host)", argument="shaCode")
    return public_shas(info.context, wanted)


@strawberry.type
class Query:
    @strawberry.field(
        description="A region's portal, no token needed: branding, about text and its"
        " published pages. Null for a region not running the service."
    )
    async def portal(
        self,
        info: Info,
        sha_code: Annotated[
            str | None,
            strawberry.argument(
                description="The SHA; by default the region the request names (host, path or header)."
            ),
        ] = None,
    ) -> Portal | None:
        codes = _sha(info, sha_code)
        if not codes:
            return None
        code = codes[0]
        p, pg = sha_portals.c, portal_pages.c
        branding = await public_rows(
            info.context, codes, select(sha_portals).where(p.sha_code == code)
        )
        pages = await public_rows(
            info.context,
            codes,
            select(portal_pages)
            .where(pg.sha_code == code, pg.is_published.is_(True))
            .order_by(pg.position, pg.slug),
        )
        row = branding[0] if branding else None
        return Portal(
            sha_code=code,
            sha_name=info.context.shas[code].name,
            logo_url=row.logo_url if row else None,
            primary_colour=row.primary_colour if row else None,
            accent_colour=row.accent_colour if row else None,
            about_markdown=row.about_markdown if row else None,
            pages=[page_of(r) for r in pages],
        )

    @strawberry.field(
        description="A published page of a region's portal by its slug (no token needed)."
    )
    async def portal_page(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The page's slug.")],
        sha_code: Annotated[
            str | None,
            strawberry.argument(
                description="The SHA; by default the region the request names (host, path or header)."
            ),
        ] = None,
    ) -> PortalPage | None:
        codes = _sha(info, sha_code)
        pg = portal_pages.c
        rows = await public_rows(
            info.context,
            codes,
            select(portal_pages).where(
                pg.sha_code.in_(codes), pg.slug == slug, pg.is_published.is_(True)
            ),
        )
        return page_of(rows[0]) if rows else None

    @strawberry.field(
        description="Public events of the regions running the service, soonest first (no"
        " token needed): events their organisers flagged public. `shas` narrows them;"
        " `upcoming` (default) keeps those not yet ended."
    )
    async def public_events(
        self,
        info: Info,
        shas: Annotated[
            list[str] | None, strawberry.argument(description="Only these SHAs (running ones).")
        ] = None,
        upcoming: Annotated[
            bool, strawberry.argument(description="Only events not yet ended.")
        ] = True,
        first: Annotated[int, strawberry.argument(description="How many, 1 to 100.")] = 50,
    ) -> list[PublicEvent]:
        codes = public_shas(info.context, shas)
        e = events.c
        now = dt.datetime.now(dt.UTC)
        statement = (
            select(
                e.sha_code,
                e.id,
                e.title,
                e.kind,
                e.is_national,
                e.venue,
                e.starts_at,
                e.ends_at,
                e.description,
                e.audience,
                e.status,
                e.registration_closes_at,
            )
            .where(e.sha_code.in_(codes), e.is_public.is_(True))
            .order_by(e.starts_at, e.id)
            .limit(_first(first))
        )
        if upcoming:
            statement = statement.where(e.ends_at > now)
        rows = await public_rows(info.context, codes, statement)
        return [
            PublicEvent(
                id=strawberry.ID(str(r.id)),
                sha_code=r.sha_code,
                title=r.title,
                kind=EventKind(r.kind),
                is_national=r.is_national,
                venue=r.venue,
                starts_at=r.starts_at,
                ends_at=r.ends_at,
                description=r.description,
                audience=r.audience,
                status=EventStatus(
                    derived_status(r.status, r.registration_closes_at, r.starts_at, now).value
                ),
            )
            for r in rows
        ]

    @strawberry.field(
        description="Case studies published nationally, newest first (no token needed)."
        " `shas` narrows them to the regions they come from."
    )
    async def public_case_studies(
        self,
        info: Info,
        shas: Annotated[
            list[str] | None, strawberry.argument(description="Only case studies of these SHAs.")
        ] = None,
        first: Annotated[int, strawberry.argument(description="How many, 1 to 100.")] = 50,
    ) -> list[PublicCaseStudy]:
        codes = public_shas(info.context, shas)
        c = case_studies.c
        rows = await public_rows(
            info.context,
            codes,
            select(
                c.sha_code,
                c.id,
                c.title,
                c.topic,
                c.pathway,
                c.summary,
                c.outcomes,
                c.published_at,
            )
            .where(
                c.sha_code.in_(codes),
                c.status == "NATIONAL",
                c.published_nationally.is_(True),
            )
            .order_by(c.published_at.desc().nulls_last(), c.id)
            .limit(_first(first)),
        )
        return [
            PublicCaseStudy(
                id=strawberry.ID(str(r.id)),
                sha_code=r.sha_code,
                title=r.title,
                topic=r.topic,
                pathway=r.pathway,
                summary=r.summary,
                outcomes=r.outcomes,
                published_at=r.published_at,
            )
            for r in rows
        ]
