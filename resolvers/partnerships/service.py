"""Writes of shared leadership: validate, write, audit; never commit.

Senior clinical lead limits are each SHA's settings (Yorkshire and the Humber: 30,
two per pathway; see resolvers/sha_rules). They are checked under a
transaction-scoped advisory lock per SHA, so two concurrent appointments in one
SHA are serialised and cannot both take the last place. An appointment gives the
member the SENIOR_CLINICAL_LEAD role; ending it takes the role away."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from sqlalchemy import func, insert, select, text, update

from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import (
    Conflict,
    FieldProblem,
    NotFound,
    ValidationFailed,
    require,
)
from resolvers.common.ids import GlobalId
from resolvers.common.mutation import ensure_writable
from resolvers.directory.enums import REGULATOR_OF, Profession
from resolvers.directory.service import parse_id
from resolvers.directory.tables import members, organisations
from resolvers.partnerships.enums import InterestType, PartnershipLevel
from resolvers.partnerships.tables import (
    declarations_of_interest,
    partnerships,
    senior_clinical_leads,
)
from resolvers.partnerships.types import DeclarationOfInterest, Partnership, SeniorClinicalLead
from resolvers.sha_rules.rules import ShaRulesByCodeLoader

LEAD_ROLE = "SENIOR_CLINICAL_LEAD"
PATHWAY = re.compile(r"^[a-z0-9][a-z0-9 -]{1,78}[a-z0-9]$")


def _target(ctx: Context, value: str, type_name: str, field: str) -> GlobalId:
    gid = parse_id(value, type_name, field)
    if gid.sha_code not in ctx.scope.read:
        raise NotFound(type_name, value)
    ensure_writable(ctx, gid.sha_code)
    return gid


def _clinical(profession: str) -> bool:
    return REGULATOR_OF.get(Profession(profession)) is not None


async def _members(ctx: Context, sha: str, ids: dict[str, GlobalId]) -> dict[str, Any]:
    """Rows of the named members, keyed by input field; all must be of `sha`."""
    for field, gid in ids.items():
        if gid.sha_code != sha:
            raise ValidationFailed([FieldProblem(field, "must be a member of the same SHA")])
    keys = [uuid.UUID(g.key) for g in ids.values()]
    rows = await ctx.db.rows(
        select(members).where(members.c.sha_code == sha, members.c.id.in_(keys))
    )
    by_id = {r.id: r for r in rows}
    found = {}
    for field, gid in ids.items():
        row = by_id.get(uuid.UUID(gid.key))
        if row is None:
            raise NotFound("Member", gid.encode())
        found[field] = row
    return found


async def create_partnership(
    ctx: Context,
    organisation_id: str,
    clinician_id: str,
    manager_id: str | None,
    focus: str | None,
    starts_on: dt.date,
    ends_on: dt.date | None,
) -> Partnership:
    org_gid = _target(ctx, organisation_id, "Organisation", "organisationId")
    sha = org_gid.sha_code
    org = await ctx.db.first(
        select(organisations).where(
            organisations.c.sha_code == sha, organisations.c.id == uuid.UUID(org_gid.key)
        )
    )
    if org is None:
        raise NotFound("Organisation", organisation_id)
    named = {"clinicianId": parse_id(clinician_id, "Member", "clinicianId")}
    if manager_id is not None:
        named["managerId"] = parse_id(manager_id, "Member", "managerId")
    people = await _members(ctx, sha, named)
    level = (
        PartnershipLevel.DIRECTORATE
        if org.type == "SHA_DIRECTORATE"
        else PartnershipLevel.ORGANISATION
    )
    problems: list[FieldProblem] = []
    if not _clinical(people["clinicianId"].profession):
        problems.append(FieldProblem("clinicianId", "must be a registered clinician"))
    if "managerId" in people and people["managerId"].id == people["clinicianId"].id:
        problems.append(FieldProblem("managerId", "must differ from the clinician"))
    if level == PartnershipLevel.ORGANISATION and "managerId" not in people:
        problems.append(FieldProblem("managerId", "an organisation partnership names a manager"))
    if focus is not None and not 1 <= len(focus.strip()) <= 200:
        problems.append(FieldProblem("focus", "must be 1 to 200 characters"))
    if ends_on is not None and ends_on < starts_on:
        problems.append(FieldProblem("endsOn", "must not be before startsOn"))
    require(problems)
    values: dict[str, Any] = {
        "sha_code": sha,
        "level": level.value,
        "organisation_id": org.id,
        "clinician_id": people["clinicianId"].id,
        "manager_id": people["managerId"].id if "managerId" in people else None,
        "focus": focus.strip() if focus else None,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    row = await ctx.db.first(insert(partnerships).values(**values).returning(*partnerships.c))
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="partnership.create",
        entity_type="Partnership",
        entity_id=str(row.id),
        detail={k: v for k, v in values.items() if k != "sha_code"},
    )
    return Partnership.from_row(row)


async def end_partnership(ctx: Context, id: str, ends_on: dt.date) -> Partnership:
    gid = _target(ctx, id, "Partnership", "id")
    current = await ctx.db.first(
        select(partnerships).where(
            partnerships.c.sha_code == gid.sha_code, partnerships.c.id == uuid.UUID(gid.key)
        )
    )
    if current is None:
        raise NotFound("Partnership", id)
    if ends_on < current.starts_on:
        raise ValidationFailed([FieldProblem("endsOn", "must not be before startsOn")])
    row = await update_audited(
        ctx.db,
        partnerships,
        sha_code=gid.sha_code,
        key=current.id,
        values=dict(ends_on=ends_on),
        action="partnership.end",
        entity_type="Partnership",
        detail={"ends_on": ends_on, "previous": current.ends_on},
    )
    return Partnership.from_row(row)


def normalise_pathway(value: str) -> str:
    return " ".join(value.strip().lower().split())


_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


async def appoint_lead(
    ctx: Context, member_id: str, pathway: str, appointed_on: dt.date
) -> SeniorClinicalLead:
    gid = _target(ctx, member_id, "Member", "memberId")
    sha = gid.sha_code
    name = normalise_pathway(pathway)
    problems: list[FieldProblem] = []
    if not PATHWAY.match(name):
        problems.append(
            FieldProblem("pathway", "3 to 80 letters, digits, spaces or hyphens, e.g. `stroke`")
        )
    if appointed_on > dt.date.today():
        problems.append(FieldProblem("appointedOn", "must not be in the future"))
    require(problems)
    person = (await _members(ctx, sha, {"memberId": gid}))["memberId"]
    if not _clinical(person.profession) or person.status != "ACTIVE":
        raise ValidationFailed([FieldProblem("memberId", "must be an active registered clinician")])
    await ctx.db.rows(_LOCK, {"key": f"cln.senior_clinical_leads.{sha}"})
    s = senior_clinical_leads.c
    counts = await ctx.db.first(
        select(
            func.count().label("total"),
            func.count().filter(s.pathway == name).label("pathway"),
            func.count().filter(s.member_id == person.id).label("member"),
        ).where(s.sha_code == sha, s.ends_on.is_(None))
    )
    assert counts is not None
    if counts.member:
        raise Conflict("this member is already a senior clinical lead")
    rules = await ctx.loader(ShaRulesByCodeLoader).load(sha)
    cap, per_pathway = rules.senior_lead_cap, rules.senior_leads_per_pathway
    if cap is not None and counts.total >= cap:
        raise Conflict(
            f"SHA {sha} already has {cap} senior clinical leads, its cap: end an appointment"
            " with endSeniorClinicalLead, or raise seniorLeadCap with updateShaRules"
        )
    if per_pathway is not None and counts.pathway >= per_pathway:
        raise Conflict(
            f"pathway {name!r} already has {per_pathway} senior clinical leads: end one with"
            " endSeniorClinicalLead first"
        )
    row = await ctx.db.first(
        insert(senior_clinical_leads)
        .values(sha_code=sha, member_id=person.id, pathway=name, appointed_on=appointed_on)
        .returning(*senior_clinical_leads.c)
    )
    assert row is not None
    await _set_lead_role(ctx, sha, person.id, give=True)
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="senior_clinical_lead.appoint",
        entity_type="SeniorClinicalLead",
        entity_id=str(row.id),
        detail={"member_id": str(person.id), "pathway": name, "appointed_on": appointed_on},
    )
    return SeniorClinicalLead.from_row(row)


async def _set_lead_role(ctx: Context, sha: str, member_id: Any, *, give: bool) -> None:
    """Give or take the SENIOR_CLINICAL_LEAD role with the appointment (same transaction)."""
    roles = members.c.roles
    new_roles = (
        func.array_append(func.array_remove(roles, LEAD_ROLE), LEAD_ROLE)
        if give
        else func.array_remove(roles, LEAD_ROLE)
    )
    await ctx.db.rows(
        update(members)
        .where(members.c.sha_code == sha, members.c.id == member_id)
        .values(roles=new_roles, updated_at=func.now())
    )


async def _lead(ctx: Context, gid: GlobalId, value: str) -> Any:
    row = await ctx.db.first(
        select(senior_clinical_leads).where(
            senior_clinical_leads.c.sha_code == gid.sha_code,
            senior_clinical_leads.c.id == uuid.UUID(gid.key),
        )
    )
    if row is None:
        raise NotFound("SeniorClinicalLead", value)
    return row


async def end_lead(ctx: Context, id: str, ends_on: dt.date) -> SeniorClinicalLead:
    gid = _target(ctx, id, "SeniorClinicalLead", "id")
    current = await _lead(ctx, gid, id)
    if current.ends_on is not None:
        raise Conflict("this appointment has already ended")
    if ends_on < current.appointed_on or ends_on > dt.date.today():
        raise ValidationFailed(
            [FieldProblem("endsOn", "must be between the appointment date and today")]
        )
    row = await update_audited(
        ctx.db,
        senior_clinical_leads,
        sha_code=gid.sha_code,
        key=current.id,
        values={"ends_on": ends_on},
        action="senior_clinical_lead.end",
        entity_type="SeniorClinicalLead",
        detail={"ends_on": ends_on},
    )
    await _set_lead_role(ctx, gid.sha_code, current.member_id, give=False)
    return SeniorClinicalLead.from_row(row)


async def declare_interest(
    ctx: Context,
    lead_id: str,
    declared_on: dt.date,
    interest_type: InterestType,
    description: str,
) -> DeclarationOfInterest:
    gid = _target(ctx, lead_id, "SeniorClinicalLead", "leadId")
    lead = await _lead(ctx, gid, lead_id)
    problems: list[FieldProblem] = []
    if declared_on > dt.date.today():
        problems.append(FieldProblem("declaredOn", "must not be in the future"))
    if not 1 <= len(description.strip()) <= 1000:
        problems.append(FieldProblem("description", "must be 1 to 1000 characters"))
    require(problems)
    row = await ctx.db.first(
        insert(declarations_of_interest)
        .values(
            sha_code=gid.sha_code,
            lead_id=lead.id,
            declared_on=declared_on,
            interest_type=interest_type.value,
            description=description.strip(),
        )
        .returning(*declarations_of_interest.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=gid.sha_code,
        action="declaration_of_interest.record",
        entity_type="DeclarationOfInterest",
        entity_id=str(row.id),
        detail={
            "lead_id": str(lead.id),
            "declared_on": declared_on,
            "interest_type": interest_type.value,
        },
    )
    return DeclarationOfInterest.from_row(row)
