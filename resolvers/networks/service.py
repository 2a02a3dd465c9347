"""Network-map writes. Services validate, write and audit; they never commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import FieldProblem, NotFound, ValidationFailed, require
from resolvers.common.ids import GlobalId
from resolvers.common.mutation import ensure_writable
from resolvers.directory.service import parse_id, pick_sha
from resolvers.directory.tables import members, organisations
from resolvers.directory.validation import check_text
from resolvers.networks.enums import (
    ClinicalArea,
    NetworkKind,
    NetworkRole,
    OutsideBodyKind,
)
from resolvers.networks.policy_areas import normalise, policy_area_problems
from resolvers.networks.tables import network_links, network_members, networks
from resolvers.networks.types import Network, NetworkLink, NetworkMembership


@dataclass
class NetworkChanges:
    name: str | None = None
    kind: NetworkKind | None = None
    clinical_area: ClinicalArea | None = None
    clear_clinical_area: bool = False
    description: str | None = None
    policy_areas: list[str] | None = field(default=None)


def _problems(changes: NetworkChanges) -> list[FieldProblem]:
    problems = check_text(changes.name, "name", max_length=200)
    if changes.description is not None and len(changes.description) > 4000:
        problems.append(FieldProblem("description", "must be at most 4000 characters"))
    return problems


async def _all_problems(ctx: Context, sha: str, changes: NetworkChanges) -> list[FieldProblem]:
    problems = _problems(changes)
    if changes.policy_areas is not None:
        changes.policy_areas = normalise(changes.policy_areas)
        problems += await policy_area_problems(ctx, sha, changes.policy_areas)
    return problems


async def _writable_target(ctx: Context, value: str, type_name: str, field: str) -> GlobalId:
    gid = parse_id(value, type_name, field)
    if gid.sha_code not in ctx.scope.read:
        raise NotFound(type_name, value)
    ensure_writable(ctx, gid.sha_code)
    return gid


async def _network_row(ctx: Context, gid: GlobalId) -> Any:
    row = await ctx.db.first(
        select(networks).where(
            networks.c.sha_code == gid.sha_code, networks.c.id == uuid.UUID(gid.key)
        )
    )
    if row is None:
        raise NotFound("Network", gid.encode())
    return row


async def create_network(ctx: Context, sha_code: str | None, changes: NetworkChanges) -> Network:
    sha = pick_sha(ctx, sha_code)
    ensure_writable(ctx, sha)
    if changes.name is None or changes.kind is None:
        raise ValidationFailed([FieldProblem("input", "name and kind are required")])
    problems = await _all_problems(ctx, sha, changes)
    if changes.kind != NetworkKind.ROLE_NETWORK and changes.clinical_area is None:
        problems.append(FieldProblem("clinicalArea", "is required unless it is a role network"))
    require(problems)
    values = {
        "sha_code": sha,
        "name": changes.name.strip(),
        "kind": changes.kind.value,
        "clinical_area": changes.clinical_area.value if changes.clinical_area else None,
        "description": changes.description,
        "policy_areas": changes.policy_areas or [],
    }
    row = await ctx.db.first(insert(networks).values(**values).returning(*networks.c))
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="network.create",
        entity_type="Network",
        entity_id=str(row.id),
        detail={k: v for k, v in values.items() if k != "sha_code"},
    )
    return Network.from_row(row)


async def update_network(ctx: Context, id: str, changes: NetworkChanges) -> Network:
    gid = await _writable_target(ctx, id, "Network", "id")
    current = await _network_row(ctx, gid)
    require(await _all_problems(ctx, gid.sha_code, changes))
    values: dict[str, Any] = {}
    if changes.name is not None:
        values["name"] = changes.name.strip()
    if changes.kind is not None:
        values["kind"] = changes.kind.value
    if changes.clinical_area is not None:
        values["clinical_area"] = changes.clinical_area.value
    elif changes.clear_clinical_area:
        values["clinical_area"] = None
    if changes.description is not None:
        values["description"] = changes.description
    if changes.policy_areas is not None:
        values["policy_areas"] = changes.policy_areas
    kind = values.get("kind", current.kind)
    area = values.get("clinical_area", current.clinical_area)
    if kind != NetworkKind.ROLE_NETWORK.value and area is None:
        raise ValidationFailed(
            [FieldProblem("clinicalArea", "is required unless it is a role network")]
        )
    row = await update_audited(
        ctx.db,
        networks,
        sha_code=gid.sha_code,
        key=current.id,
        values=dict(**values, updated_at=func.now()),
        action="network.update",
        entity_type="Network",
        detail=values,
    )
    return Network.from_row(row)


async def _same_sha_member(ctx: Context, value: str, sha: str, field: str) -> uuid.UUID:
    gid = parse_id(value, "Member", field)
    if gid.sha_code != sha:
        raise ValidationFailed([FieldProblem(field, "must be a member of the network's SHA")])
    found = await ctx.db.scalar(
        select(members.c.id).where(members.c.sha_code == sha, members.c.id == uuid.UUID(gid.key))
    )
    if found is None:
        raise NotFound("Member", value)
    return uuid.UUID(gid.key)


async def set_network_member(
    ctx: Context, network_id: str, member_id: str, role: NetworkRole
) -> NetworkMembership:
    """Add a member to a network, or change the role of one already in it."""
    gid = await _writable_target(ctx, network_id, "Network", "networkId")
    network = await _network_row(ctx, gid)
    member = await _same_sha_member(ctx, member_id, gid.sha_code, "memberId")
    statement = pg_insert(network_members).values(
        sha_code=gid.sha_code, network_id=network.id, member_id=member, role=role.value
    )
    row = await ctx.db.first(
        statement.on_conflict_do_update(
            index_elements=["sha_code", "network_id", "member_id"], set_={"role": role.value}
        ).returning(*network_members.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=gid.sha_code,
        action="network.member.set",
        entity_type="Network",
        entity_id=str(network.id),
        detail={"member_id": str(member), "role": role.value},
    )
    return NetworkMembership(
        role=role,
        joined_at=row.joined_at,
        network=Network.from_row(network),
        sha_code=gid.sha_code,
        member_db_id=member,
    )


async def remove_network_member(ctx: Context, network_id: str, member_id: str) -> Network:
    gid = await _writable_target(ctx, network_id, "Network", "networkId")
    network = await _network_row(ctx, gid)
    member = parse_id(member_id, "Member", "memberId")
    removed = await ctx.db.first(
        delete(network_members)
        .where(
            network_members.c.sha_code == gid.sha_code,
            network_members.c.network_id == network.id,
            network_members.c.member_id == uuid.UUID(member.key),
        )
        .returning(network_members.c.member_id)
    )
    if removed is None:
        raise NotFound("NetworkMembership", member_id)
    await record_audit(
        ctx.db,
        sha_code=gid.sha_code,
        action="network.member.remove",
        entity_type="Network",
        entity_id=str(network.id),
        detail={"member_id": member.key},
    )
    return Network.from_row(network)


@dataclass
class LinkChanges:
    organisation_id: str | None = None
    body_name: str | None = None
    body_kind: OutsideBodyKind | None = None
    note: str | None = None


async def add_network_link(ctx: Context, network_id: str, link: LinkChanges) -> NetworkLink:
    gid = await _writable_target(ctx, network_id, "Network", "networkId")
    if (link.organisation_id is None) == (link.body_name is None):
        raise ValidationFailed(
            [FieldProblem("input", "give either organisationId or outsideBody, not both")]
        )
    problems = check_text(link.body_name, "outsideBody.name", max_length=200)
    if link.note is not None and len(link.note) > 1000:
        problems.append(FieldProblem("note", "must be at most 1000 characters"))
    require(problems)
    network = await _network_row(ctx, gid)
    organisation = None
    if link.organisation_id is not None:
        org = parse_id(link.organisation_id, "Organisation", "organisationId")
        if org.sha_code != gid.sha_code:
            raise ValidationFailed(
                [FieldProblem("organisationId", "must be an organisation of the network's SHA")]
            )
        organisation = await ctx.db.scalar(
            select(organisations.c.id).where(
                organisations.c.sha_code == org.sha_code,
                organisations.c.id == uuid.UUID(org.key),
            )
        )
        if organisation is None:
            raise NotFound("Organisation", link.organisation_id)
    values = {
        "sha_code": gid.sha_code,
        "network_id": network.id,
        "organisation_id": organisation,
        "body_name": link.body_name.strip() if link.body_name else None,
        "body_kind": link.body_kind.value if link.body_kind and link.body_name else None,
        "note": link.note,
    }
    row = await ctx.db.first(insert(network_links).values(**values).returning(*network_links.c))
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=gid.sha_code,
        action="network.link.add",
        entity_type="Network",
        entity_id=str(network.id),
        detail={k: v for k, v in values.items() if k != "sha_code"},
    )
    return NetworkLink.from_row(row)


async def remove_network_link(ctx: Context, link_id: str) -> Network:
    gid = await _writable_target(ctx, link_id, "NetworkLink", "id")
    row = await ctx.db.first(
        delete(network_links)
        .where(network_links.c.sha_code == gid.sha_code, network_links.c.id == uuid.UUID(gid.key))
        .returning(network_links.c.network_id)
    )
    if row is None:
        raise NotFound("NetworkLink", link_id)
    await record_audit(
        ctx.db,
        sha_code=gid.sha_code,
        action="network.link.remove",
        entity_type="Network",
        entity_id=str(row.network_id),
        detail={"link_id": gid.key},
    )
    network_gid = GlobalId("Network", gid.sha_code, str(row.network_id))
    return Network.from_row(await _network_row(ctx, network_gid))
