"""A member's own changes: her profile, organisation moves, networks, learning sets and
threads she follows. Services validate, write, audit and notify; they never commit.

Everything acts on the caller's own member record in her home SHA (`require_member`), so
nothing here can reach another SHA's rows: an id of another region is not found.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects.postgresql import insert

from auth.principal import Role
from resolvers.common.audit import record_audit
from resolvers.common.context import Context
from resolvers.common.errors import (
    Conflict,
    FieldProblem,
    NotAllowed,
    NotFound,
    ValidationFailed,
    require,
)
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.mutation import ensure_writable
from resolvers.directory.tables import members, organisations
from resolvers.directory.validation import check_email, check_text
from resolvers.forums.tables import forum_threads
from resolvers.learning_sets.tables import learning_sets, set_members
from resolvers.networks.tables import network_members, networks
from resolvers.notifications.enums import NotificationKind
from resolvers.notifications.service import notify
from resolvers.selfservice.tables import (
    forum_thread_follows,
    learning_set_join_requests,
    network_join_requests,
    organisation_move_requests,
)
from resolvers.viewer.me import Me, require_member

PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
MAX_INTERESTS = 20
ADMINS = (Role.SHA_ADMIN, Role.PLATFORM_ADMIN)


def own_id(value: str, type_name: str, field: str, found: Me) -> uuid.UUID:
    """A global id of `type_name` in her own SHA; another SHA's is not found."""
    try:
        gid = decode_id(value, type_name)
        key = uuid.UUID(gid.key)
    except Exception:
        raise ValidationFailed([FieldProblem(field, f"is not a valid {type_name} id")]) from None
    if gid.sha_code != found.sha_code:
        raise NotFound(type_name, value)
    return key


def admin_id(ctx: Context, value: str, type_name: str, field: str) -> GlobalId:
    """A global id an SHA admin acts on: in a region she may write."""
    try:
        gid = decode_id(value, type_name)
        uuid.UUID(gid.key)
    except Exception:
        raise ValidationFailed([FieldProblem(field, f"is not a valid {type_name} id")]) from None
    if gid.sha_code not in ctx.scope.read:
        raise NotFound(type_name, value)
    ensure_writable(ctx, gid.sha_code)
    p = ctx.principal
    if p is None or not (p.has_role(Role.PLATFORM_ADMIN) or p.home_sha == gid.sha_code):
        raise NotAllowed(f"only an administrator of SHA {gid.sha_code} may decide this")
    return gid


async def _audit(
    ctx: Context, sha: str, action: str, entity: str, ident: Any, **detail: Any
) -> None:
    await record_audit(
        ctx.db, sha_code=sha, action=action, entity_type=entity, entity_id=str(ident), detail=detail
    )


# --- profile ---------------------------------------------------------------------------


@dataclass
class ProfileChanges:
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    biography: str | None = None
    interests: list[str] | None = None
    contact_visible: bool | None = None
    clear: frozenset[str] = frozenset()  # optional fields to empty: phone, jobTitle, biography


def _profile_problems(changes: ProfileChanges) -> list[FieldProblem]:
    problems = check_email(changes.email)
    if changes.phone is not None and not PHONE.match(changes.phone):
        problems.append(FieldProblem("phone", "is not a phone number"))
    problems += check_text(changes.job_title, "jobTitle", max_length=200)
    problems += check_text(changes.biography, "biography", max_length=2000)
    if changes.interests is not None:
        if len(changes.interests) > MAX_INTERESTS:
            problems.append(FieldProblem("interests", f"at most {MAX_INTERESTS}"))
        for i, interest in enumerate(changes.interests):
            problems += check_text(interest, f"interests.{i}", max_length=80)
    unknown = changes.clear - {"phone", "jobTitle", "biography"}
    if unknown:
        problems.append(FieldProblem("clear", f"cannot clear {', '.join(sorted(unknown))}"))
    return problems


async def update_profile(ctx: Context, changes: ProfileChanges) -> Me:
    found = await require_member(ctx)
    require(_profile_problems(changes))
    values: dict[str, Any] = {"updated_at": func.now()}
    if changes.email is not None:
        values["email"] = changes.email.strip()
    if changes.phone is not None:
        values["phone"] = changes.phone.strip()
    if changes.job_title is not None:
        values["job_title"] = changes.job_title.strip()
    if changes.biography is not None:
        values["biography"] = changes.biography.strip()
    if changes.interests is not None:
        values["interests"] = sorted({i.strip() for i in changes.interests})
    if changes.contact_visible is not None:
        values["contact_visible"] = changes.contact_visible
    for name in changes.clear:
        values[{"jobTitle": "job_title"}.get(name, name)] = None
    row = await ctx.db.first(
        update(members)
        .where(
            members.c.sha_code == found.sha_code,
            members.c.id == found.member_id,
            members.c.erased_at.is_(None),
        )
        .values(**values)
        .returning(members.c.id)
    )
    if row is None:
        raise NotFound("Member", str(found.member_id))
    changed = sorted(k for k in values if k != "updated_at")
    # the audit names the fields changed, never their values (personal data)
    await _audit(
        ctx, found.sha_code, "member.profile.update", "Member", found.member_id, fields=changed
    )
    return found


