"""Directory writes. Services validate, write and audit; they never commit."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import FieldProblem, NotFound, ValidationFailed, require
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.mutation import ensure_writable
from resolvers.directory.enums import (
    MemberRole,
    MemberStatus,
    OrganisationType,
    Profession,
    RegistrationBody,
)
from resolvers.directory.tables import members, organisations
from resolvers.directory.types import Member, Organisation
from resolvers.directory.validation import (
    check_email,
    check_org_code,
    check_registration,
    check_text,
)
from resolvers.rollups import counts as rollups
from resolvers.rollups.counts import MemberKey
from tenants.codes import InvalidShaCode, validate_sha_code


def parse_id(value: str, type_name: str, field: str) -> GlobalId:
    try:
        gid = decode_id(value, type_name)
        uuid.UUID(gid.key)
    except Exception:
        raise ValidationFailed([FieldProblem(field, f"is not a valid {type_name} id")]) from None
    return gid


def pick_sha(ctx: Context, requested: str | None) -> str:
    """The SHA a create acts on: the one named, or the only writable one."""
    if requested:
        try:
            return validate_sha_code(requested)
        except InvalidShaCode as exc:
            raise ValidationFailed([FieldProblem("shaCode", str(exc))]) from None
    if len(ctx.scope.write) == 1:
        return next(iter(ctx.scope.write))
    raise ValidationFailed([FieldProblem("shaCode", "name the SHA to create the record in")])


@dataclass
class OrganisationChanges:
    code: str | None = None
    name: str | None = None
    type: OrganisationType | None = None


async def create_organisation(
    ctx: Context, sha_code: str | None, changes: OrganisationChanges
) -> Organisation:
    sha = pick_sha(ctx, sha_code)
    ensure_writable(ctx, sha)
    problems: list[FieldProblem] = []
    if changes.code is None or changes.type is None or changes.name is None:
        raise ValidationFailed([FieldProblem("input", "code, name and type are required")])
    problems += check_text(changes.name, "name", max_length=200)
    problems += check_org_code(changes.code, changes.type)
    require(problems)
    row = await ctx.db.first(
        insert(organisations)
        .values(sha_code=sha, code=changes.code, name=changes.name.strip(), type=changes.type.value)
        .returning(*organisations.c)
    )
    assert row is not None
    await rollups.organisation_added(ctx.db, sha)
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="organisation.create",
        entity_type="Organisation",
        entity_id=str(row.id),
        detail={"code": row.code, "name": row.name, "type": row.type},
    )
    return Organisation.from_row(row)


async def _load_organisation(ctx: Context, gid: GlobalId, field: str) -> Any:
    row = await ctx.db.first(
        select(organisations).where(
            organisations.c.sha_code == gid.sha_code, organisations.c.id == uuid.UUID(gid.key)
        )
    )
    if row is None:
        raise NotFound("Organisation", gid.encode())
    return row


async def update_organisation(ctx: Context, id: str, changes: OrganisationChanges) -> Organisation:
    gid = parse_id(id, "Organisation", "id")
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("Organisation", id)
    ensure_writable(ctx, gid.sha_code)
    current = await _load_organisation(ctx, gid, "id")
    new_type = changes.type or OrganisationType(current.type)
    new_code = changes.code if changes.code is not None else current.code
    problems = check_text(changes.name, "name", max_length=200)
    problems += check_org_code(new_code, new_type)
    require(problems)
    values: dict[str, Any] = {"updated_at": func.now()}
    if changes.name is not None:
        values["name"] = changes.name.strip()
    if changes.code is not None:
        values["code"] = changes.code
    if changes.type is not None:
        values["type"] = changes.type.value
    row = await update_audited(
        ctx.db,
        organisations,
        sha_code=gid.sha_code,
        key=current.id,
        values=values,
        action="organisation.update",
        entity_type="Organisation",
        detail={k: v for k, v in values.items() if k != "updated_at"},
    )
    return Organisation.from_row(row)


@dataclass
class MemberChanges:
    organisation_id: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None
    profession: Profession | None = None
    registration_body: RegistrationBody | None = None
    registration_number: str | None = None
    registration_given: bool = False
    roles: list[MemberRole] | None = None
    joined_on: dt.date | None = None
    status: MemberStatus | None = None


def _member_problems(
    changes: MemberChanges,
    profession: Profession,
    body: Any,
    number: Any,
    joined_on: dt.date | None,
) -> list[FieldProblem]:
    problems = check_text(changes.given_name, "givenName")
    problems += check_text(changes.family_name, "familyName")
    problems += check_email(changes.email)
    problems += check_registration(profession, body, number)
    if joined_on is not None and joined_on > dt.date.today():
        problems.append(FieldProblem("joinedOn", "must not be in the future"))
    if changes.roles is not None and len(set(changes.roles)) != len(changes.roles):
        problems.append(FieldProblem("roles", "must not repeat a role"))
    return problems


async def create_member(ctx: Context, changes: MemberChanges) -> Member:
    if not changes.organisation_id:
        raise ValidationFailed([FieldProblem("organisationId", "is required")])
    org = parse_id(changes.organisation_id, "Organisation", "organisationId")
    if org.sha_code not in ctx.scope.read:
        raise NotFound("Organisation", changes.organisation_id)
    ensure_writable(ctx, org.sha_code)
    if changes.given_name is None or changes.family_name is None or changes.profession is None:
        raise ValidationFailed(
            [FieldProblem("input", "givenName, familyName and profession are required")]
        )
    require(
        _member_problems(
            changes,
            changes.profession,
            changes.registration_body,
            changes.registration_number,
            changes.joined_on,
        )
    )
    organisation = await _load_organisation(ctx, org, "organisationId")
    values: dict[str, Any] = {
        "sha_code": org.sha_code,
        "organisation_id": organisation.id,
        "given_name": changes.given_name.strip(),
        "family_name": changes.family_name.strip(),
        "email": changes.email,
        "profession": changes.profession.value,
        "registration_body": changes.registration_body.value if changes.registration_body else None,
        "registration_number": changes.registration_number,
        "roles": [r.value for r in changes.roles or []],
        "status": (changes.status or MemberStatus.ACTIVE).value,
    }
    if changes.joined_on:
        values["joined_on"] = changes.joined_on
    row = await ctx.db.first(insert(members).values(**values).returning(*members.c))
    assert row is not None
    await rollups.member_changed(ctx.db, row.sha_code, None, MemberKey(row.profession, row.status))
    await record_audit(
        ctx.db,
        sha_code=org.sha_code,
        action="member.create",
        entity_type="Member",
        entity_id=str(row.id),
        detail={k: v for k, v in values.items() if k not in ("sha_code", "email")},
    )
    return Member.from_row(row)


async def update_member(ctx: Context, id: str, changes: MemberChanges) -> Member:
    gid = parse_id(id, "Member", "id")
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("Member", id)
    ensure_writable(ctx, gid.sha_code)
    current = await ctx.db.first(
        select(members)
        .where(members.c.sha_code == gid.sha_code, members.c.id == uuid.UUID(gid.key))
        .with_for_update()  # the rollup counts the member under what it was
    )
    if current is None:
        raise NotFound("Member", id)
    profession = changes.profession or Profession(current.profession)
    if changes.registration_given:
        body, number = changes.registration_body, changes.registration_number
    elif changes.profession is not None:
        body, number = None, None
    else:
        body = RegistrationBody(current.registration_body) if current.registration_body else None
        number = current.registration_number
    require(_member_problems(changes, profession, body, number, changes.joined_on))
    values: dict[str, Any] = {
        "updated_at": func.now(),
        "profession": profession.value,
        "registration_body": body.value if body else None,
        "registration_number": number,
    }
    if changes.organisation_id is not None:
        org = parse_id(changes.organisation_id, "Organisation", "organisationId")
        if org.sha_code != gid.sha_code:
            raise ValidationFailed(
                [FieldProblem("organisationId", "must be an organisation of the member's SHA")]
            )
        values["organisation_id"] = (await _load_organisation(ctx, org, "organisationId")).id
    for name in ("given_name", "family_name", "email", "joined_on"):
        value = getattr(changes, name)
        if value is not None:
            values[name] = value.strip() if isinstance(value, str) else value
    if changes.roles is not None:
        values["roles"] = [r.value for r in changes.roles]
    if changes.status is not None:
        values["status"] = changes.status.value
    row = await update_audited(
        ctx.db,
        members,
        sha_code=gid.sha_code,
        key=current.id,
        values=values,
        action="member.update",
        entity_type="Member",
        detail={k: v for k, v in values.items() if k not in ("updated_at", "email")},
    )
    await rollups.member_changed(
        ctx.db,
        row.sha_code,
        MemberKey(current.profession, current.status),
        MemberKey(row.profession, row.status),
    )
    return Member.from_row(row)
