"""Escalator writes: validate, apply the climbing rule, write, audit. Never commits."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, union_all

from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import (
    FieldProblem,
    NotFound,
    ValidationFailed,
    require,
)
from resolvers.common.ids import GlobalId, encode_id
from resolvers.common.mutation import ensure_writable
from resolvers.directory.service import parse_id, pick_sha
from resolvers.directory.tables import members, organisations
from resolvers.escalator import leads
from resolvers.escalator.enums import EscalatorLevel, PlanStatus
from resolvers.escalator.periods import check_recorded_period
from resolvers.escalator.rules import missing_levels
from resolvers.escalator.tables import (
    assessments,
    engagement_plans,
    national_policy_areas,
    policy_areas,
)
from resolvers.escalator.types import EngagementPlan, EscalatorAssessment, PolicyArea
from resolvers.rollups import counts as rollups


class PeriodTaken(Exception):
    """The organisation already has an assessment for this policy area and quarter;
    mapped to `AssessmentExistsError`, which names the mutation that corrects it."""

    def __init__(self, existing_id: str, area: str, period: str) -> None:
        super().__init__(
            f"an assessment of {area} for {period} already exists ({existing_id}):"
            " correct it with updateEscalatorAssessment"
        )
        self.existing_id = existing_id


class LevelSkipped(Exception):
    """A claim skipped unevidenced levels; mapped to `LevelSkipError` by the mutation."""

    def __init__(self, claimed: int, highest_earlier: int, missing: list[int]) -> None:
        levels = ", ".join(str(k) for k in missing)
        super().__init__(f"level {claimed} skips level(s) {levels}: record evidence for them first")
        self.claimed = claimed
        self.highest_earlier = highest_earlier
        self.missing = missing


def check_text(value: str | None, name: str, max_length: int) -> list[FieldProblem]:
    if value is None:
        return []
    if not value.strip():
        return [FieldProblem(name, "must not be blank")]
    if len(value) > max_length:
        return [FieldProblem(name, f"must be at most {max_length} characters")]
    return []


def readable_id(ctx: Context, value: str, type_name: str, field_name: str) -> GlobalId:
    """Decode an id; an id of a region outside the scope is reported as not found."""
    gid = parse_id(value, type_name, field_name)
    if gid.sha_code not in ctx.scope.read:
        raise NotFound(type_name, value)
    return gid


async def require_row(ctx: Context, table: Any, gid: GlobalId, type_name: str) -> Any:
    row = await ctx.db.first(
        select(table).where(table.c.sha_code == gid.sha_code, table.c.id == uuid.UUID(gid.key))
    )
    if row is None:
        raise NotFound(type_name, gid.encode())
    return row


async def member_in(ctx: Context, sha: str, value: str, field_name: str) -> uuid.UUID:
    """A member of `sha` named by global id (a member of another SHA is refused)."""
    gid = parse_id(value, "Member", field_name)
    if gid.sha_code != sha:
        raise ValidationFailed([FieldProblem(field_name, "must be a member of the same SHA")])
    row = await require_row(ctx, members, gid, "Member")
    return row.id


# --- policy areas ----------------------------------------------------------------------


async def add_policy_area(ctx: Context, sha_code: str | None, code: str, name: str) -> PolicyArea:
    sha = pick_sha(ctx, sha_code)
    ensure_writable(ctx, sha)
    code = code.strip().upper()
    problems = check_text(name, "name", 120)
    if not code.replace("_", "").isalnum() or not code[:1].isalpha() or not 2 <= len(code) <= 40:
        problems.append(
            FieldProblem("code", "use 2-40 letters, digits or _ starting with a letter")
        )
    require(problems)
    national = await ctx.db.scalar(select(func.count()).where(national_policy_areas.c.code == code))
    if national:
        raise ValidationFailed([FieldProblem("code", "is already a national policy area")])
    row = await ctx.db.first(
        insert(policy_areas)
        .values(sha_code=sha, code=code, name=name.strip())
        .returning(*policy_areas.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="escalator.policy_area.create",
        entity_type="PolicyArea",
        entity_id=code,
        detail={"name": row.name},
    )
    return PolicyArea(code=row.code, name=row.name, sha_code=row.sha_code)


async def _area_known(ctx: Context, sha: str, code: str) -> bool:
    query = union_all(
        select(national_policy_areas.c.code).where(national_policy_areas.c.code == code),
        select(policy_areas.c.code).where(
            policy_areas.c.sha_code == sha, policy_areas.c.code == code
        ),
    )
    return bool(await ctx.db.rows(query))


async def _known_area(ctx: Context, sha: str, value: str) -> str:
    area = value.strip().upper()
    if not await _area_known(ctx, sha, area):
        raise ValidationFailed(
            [
                FieldProblem(
                    "policyArea",
                    f"{area} is not a known policy area: pick one of escalatorPolicyAreas"
                    " or add it with addEscalatorPolicyArea",
                )
            ]
        )
    return area


# --- assessments -----------------------------------------------------------------------


@dataclass
class AssessmentChanges:
    level: EscalatorLevel | None = None
    evidence: str | None = None
    earlier_evidence: list[tuple[EscalatorLevel, str]] | None = None
    assessed_on: dt.date | None = None
    assessor_id: str | None = None


@dataclass
class NewAssessment:
    organisation_id: str
    policy_area: str
    period: str
    changes: AssessmentChanges = field(default_factory=AssessmentChanges)


def _evidence_problems(changes: AssessmentChanges, level: int) -> list[FieldProblem]:
    problems = check_text(changes.evidence, "evidence", 4000)
    if changes.assessed_on is not None and changes.assessed_on > dt.date.today():
        problems.append(FieldProblem("assessedOn", "must not be in the future"))
    seen: set[int] = set()
    for i, (lvl, statement) in enumerate(changes.earlier_evidence or []):
        name = f"earlierEvidence.{i}"
        if lvl.value >= level:
            problems.append(FieldProblem(f"{name}.level", "must be below the claimed level"))
        if lvl.value in seen:
            problems.append(FieldProblem(f"{name}.level", "is given twice"))
        seen.add(lvl.value)
        problems += check_text(statement, f"{name}.statement", 4000)
    return problems


async def _highest_earlier(ctx: Context, sha: str, org: Any, area: str, period: str) -> int:
    found = await ctx.db.scalar(
        select(func.max(assessments.c.level)).where(
            assessments.c.sha_code == sha,
            assessments.c.organisation_id == org,
            assessments.c.policy_area == area,
            assessments.c.period < period,
        )
    )
    return int(found or 0)


def _evidence_json(changes: AssessmentChanges) -> list[dict[str, Any]]:
    return [
        {"level": lvl.value, "statement": statement.strip()}
        for lvl, statement in sorted(changes.earlier_evidence or [], key=lambda e: e[0].value)
    ]


async def _enforce_climb(
    ctx: Context, sha: str, org: Any, area: str, period: str, changes: AssessmentChanges
) -> None:
    assert changes.level is not None
    highest = await _highest_earlier(ctx, sha, org, area, period)
    now = {lvl.value for lvl, _ in changes.earlier_evidence or []}
    missing = missing_levels(changes.level.value, highest, now)
    if missing:
        raise LevelSkipped(changes.level.value, highest, missing)


async def record_assessment(ctx: Context, new: NewAssessment) -> EscalatorAssessment:
    org_gid = readable_id(ctx, new.organisation_id, "Organisation", "organisationId")
    sha = org_gid.sha_code
    ensure_writable(ctx, sha)
    changes = new.changes
    area = new.policy_area.strip().upper()
    if changes.level is None or changes.evidence is None:
        raise ValidationFailed([FieldProblem("input", "level and evidence are required")])
    require(
        check_recorded_period(new.period, "period")
        + _evidence_problems(changes, changes.level.value)
    )
    org = await require_row(ctx, organisations, org_gid, "Organisation")
    await leads.require_recorder(ctx, sha, org.id, org.name)
    assessor_ref = changes.assessor_id or _caller_member(ctx, sha)
    assessor = await member_in(ctx, sha, assessor_ref, "assessorId")
    area = await _known_area(ctx, sha, area)
    await _refuse_taken_period(ctx, sha, org.id, area, new.period)
    await _enforce_climb(ctx, sha, org.id, area, new.period, changes)
    values = {
        "sha_code": sha,
        "organisation_id": org.id,
        "policy_area": area,
        "period": new.period,
        "level": changes.level.value,
        "evidence": changes.evidence.strip(),
        "earlier_evidence": _evidence_json(changes),
        "assessor_id": assessor,
        "assessed_on": changes.assessed_on or dt.date.today(),
    }
    row = await ctx.db.first(insert(assessments).values(**values).returning(*assessments.c))
    assert row is not None
    await rollups.assessment_changed(ctx.db, sha, area)
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="escalator.assessment.create",
        entity_type="EscalatorAssessment",
        entity_id=str(row.id),
        detail={k: v for k, v in values.items() if k != "sha_code"},
    )
    return EscalatorAssessment.from_row(row)


async def _refuse_taken_period(ctx: Context, sha: str, org: Any, area: str, period: str) -> None:
    existing = await ctx.db.scalar(
        select(assessments.c.id).where(
            assessments.c.sha_code == sha,
            assessments.c.organisation_id == org,
            assessments.c.policy_area == area,
            assessments.c.period == period,
        )
    )
    if existing is not None:
        raise PeriodTaken(encode_id("EscalatorAssessment", sha, existing), area, period)


def _caller_member(ctx: Context, sha: str) -> str:

    principal = ctx.principal
    if principal is None or not principal.member_id or principal.home_sha != sha:
        raise ValidationFailed(
            [FieldProblem("assessorId", "name the assessor (you are not a member of this SHA)")]
        )
    return encode_id("Member", sha, principal.member_id)


async def update_assessment(
    ctx: Context, id: str, changes: AssessmentChanges
) -> EscalatorAssessment:
    gid = readable_id(ctx, id, "EscalatorAssessment", "id")
    ensure_writable(ctx, gid.sha_code)
    current = await require_row(ctx, assessments, gid, "EscalatorAssessment")
    org = await require_row(
        ctx,
        organisations,
        GlobalId("Organisation", gid.sha_code, str(current.organisation_id)),
        "Organisation",
    )
    await leads.require_recorder(ctx, gid.sha_code, org.id, org.name)
    level = changes.level or EscalatorLevel(current.level)
    merged = AssessmentChanges(
        level=level,
        evidence=changes.evidence,
        earlier_evidence=changes.earlier_evidence
        if changes.earlier_evidence is not None
        else [(EscalatorLevel(e["level"]), e["statement"]) for e in current.earlier_evidence],
        assessed_on=changes.assessed_on,
    )
    require(_evidence_problems(merged, level.value))
    await _enforce_climb(
        ctx, gid.sha_code, current.organisation_id, current.policy_area, current.period, merged
    )
    values: dict[str, Any] = {
        "updated_at": func.now(),
        "level": level.value,
        "earlier_evidence": _evidence_json(merged),
    }
    if changes.evidence is not None:
        values["evidence"] = changes.evidence.strip()
    if changes.assessed_on is not None:
        values["assessed_on"] = changes.assessed_on
    if changes.assessor_id is not None:
        values["assessor_id"] = await member_in(
            ctx, gid.sha_code, changes.assessor_id, "assessorId"
        )
    row = await update_audited(
        ctx.db,
        assessments,
        sha_code=gid.sha_code,
        key=current.id,
        values=values,
        action="escalator.assessment.update",
        entity_type="EscalatorAssessment",
        detail={k: v for k, v in values.items() if k != "updated_at"},
    )
    await rollups.assessment_changed(ctx.db, gid.sha_code, row.policy_area)
    return EscalatorAssessment.from_row(row)


# --- clinical engagement plans ---------------------------------------------------------


@dataclass
class PlanChanges:
    service_change: str | None = None
    engagement_approach: str | None = None
    monitoring_arrangements: str | None = None
    lead_id: str | None = None
    next_review_on: dt.date | None = None
    reviewed_on: dt.date | None = None
    status: PlanStatus | None = None
    policy_area: str | None = None
    target_level: EscalatorLevel | None = None


def _plan_problems(changes: PlanChanges) -> list[FieldProblem]:
    problems = check_text(changes.service_change, "serviceChange", 300)
    if changes.next_review_on is not None and changes.next_review_on <= dt.date.today():
        problems.append(
            FieldProblem("nextReviewOn", "must be in the future: set the date of the next review")
        )
    problems += check_text(changes.engagement_approach, "engagementApproach", 4000)
    problems += check_text(changes.monitoring_arrangements, "monitoringArrangements", 4000)
    if changes.reviewed_on is not None and changes.reviewed_on > dt.date.today():
        problems.append(FieldProblem("reviewedOn", "must not be in the future"))
    if (
        changes.reviewed_on is not None
        and changes.next_review_on is not None
        and changes.next_review_on <= changes.reviewed_on
    ):
        problems.append(FieldProblem("nextReviewOn", "must be after the review date"))
    return problems


async def create_plan(ctx: Context, organisation_id: str, changes: PlanChanges) -> EngagementPlan:
    org_gid = readable_id(ctx, organisation_id, "Organisation", "organisationId")
    sha = org_gid.sha_code
    ensure_writable(ctx, sha)
    if (
        changes.service_change is None
        or changes.engagement_approach is None
        or changes.monitoring_arrangements is None
        or changes.next_review_on is None
        or changes.policy_area is None
        or changes.target_level is None
    ):
        raise ValidationFailed(
            [
                FieldProblem(
                    "input",
                    "serviceChange, engagementApproach, monitoringArrangements, policyArea,"
                    " targetLevel and nextReviewOn are required",
                )
            ]
        )
    require(_plan_problems(changes))
    area = await _known_area(ctx, sha, changes.policy_area)
    org = await require_row(ctx, organisations, org_gid, "Organisation")
    lead = await member_in(ctx, sha, changes.lead_id, "leadId") if changes.lead_id else None
    values = {
        "sha_code": sha,
        "organisation_id": org.id,
        "service_change": changes.service_change.strip(),
        "engagement_approach": changes.engagement_approach.strip(),
        "monitoring_arrangements": changes.monitoring_arrangements.strip(),
        "lead_id": lead,
        "next_review_on": changes.next_review_on,
        "policy_area": area,
        "target_level": changes.target_level.value,
    }
    row = await ctx.db.first(
        insert(engagement_plans).values(**values).returning(*engagement_plans.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="escalator.plan.create",
        entity_type="EngagementPlan",
        entity_id=str(row.id),
        detail={k: v for k, v in values.items() if k != "sha_code"},
    )
    return EngagementPlan.from_row(row)


async def update_plan(ctx: Context, id: str, changes: PlanChanges) -> EngagementPlan:
    gid = readable_id(ctx, id, "EngagementPlan", "id")
    ensure_writable(ctx, gid.sha_code)
    current = await require_row(ctx, engagement_plans, gid, "EngagementPlan")
    require(_plan_problems(changes))
    values: dict[str, Any] = {"updated_at": func.now()}
    for name in (
        "service_change",
        "engagement_approach",
        "monitoring_arrangements",
        "next_review_on",
    ):
        value = getattr(changes, name)
        if value is not None:
            values[name] = value.strip() if isinstance(value, str) else value
    if changes.reviewed_on is not None:
        values["last_reviewed_on"] = changes.reviewed_on
    if changes.status is not None:
        values["status"] = changes.status.value
    if changes.policy_area is not None:
        values["policy_area"] = await _known_area(ctx, gid.sha_code, changes.policy_area)
    if changes.target_level is not None:
        values["target_level"] = changes.target_level.value
    if changes.lead_id is not None:
        values["lead_id"] = await member_in(ctx, gid.sha_code, changes.lead_id, "leadId")
    row = await update_audited(
        ctx.db,
        engagement_plans,
        sha_code=gid.sha_code,
        key=current.id,
        values=values,
        action="escalator.plan.update",
        entity_type="EngagementPlan",
        detail={k: v for k, v in values.items() if k != "updated_at"},
    )
    return EngagementPlan.from_row(row)