# --- organisation moves ----------------------------------------------------------------


async def request_organisation_move(ctx: Context, organisation_id: str) -> Any:
    found = await require_member(ctx)
    org = own_id(organisation_id, "Organisation", "organisationId", found)
    exists = await ctx.db.scalar(
        select(organisations.c.id).where(
            organisations.c.sha_code == found.sha_code, organisations.c.id == org
        )
    )
    if exists is None:
        raise NotFound("Organisation", organisation_id)
    current = await ctx.db.scalar(
        select(members.c.organisation_id).where(
            members.c.sha_code == found.sha_code, members.c.id == found.member_id
        )
    )
    if current == org:
        raise Conflict("you already work for this organisation")
    row = await ctx.db.first(
        insert(organisation_move_requests)
        .values(sha_code=found.sha_code, member_id=found.member_id, organisation_id=org)
        .returning(*organisation_move_requests.c)
    )
    assert row is not None
    await _audit(
        ctx,
        found.sha_code,
        "member.organisation_move.request",
        "OrganisationMoveRequest",
        row.id,
        organisation_id=str(org),
    )
    return row


async def _pending(ctx: Context, table: Any, gid: GlobalId, type_name: str) -> Any:
    row = await ctx.db.first(
        select(table)
        .where(table.c.sha_code == gid.sha_code, table.c.id == gid.uuid)
        .with_for_update()
    )
    if row is None:
        raise NotFound(type_name, gid.encode())
    if row.status != "PENDING":
        raise Conflict(f"the request is already {row.status.lower()}")
    return row


async def _decide(ctx: Context, table: Any, row: Any, approve: bool, note: str | None) -> Any:
    require(check_text(note, "note", max_length=1000))
    decided = await ctx.db.first(
        update(table)
        .where(table.c.sha_code == row.sha_code, table.c.id == row.id)
        .values(
            status="APPROVED" if approve else "REJECTED",
            decided_at=func.now(),
            decided_by=ctx.db.actor,
            note=note.strip() if note else None,
        )
        .returning(*table.c)
    )
    assert decided is not None
    return decided


async def _tell_decision(
    ctx: Context,
    row: Any,
    approve: bool,
    note: str | None,
    *,
    action: str,
    entity_type: str,
    what: str,
    subject_id: str,
) -> None:
    """Audit a decided request and tell its member: "Your <what> was approved"."""
    await _audit(
        ctx,
        row.sha_code,
        action,
        entity_type,
        row.id,
        approved=approve,
        member_id=str(row.member_id),
    )
    await notify(
        ctx.db,
        (row.sha_code, row.member_id),
        NotificationKind.MEMBERSHIP_REQUEST_DECIDED,
        f"Your {what} was {'approved' if approve else 'declined'}",
        note or "",
        subject_id=subject_id,
    )


async def decide_organisation_move(ctx: Context, id: str, approve: bool, note: str | None) -> Any:
    gid = admin_id(ctx, id, "OrganisationMoveRequest", "id")
    row = await _pending(ctx, organisation_move_requests, gid, "OrganisationMoveRequest")
    decided = await _decide(ctx, organisation_move_requests, row, approve, note)
    if approve:
        await ctx.db.rows(
            update(members)
            .where(members.c.sha_code == row.sha_code, members.c.id == row.member_id)
            .values(organisation_id=row.organisation_id, updated_at=func.now())
        )
    await _tell_decision(
        ctx,
        row,
        approve,
        note,
        action="member.organisation_move.decide",
        entity_type="OrganisationMoveRequest",
        what="organisation move",
        subject_id=gid.encode(),
    )
    return decided


# --- networks --------------------------------------------------------------------------


