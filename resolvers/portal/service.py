"""Change a region's portal: its SHA's admins (platform admins anywhere); validate,
write, audit. Every write names the SHA, and RLS refuses any other region's row."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from auth.principal import Role
from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import FieldProblem, NotAllowed, NotFound, require
from resolvers.common.mutation import ensure_writable
from resolvers.directory.service import parse_id, pick_sha
from resolvers.events.tables import events
from resolvers.portal.tables import portal_pages, sha_portals

UNSET: Any = object()
HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_ABOUT = 20_000
MAX_BODY = 50_000


@dataclass
class BrandingChanges:
    """UNSET keeps a value; None clears it."""

    logo_url: Any = UNSET
    primary_colour: Any = UNSET
    accent_colour: Any = UNSET
    about_markdown: Any = UNSET


@dataclass
class PageChanges:
    slug: str
    title: str
    body_markdown: str
    is_published: bool
    position: int


def portal_sha(ctx: Context, sha_code: str | None) -> str:
    """The SHA whose portal the caller changes, if the caller is one of its admins."""
    sha = pick_sha(ctx, sha_code)
    ensure_writable(ctx, sha)
    principal = ctx.principal
    if principal is None or not (
        principal.has_role(Role.PLATFORM_ADMIN)
        or (principal.has_role(Role.SHA_ADMIN) and principal.home_sha == sha)
    ):
        raise NotAllowed(f"only an admin of SHA {sha} changes its portal")
    return sha


def _url_problem(url: str) -> str | None:
    if len(url) > 2000:
        return "must be at most 2000 characters"
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return "must be an https:// address"
    if any(ch.isspace() for ch in url):
        return "must not contain spaces"
    return None


def branding_problems(changes: BrandingChanges) -> list[FieldProblem]:
    problems = []
    if isinstance(changes.logo_url, str) and (why := _url_problem(changes.logo_url)):
        problems.append(FieldProblem("logoUrl", why))
    for name, label in (("primary_colour", "primaryColour"), ("accent_colour", "accentColour")):
        value = getattr(changes, name)
        if isinstance(value, str) and not HEX_COLOUR.match(value):
            problems.append(FieldProblem(label, "must be a hex colour such as #005EB8"))
    about = changes.about_markdown
    if isinstance(about, str) and len(about) > MAX_ABOUT:
        problems.append(FieldProblem("aboutMarkdown", f"must be at most {MAX_ABOUT} characters"))
    return problems


async def update_branding(ctx: Context, sha_code: str | None, changes: BrandingChanges) -> str:
    sha = portal_sha(ctx, sha_code)
    require(branding_problems(changes))
    given = {k: v for k, v in vars(changes).items() if v is not UNSET}
    by = ctx.principal.audit_name  # type: ignore[union-attr]  # checked by portal_sha
    statement = insert(sha_portals).values(sha_code=sha, updated_by=by, **given)
    await ctx.db.rows(
        statement.on_conflict_do_update(
            index_elements=[sha_portals.c.sha_code],
            set_={**given, "updated_by": by, "updated_at": statement.excluded.updated_at},
        )
    )
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="portal.branding",
        entity_type="Portal",
        entity_id=sha,
        detail=given,
    )
    return sha


def page_problems(page: PageChanges) -> list[FieldProblem]:
    problems = []
    if len(page.slug) > 80 or not SLUG.match(page.slug):
        problems.append(FieldProblem("slug", "lower-case letters, digits and single hyphens"))
    if not 1 <= len(page.title.strip()) <= 200:
        problems.append(FieldProblem("title", "must be 1 to 200 characters"))
    if len(page.body_markdown) > MAX_BODY:
        problems.append(FieldProblem("bodyMarkdown", f"must be at most {MAX_BODY} characters"))
    if not 0 <= page.position <= 1000:
        problems.append(FieldProblem("position", "must be between 0 and 1000"))
    return problems


async def save_page(ctx: Context, sha_code: str | None, page: PageChanges) -> Any:
    """Create the page with this slug, or replace it."""
    sha = portal_sha(ctx, sha_code)
    require(page_problems(page))
    by = ctx.principal.audit_name  # type: ignore[union-attr]
    values = {
        "title": page.title.strip(),
        "body_markdown": page.body_markdown,
        "is_published": page.is_published,
        "position": page.position,
    }
    statement = insert(portal_pages).values(sha_code=sha, slug=page.slug, updated_by=by, **values)
    rows = await ctx.db.rows(
        statement.on_conflict_do_update(
            index_elements=[portal_pages.c.sha_code, portal_pages.c.slug],
            set_={**values, "updated_by": by, "updated_at": statement.excluded.updated_at},
        ).returning(portal_pages)
    )
    row = rows[0]
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="portal.page.save",
        entity_type="PortalPage",
        entity_id=str(row.id),
        detail={"slug": page.slug, "isPublished": page.is_published},
    )
    return row


async def delete_page(ctx: Context, sha_code: str | None, slug: str) -> str:
    sha = portal_sha(ctx, sha_code)
    pg = portal_pages.c
    rows = await ctx.db.rows(
        delete(portal_pages).where(pg.sha_code == sha, pg.slug == slug).returning(pg.id)
    )
    if not rows:
        raise NotFound("PortalPage", slug)
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="portal.page.delete",
        entity_type="PortalPage",
        entity_id=str(rows[0].id),
        detail={"slug": slug},
    )
    return slug


async def pages_for_editors(ctx: Context, sha_code: str | None) -> tuple[str, list[Any]]:
    sha = portal_sha(ctx, sha_code)
    pg = portal_pages.c
    rows = await ctx.db.rows(
        select(portal_pages).where(pg.sha_code == sha).order_by(pg.position, pg.slug)
    )
    return sha, list(rows)


async def set_event_public(ctx: Context, event_id: str, is_public: bool) -> Any:
    """Flag an event public (shown on the portals with no token) or take the flag off:
    the admins of the SHA that holds it; a nationally owned event, its national leads."""
    gid = parse_id(event_id, "Event", "eventId")
    ensure_writable(ctx, gid.sha_code)
    e = events.c
    row = await ctx.db.first(
        select(events)
        .where(e.sha_code == gid.sha_code, e.id == uuid.UUID(gid.key))
        .with_for_update()
    )
    if row is None:
        raise NotFound("Event", event_id)
    principal = ctx.principal
    national = principal is not None and principal.has_role(Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)
    admin = (
        principal is not None
        and principal.has_role(Role.SHA_ADMIN)
        and principal.home_sha == gid.sha_code
    )
    if row.ownership == "NATIONAL" and not national:
        raise NotAllowed("only national leads publish a nationally owned event")
    if not (admin or national):
        raise NotAllowed(f"only an admin of SHA {gid.sha_code} publishes its events")
    return await update_audited(
        ctx.db,
        events,
        sha_code=gid.sha_code,
        key=row.id,
        values={"is_public": is_public, "updated_at": func.now()},
        action="event.public",
        entity_type="Event",
        detail={"isPublic": is_public},
    )
