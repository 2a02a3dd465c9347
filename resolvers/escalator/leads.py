"""Who may record an organisation's Escalator self-assessments.

Para 37 of the North West board paper: each community names clinical leaders to
champion its policies. An organisation names its Escalator lead(s); they record its
assessments. The SHA's admins (its engagement team) may record for any organisation
of their SHA, platform admins for any. The same people read the SHA's collation.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, exists, insert, select

from auth.principal import Role
from resolvers.common.audit import record_audit
from resolvers.common.context import Context
from resolvers.common.errors import Conflict, Forbidden, NotAllowed, NotFound
from resolvers.common.mutation import ensure_writable
from resolvers.escalator.tables import escalator_leads


def is_admin_of(ctx: Context, sha: str) -> bool:
    principal = ctx.principal
    if principal is None or principal.kind != "user":
        return False
    if principal.has_role(Role.PLATFORM_ADMIN):
        return True
    return principal.has_role(Role.SHA_ADMIN) and principal.home_sha == sha


def _caller_member(ctx: Context, sha: str) -> uuid.UUID | None:
    principal = ctx.principal
    if principal is None or not principal.member_id or principal.home_sha != sha:
        return None
    try:
        return uuid.UUID(principal.member_id)
    except ValueError:
        return None


async def leads_organisation(ctx: Context, sha: str, organisation_id: Any) -> bool:
    member = _caller_member(ctx, sha)
    if member is None:
        return False
    query = select(
        exists().where(
            escalator_leads.c.sha_code == sha,
            escalator_leads.c.organisation_id == organisation_id,
            escalator_leads.c.member_id == member,
        )
    )
    return bool(await ctx.db.scalar(query))


async def leads_any_in(ctx: Context, sha: str) -> bool:
    member = _caller_member(ctx, sha)
    if member is None:
        return False
    query = select(
        exists().where(escalator_leads.c.sha_code == sha, escalator_leads.c.member_id == member)
    )
    return bool(await ctx.db.scalar(query))


async def require_recorder(ctx: Context, sha: str, organisation_id: Any, org_name: str) -> None:
    """Refuse a caller who is neither the organisation's Escalator lead nor its SHA's admin."""
    if is_admin_of(ctx, sha) or await leads_organisation(ctx, sha, organisation_id):
        return
    raise NotAllowed(
        f"only {org_name}'s Escalator lead or an admin of SHA {sha} may record its"
        " assessments; ask an SHA admin to name you with setEscalatorLead"
    )


async def collation_shas(ctx: Context, shas: list[str]) -> list[str]:
    """The SHAs whose collation the caller may read: all for admins and national leads;
    for a member, the home SHA when they lead an organisation there."""
    principal = ctx.principal
    assert principal is not None
    if principal.has_role(Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN):
        return shas
    home = principal.home_sha
    if home in shas and await leads_any_in(ctx, home):
        return [home]
    raise Forbidden(
        "the Escalator summaries are read by Escalator leads and SHA admins;"
        " ask an SHA admin to name you with setEscalatorLead"
    )


async def set_lead(ctx: Context, sha: str, organisation_id: Any, member_id: Any) -> None:
    ensure_writable(ctx, sha)
    if not is_admin_of(ctx, sha):
        raise NotAllowed(f"only an admin of SHA {sha} names Escalator leads")
    taken = await ctx.db.scalar(
        select(
            exists().where(
                escalator_leads.c.sha_code == sha,
                escalator_leads.c.organisation_id == organisation_id,
                escalator_leads.c.member_id == member_id,
            )
        )
    )
    if taken:
        raise Conflict("this member is already an Escalator lead of the organisation")
    await ctx.db.rows(
        insert(escalator_leads).values(
            sha_code=sha,
            organisation_id=organisation_id,
            member_id=member_id,
            appointed_by=ctx.principal.audit_name if ctx.principal else "unknown",
        )
    )
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="escalator.lead.set",
        entity_type="Organisation",
        entity_id=str(organisation_id),
        detail={"member_id": str(member_id)},
    )


async def remove_lead(ctx: Context, sha: str, organisation_id: Any, member_id: Any) -> None:
    ensure_writable(ctx, sha)
    if not is_admin_of(ctx, sha):
        raise NotAllowed(f"only an admin of SHA {sha} names Escalator leads")
    gone = await ctx.db.rows(
        delete(escalator_leads)
        .where(
            escalator_leads.c.sha_code == sha,
            escalator_leads.c.organisation_id == organisation_id,
            escalator_leads.c.member_id == member_id,
        )
        .returning(escalator_leads.c.member_id)
    )
    if not gone:
        raise NotFound("EscalatorLead", str(member_id))
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="escalator.lead.remove",
        entity_type="Organisation",
        entity_id=str(organisation_id),
        detail={"member_id": str(member_id)},
    )