async def join_network(ctx: Context, network_id: str) -> tuple[str, Any]:
    """Open networks: she joins now. Closed ones: a request an SHA admin decides.
    Returns ("JOINED", membership row) or ("REQUESTED", request row)."""

    found = await require_member(ctx)
    key = own_id(network_id, "Network", "networkId", found)
    network = await ctx.db.first(
        select(networks.c.id).where(networks.c.sha_code == found.sha_code, networks.c.id == key)
    )
    if network is None:
        raise NotFound("Network", network_id)
    already = await ctx.db.scalar(
        select(network_members.c.member_id).where(
            network_members.c.sha_code == found.sha_code,
            network_members.c.network_id == key,
            network_members.c.member_id == found.member_id,
        )
    )
    if already is not None:
        raise Conflict("you already belong to this network")
    policy = await _join_policy(ctx, found.sha_code, key)
    if policy == "OPEN":
        row = await ctx.db.first(
            insert(network_members)
            .values(
                sha_code=found.sha_code, network_id=key, member_id=found.member_id, role="MEMBER"
            )
            .returning(*network_members.c)
        )
        await _audit(
            ctx,
            found.sha_code,
            "network.member.join",
            "Network",
            key,
            member_id=str(found.member_id),
        )
        return "JOINED", row
    row = await ctx.db.first(
        insert(network_join_requests)
        .values(sha_code=found.sha_code, network_id=key, member_id=found.member_id)
        .returning(*network_join_requests.c)
    )
    await _audit(
        ctx,
        found.sha_code,
        "network.join.request",
        "NetworkJoinRequest",
        row.id if row else "",
        network_id=str(key),
    )
    return "REQUESTED", row


async def _join_policy(ctx: Context, sha: str, network_key: uuid.UUID) -> str:
    from sqlalchemy import text

    policy = await ctx.db.scalar(
        text("SELECT join_policy FROM networks WHERE sha_code = :sha AND id = :id"),
        {"sha": sha, "id": network_key},
    )
    return str(policy or "OPEN")


async def set_join_policy(ctx: Context, network_id: str, policy: str) -> GlobalId:
    from sqlalchemy import text

    gid = admin_id(ctx, network_id, "Network", "networkId")
    done = await ctx.db.scalar(
        text(
            "UPDATE networks SET join_policy = :policy, updated_at = now()"
            " WHERE sha_code = :sha AND id = :id RETURNING id"
        ),
        {"policy": policy, "sha": gid.sha_code, "id": gid.uuid},
    )
    if done is None:
        raise NotFound("Network", network_id)
    await _audit(ctx, gid.sha_code, "network.join_policy", "Network", gid.key, policy=policy)
    return gid


async def leave_network(ctx: Context, network_id: str) -> uuid.UUID:

    found = await require_member(ctx)
    key = own_id(network_id, "Network", "networkId", found)
    left = await ctx.db.first(
        network_members.delete()
        .where(
            network_members.c.sha_code == found.sha_code,
            network_members.c.network_id == key,
            network_members.c.member_id == found.member_id,
        )
        .returning(network_members.c.member_id)
    )
    if left is None:
        raise NotFound("NetworkMembership", network_id)
    await _audit(
        ctx, found.sha_code, "network.member.leave", "Network", key, member_id=str(found.member_id)
    )
    return key


async def decide_network_join(ctx: Context, id: str, approve: bool, note: str | None) -> Any:

    gid = admin_id(ctx, id, "NetworkJoinRequest", "id")
    row = await _pending(ctx, network_join_requests, gid, "NetworkJoinRequest")
    decided = await _decide(ctx, network_join_requests, row, approve, note)
    if approve:
        await ctx.db.rows(
            insert(network_members)
            .values(
                sha_code=row.sha_code,
                network_id=row.network_id,
                member_id=row.member_id,
                role="MEMBER",
            )
            .on_conflict_do_nothing()
        )
    await _tell_decision(
        ctx,
        row,
        approve,
        note,
        action="network.join.decide",
        entity_type="NetworkJoinRequest",
        what="request to join a network",
        subject_id=GlobalId("Network", row.sha_code, str(row.network_id)).encode(),
    )
    return decided


# --- learning sets ---------------------------------------------------------------------


async def request_learning_set_place(ctx: Context, set_id: str) -> Any:
    learning_set_members = set_members

    found = await require_member(ctx)
    key = own_id(set_id, "LearningSet", "setId", found)
    the_set = await ctx.db.first(
        select(learning_sets.c.id, learning_sets.c.status).where(
            learning_sets.c.sha_code == found.sha_code, learning_sets.c.id == key
        )
    )
    if the_set is None:
        raise NotFound("LearningSet", set_id)
    if the_set.status != "ACTIVE":
        raise Conflict("the learning set is closed")
    m = learning_set_members.c
    current = await ctx.db.scalar(
        select(m.member_id).where(
            m.sha_code == found.sha_code,
            m.set_id == key,
            m.member_id == found.member_id,
            m.left_on.is_(None),
        )
    )
    if current is not None:
        raise Conflict("you already belong to this learning set")
    row = await ctx.db.first(
        insert(learning_set_join_requests)
        .values(sha_code=found.sha_code, set_id=key, member_id=found.member_id)
        .returning(*learning_set_join_requests.c)
    )
    assert row is not None
    await _audit(
        ctx,
        found.sha_code,
        "learning_set.join.request",
        "LearningSetJoinRequest",
        row.id,
        set_id=str(key),
    )
    return row


