"""Leaving the network: she asks, an administrator of her SHA confirms, her profile is
erased. Her posts and other contributions stay, attributed to "Former member" (the
member row stays as a tombstone, so every foreign key holds); her identity links,
preferences, feed and exports go; audit rows stay, their personal values redacted
(`audit_erase_member`), and the erasure itself is audited."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import Conflict, NotAllowed, NotFound, require
from resolvers.directory.privacy import administers
from resolvers.directory.tables import members
from resolvers.directory.validation import check_text
from resolvers.gdpr.tables import data_exports, leave_requests
from resolvers.rollups import counts as rollups
from resolvers.rollups.counts import MemberKey
from resolvers.selfservice.service import admin_id
from resolvers.viewer.me import require_member

FORMER_GIVEN, FORMER_FAMILY = "Former", "member"

# rows that are hers alone and go with her profile
_DELETE = (
    "DELETE FROM member_identities WHERE sha_code = :sha AND member_id = :member",
    "DELETE FROM notification_preferences WHERE sha_code = :sha AND member_id = :member",
    "DELETE FROM notifications WHERE sha_code = :sha AND member_id = :member",
    "DELETE FROM data_exports WHERE sha_code = :sha AND member_id = :member",
    "DELETE FROM forum_thread_follows WHERE sha_code = :sha AND member_id = :member",
    "DELETE FROM network_members WHERE sha_code = :sha AND member_id = :member",
    "UPDATE organisation_move_requests SET status = 'WITHDRAWN'"
    " WHERE sha_code = :sha AND member_id = :member AND status = 'PENDING'",
    "UPDATE network_join_requests SET status = 'WITHDRAWN'"
    " WHERE sha_code = :sha AND member_id = :member AND status = 'PENDING'",
    "UPDATE learning_set_join_requests SET status = 'WITHDRAWN'"
    " WHERE sha_code = :sha AND member_id = :member AND status = 'PENDING'",
    "UPDATE learning_set_members SET left_on = greatest(current_date, joined_on)"
    " WHERE sha_code = :sha AND member_id = :member AND left_on IS NULL",
)


async def request_export(ctx: Context) -> Any:
    found = await require_member(ctx)
    pending = await ctx.db.scalar(
        select(func.count()).where(
            data_exports.c.sha_code == found.sha_code,
            data_exports.c.member_id == found.member_id,
            data_exports.c.status == "PENDING",
        )
    )
    if pending:
        raise Conflict("an export is already being prepared")
    row = await ctx.db.first(
        insert(data_exports)
        .values(sha_code=found.sha_code, member_id=found.member_id)
        .returning(*data_exports.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=found.sha_code,
        action="gdpr.export.request",
        entity_type="Member",
        entity_id=str(found.member_id),
        detail={"export_id": str(row.id)},
    )
    return row


async def request_leave(ctx: Context, reason: str | None) -> Any:
    found = await require_member(ctx)
    require(check_text(reason, "reason", max_length=1000))
    row = await ctx.db.first(
        insert(leave_requests)
        .values(sha_code=found.sha_code, member_id=found.member_id, reason=reason)
        .on_conflict_do_nothing()
        .returning(*leave_requests.c)
    )
    if row is None:
        raise Conflict("you have already asked to leave")
    await record_audit(
        ctx.db,
        sha_code=found.sha_code,
        action="gdpr.leave.request",
        entity_type="Member",
        entity_id=str(found.member_id),
        detail={"leave_request_id": str(row.id)},
    )
    return row


async def erase_member(ctx: Context, sha: str, member: uuid.UUID) -> int:
    """Erase her profile in place; returns how many audit rows were redacted."""
    before = await ctx.db.first(
        select(members.c.profession, members.c.status)
        .where(members.c.sha_code == sha, members.c.id == member, members.c.erased_at.is_(None))
        .with_for_update()
    )
    done = await ctx.db.first(
        update(members)
        .where(members.c.sha_code == sha, members.c.id == member, members.c.erased_at.is_(None))
        .values(
            given_name=FORMER_GIVEN,
            family_name=FORMER_FAMILY,
            email=None,
            phone=None,
            job_title=None,
            biography=None,
            interests=[],
            contact_visible=False,
            registration_body=None,
            registration_number=None,
            status="LEFT",
            erased_at=func.now(),
            updated_at=func.now(),
        )
        .returning(members.c.id)
    )
    if done is None or before is None:
        raise Conflict("the member was already erased")
    await rollups.member_changed(
        ctx.db,
        sha,
        MemberKey(before.profession, before.status),
        MemberKey(before.profession, "LEFT"),
    )
    for statement in _DELETE:
        await ctx.db.rows(text(statement), {"sha": sha, "member": member})
    redacted = await ctx.db.scalar(
        text("SELECT audit_erase_member(:sha, :member)"), {"sha": sha, "member": member}
    )
    return int(redacted or 0)


async def decide_leave(ctx: Context, id: str, confirm: bool, note: str | None) -> Any:
    gid = admin_id(ctx, id, "LeaveRequest", "id")
    p = ctx.principal
    if p is None or not administers(p, gid.sha_code):
        raise NotAllowed("only an administrator of her SHA may confirm this")
    require(check_text(note, "note", max_length=1000))
    row = await ctx.db.first(
        select(leave_requests)
        .where(leave_requests.c.sha_code == gid.sha_code, leave_requests.c.id == gid.uuid)
        .with_for_update()
    )
    if row is None:
        raise NotFound("LeaveRequest", id)
    if row.status != "PENDING":
        raise Conflict(f"the request is already {row.status.lower()}")
    redacted = 0
    if confirm:
        redacted = await erase_member(ctx, row.sha_code, row.member_id)
    return await update_audited(
        ctx.db,
        leave_requests,
        sha_code=row.sha_code,
        key=row.id,
        values={
            "status": "CONFIRMED" if confirm else "REJECTED",
            "decided_at": func.now(),
            "decided_by": ctx.db.actor,
            "reason": None if confirm else row.reason,  # her words go with her profile
        },
        action="gdpr.leave.confirm" if confirm else "gdpr.leave.reject",
        entity_type="Member",
        entity_id=str(row.member_id),  # audited under the member she is
        detail={"leave_request_id": str(row.id), "audit_rows_redacted": redacted},
    )


__all__ = ["decide_leave", "erase_member", "request_export", "request_leave"]