async def _may_decide_for_set(ctx: Context, sha: str, set_key: uuid.UUID) -> None:
    """SHA admins of the set's SHA, or a current facilitator of the set."""
    learning_set_members = set_members

    p = ctx.principal
    if (
        p is not None
        and p.has_role(*ADMINS)
        and (p.home_sha == sha or p.has_role(Role.PLATFORM_ADMIN))
    ):
        return
    from resolvers.directory.privacy import own_member

    mine = own_member(p)
    if mine is not None and p is not None and p.home_sha == sha:
        m = learning_set_members.c
        found = await ctx.db.scalar(
            select(m.member_id).where(
                m.sha_code == sha,
                m.set_id == set_key,
                m.member_id == mine,
                m.role == "FACILITATOR",
                m.left_on.is_(None),
            )
        )
        if found is not None:
            return
    raise NotAllowed("only the set's facilitators or SHA admins may decide this")


async def decide_learning_set_request(
    ctx: Context, id: str, approve: bool, note: str | None
) -> Any:
    """Approve within capacity: the set's row is locked, current members counted."""
    from sqlalchemy import text

    learning_set_members = set_members

    try:
        gid = decode_id(id, "LearningSetJoinRequest")
        uuid.UUID(gid.key)
    except Exception:
        raise ValidationFailed(
            [FieldProblem("id", "is not a valid LearningSetJoinRequest id")]
        ) from None
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("LearningSetJoinRequest", id)
    ensure_writable(ctx, gid.sha_code)
    row = await _pending(ctx, learning_set_join_requests, gid, "LearningSetJoinRequest")
    await _may_decide_for_set(ctx, row.sha_code, row.set_id)
    if approve:
        capacity = await ctx.db.scalar(
            text(
                "SELECT capacity FROM learning_sets WHERE sha_code = :sha AND id = :id FOR UPDATE"
            ),
            {"sha": row.sha_code, "id": row.set_id},
        )
        m = learning_set_members.c
        taken = await ctx.db.scalar(
            select(func.count()).where(
                m.sha_code == row.sha_code, m.set_id == row.set_id, m.left_on.is_(None)
            )
        )
        if capacity is not None and int(taken or 0) >= int(capacity):
            raise Conflict(f"the learning set is full ({capacity} places)")
        rejoined = await ctx.db.first(
            update(learning_set_members)
            .where(m.sha_code == row.sha_code, m.set_id == row.set_id, m.member_id == row.member_id)
            .values(left_on=None, joined_on=func.current_date(), role="PARTICIPANT")
            .returning(m.member_id)
        )
        if rejoined is None:
            await ctx.db.rows(
                insert(learning_set_members).values(
                    sha_code=row.sha_code,
                    set_id=row.set_id,
                    member_id=row.member_id,
                    role="PARTICIPANT",
                )
            )
    decided = await _decide(ctx, learning_set_join_requests, row, approve, note)
    await _tell_decision(
        ctx,
        row,
        approve,
        note,
        action="learning_set.join.decide",
        entity_type="LearningSetJoinRequest",
        what="request to join a learning set",
        subject_id=GlobalId("LearningSet", row.sha_code, str(row.set_id)).encode(),
    )
    return decided


# --- threads I follow ------------------------------------------------------------------


async def follow_thread(ctx: Context, thread_id: str, follow: bool) -> uuid.UUID:
    """Follow a thread of her SHA, or of a national forum whatever SHA it was started in
    (the follow is hers, kept in her SHA; migration 1400)."""
    t = forum_threads

    found = await require_member(ctx)
    try:
        gid = decode_id(thread_id, "ForumThread")
        key = uuid.UUID(gid.key)
    except Exception:
        raise ValidationFailed(
            [FieldProblem("threadId", "is not a valid ForumThread id")]
        ) from None
    thread = await ctx.db.first(
        select(t.c.id, t.c.forum_is_national).where(t.c.sha_code == gid.sha_code, t.c.id == key)
    )
    if thread is None or (gid.sha_code != found.sha_code and not thread.forum_is_national):
        raise NotFound("ForumThread", thread_id)
    f = forum_thread_follows.c
    if follow:
        await ctx.db.rows(
            insert(forum_thread_follows)
            .values(
                sha_code=found.sha_code,
                thread_id=key,
                member_id=found.member_id,
                thread_sha_code=gid.sha_code,
                thread_is_national=thread.forum_is_national,
            )
            .on_conflict_do_nothing()
        )
    else:
        await ctx.db.rows(
            forum_thread_follows.delete().where(
                and_(
                    f.sha_code == found.sha_code,
                    f.thread_sha_code == gid.sha_code,
                    f.thread_id == key,
                    f.member_id == found.member_id,
                )
            )
        )
    await _audit(
        ctx,
        found.sha_code,
        "forum.thread.follow" if follow else "forum.thread.unfollow",
        "ForumThread",
        key,
    )
    return key
