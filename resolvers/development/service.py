"""Writes of leadership development: validate, write, audit; never commit."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update

from auth.principal import Role
from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import FieldProblem, NotAllowed, NotFound, ValidationFailed, require
from resolvers.common.mutation import ensure_writable
from resolvers.development.enums import FundingSource, ProgrammeFormat
from resolvers.development.tables import (
    competencies,
    competency_frameworks,
    self_assessment_scores,
    self_assessments,
    training_programmes,
    training_providers,
)
from resolvers.development.types import SelfAssessment, TrainingProgramme, TrainingProvider
from resolvers.directory.service import parse_id, pick_sha
from resolvers.directory.tables import members
from resolvers.directory.validation import check_text
from resolvers.knowledge.validation import check_url

EARLIEST_ASSESSMENT = dt.date(2000, 1, 1)


@dataclass
class ProviderInput:
    sha_code: str | None
    name: str
    website: str | None
    published_nationally: bool


async def create_provider(ctx: Context, data: ProviderInput) -> TrainingProvider:
    sha = pick_sha(ctx, data.sha_code)
    ensure_writable(ctx, sha)
    problems = check_text(data.name, "name", max_length=200)
    if data.website is not None and not data.website.startswith(("http://", "https://")):
        problems.append(FieldProblem("website", "must start with http:// or https://"))
    require(problems)
    row = await ctx.db.first(
        insert(training_providers)
        .values(
            sha_code=sha,
            name=data.name.strip(),
            website=data.website,
            published_nationally=data.published_nationally,
        )
        .returning(*training_providers.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="training_provider.create",
        entity_type="TrainingProvider",
        entity_id=str(row.id),
        detail={"name": row.name, "published_nationally": row.published_nationally},
    )
    return TrainingProvider.from_row(row)


@dataclass
class ProgrammeChanges:
    provider_id: str | None = None
    title: str | None = None
    format: ProgrammeFormat | None = None
    length_days: float | None = None
    cost_pence: int | None = None
    funding_sources: list[FundingSource] | None = None
    competency_codes: list[str] | None = None
    published_nationally: bool | None = None
    description: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    venue: str | None = None
    booking_url: str | None = None
    eligibility: str | None = None


DETAILS = ("description", "starts_on", "ends_on", "venue", "booking_url", "eligibility")


async def _check_programme(ctx: Context, changes: ProgrammeChanges) -> list[FieldProblem]:
    problems = check_text(changes.title, "title", max_length=200)
    problems += check_text(changes.description, "description", max_length=8000)
    problems += check_text(changes.venue, "venue", max_length=200)
    problems += check_text(changes.eligibility, "eligibility", max_length=2000)
    if changes.booking_url is not None:
        problems += check_url(changes.booking_url, "bookingUrl")
    if changes.starts_on and changes.ends_on and changes.ends_on < changes.starts_on:
        problems.append(FieldProblem("endsOn", "must not be before startsOn"))
    if changes.length_days is not None and not 0 < changes.length_days <= 1000:
        problems.append(FieldProblem("lengthDays", "must be more than 0 and at most 1000"))
    if changes.cost_pence is not None and not 0 <= changes.cost_pence <= 10_000_000:
        problems.append(FieldProblem("costPence", "must be between 0 and 10000000"))
    if changes.funding_sources is not None:
        if not changes.funding_sources:
            problems.append(FieldProblem("fundingSources", "name at least one funding source"))
        elif len(set(changes.funding_sources)) != len(changes.funding_sources):
            problems.append(FieldProblem("fundingSources", "must not repeat a source"))
    codes = changes.competency_codes
    if codes is not None:
        if not codes:
            problems.append(FieldProblem("competencyCodes", "name at least one competency"))
        elif len(set(codes)) != len(codes):
            problems.append(FieldProblem("competencyCodes", "must not repeat a competency"))
        else:
            known = {
                r.code
                for r in await ctx.db.rows(
                    select(competencies.c.code).where(competencies.c.code.in_(codes))
                )
            }
            unknown = [c for c in codes if c not in known]
            if unknown:
                problems.append(
                    FieldProblem("competencyCodes", f"unknown competencies: {', '.join(unknown)}")
                )
    return problems


async def _publish_provider(ctx: Context, sha: str, provider_id: uuid.UUID) -> None:
    """A nationally published programme needs its provider readable nationally too."""
    await ctx.db.rows(
        update(training_providers)
        .where(
            training_providers.c.sha_code == sha,
            training_providers.c.id == provider_id,
            training_providers.c.published_nationally.is_(False),
        )
        .values(published_nationally=True, updated_at=func.now())
    )


async def create_programme(ctx: Context, changes: ProgrammeChanges) -> TrainingProgramme:
    if not changes.provider_id:
        raise ValidationFailed([FieldProblem("providerId", "is required")])
    provider_gid = parse_id(changes.provider_id, "TrainingProvider", "providerId")
    if provider_gid.sha_code not in ctx.scope.read:
        raise NotFound("TrainingProvider", changes.provider_id)
    ensure_writable(ctx, provider_gid.sha_code)
    sha = provider_gid.sha_code
    provider = await ctx.db.first(
        select(training_providers).where(
            training_providers.c.sha_code == sha,
            training_providers.c.id == uuid.UUID(provider_gid.key),
        )
    )
    if provider is None:
        raise NotFound("TrainingProvider", changes.provider_id)
    require(await _check_programme(ctx, changes))
    assert changes.title and changes.format and changes.length_days is not None
    assert changes.cost_pence is not None and changes.funding_sources and changes.competency_codes
    values: dict[str, Any] = {
        "sha_code": sha,
        "provider_id": provider.id,
        "title": changes.title.strip(),
        "format": changes.format.value,
        "length_days": changes.length_days,
        "cost_pence": changes.cost_pence,
        "funding_sources": [f.value for f in changes.funding_sources],
        "competency_codes": changes.competency_codes,
        "published_nationally": bool(changes.published_nationally),
        **{
            name: (value.strip() if isinstance(value, str) else value)
            for name in DETAILS
            if (value := getattr(changes, name)) is not None
        },
    }
    row = await ctx.db.first(
        insert(training_programmes).values(**values).returning(*training_programmes.c)
    )
    assert row is not None
    if row.published_nationally:
        await _publish_provider(ctx, sha, provider.id)
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="training_programme.create",
        entity_type="TrainingProgramme",
        entity_id=str(row.id),
        detail={k: v for k, v in values.items() if k != "sha_code"},
    )
    return TrainingProgramme.from_row(row)


async def update_programme(ctx: Context, id: str, changes: ProgrammeChanges) -> TrainingProgramme:
    gid = parse_id(id, "TrainingProgramme", "id")
    current = await ctx.db.first(
        select(training_programmes).where(
            training_programmes.c.sha_code == gid.sha_code,
            training_programmes.c.id == uuid.UUID(gid.key),
        )
    )
    if current is None:
        raise NotFound("TrainingProgramme", id)
    # Readable (e.g. published nationally) is not writable: only the owner SHA edits.
    ensure_writable(ctx, gid.sha_code)
    require(await _check_programme(ctx, changes))
    values: dict[str, Any] = {}
    for name in (
        "title",
        "length_days",
        "cost_pence",
        "competency_codes",
        "published_nationally",
        *DETAILS,
    ):
        value = getattr(changes, name)
        if value is not None:
            values[name] = value.strip() if isinstance(value, str) else value
    if changes.format is not None:
        values["format"] = changes.format.value
    if changes.funding_sources is not None:
        values["funding_sources"] = [f.value for f in changes.funding_sources]
    if not values:
        raise ValidationFailed([FieldProblem("input", "change at least one field")])
    row = await update_audited(
        ctx.db,
        training_programmes,
        sha_code=gid.sha_code,
        key=current.id,
        values={**values, "updated_at": func.now()},
        action="training_programme.update",
        entity_type="TrainingProgramme",
        detail=values,
    )
    if row.published_nationally:
        await _publish_provider(ctx, gid.sha_code, row.provider_id)
    return TrainingProgramme.from_row(row)


@dataclass
class ScoreInput:
    competency_code: str
    score: int


def _may_assess(ctx: Context, sha: str, member_key: str) -> None:
    """Members record their own assessments; SHA admins may record any in their SHA."""
    principal = ctx.principal
    if principal is None:
        raise NotAllowed("sign in to record a self-assessment")
    if principal.has_role(Role.SHA_ADMIN, Role.PLATFORM_ADMIN):
        return
    if principal.member_id == member_key and principal.home_sha == sha:
        return
    raise NotAllowed("you may record only your own self-assessment")


async def record_self_assessment(
    ctx: Context,
    member_id: str,
    framework_code: str,
    assessed_on: dt.date,
    scores: list[ScoreInput],
) -> SelfAssessment:
    gid = parse_id(member_id, "Member", "memberId")
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("Member", member_id)
    ensure_writable(ctx, gid.sha_code)
    _may_assess(ctx, gid.sha_code, gid.key)
    member = await ctx.db.first(
        select(members.c.id).where(
            members.c.sha_code == gid.sha_code, members.c.id == uuid.UUID(gid.key)
        )
    )
    if member is None:
        raise NotFound("Member", member_id)
    framework = await ctx.db.first(
        select(competency_frameworks).where(competency_frameworks.c.code == framework_code)
    )
    if framework is None:
        raise ValidationFailed(
            [FieldProblem("frameworkCode", f"unknown framework {framework_code!r}")]
        )
    expected = {
        r.code
        for r in await ctx.db.rows(
            select(competencies.c.code).where(competencies.c.framework_code == framework.code)
        )
    }
    require(check_scores(scores, expected, assessed_on, framework.code))
    row = await ctx.db.first(
        insert(self_assessments)
        .values(
            sha_code=gid.sha_code,
            member_id=member.id,
            framework_code=framework.code,
            assessed_on=assessed_on,
        )
        .returning(*self_assessments.c)
    )
    assert row is not None
    await ctx.db.rows(
        insert(self_assessment_scores).values(
            [
                {
                    "sha_code": gid.sha_code,
                    "assessment_id": row.id,
                    "competency_code": s.competency_code,
                    "score": s.score,
                }
                for s in scores
            ]
        )
    )
    await record_audit(
        ctx.db,
        sha_code=gid.sha_code,
        action="self_assessment.record",
        entity_type="SelfAssessment",
        entity_id=str(row.id),
        detail={
            "member_id": str(member.id),
            "framework": framework.code,
            "assessed_on": assessed_on,
            "scores": {s.competency_code: s.score for s in scores},
        },
    )
    return SelfAssessment.from_row(row)


def check_scores(
    scores: list[ScoreInput], expected: set[str], assessed_on: dt.date, framework: str
) -> list[FieldProblem]:
    """Exactly one score in 1..4 for every element or dimension of the framework."""
    problems: list[FieldProblem] = []
    if assessed_on > dt.date.today():
        problems.append(FieldProblem("assessedOn", "must not be in the future"))
    if assessed_on < EARLIEST_ASSESSMENT:
        problems.append(FieldProblem("assessedOn", "must be in 2000 or later"))
    seen: set[str] = set()
    for i, s in enumerate(scores):
        if s.competency_code not in expected:
            problems.append(
                FieldProblem(f"scores[{i}].competencyCode", f"is not part of {framework}")
            )
        elif s.competency_code in seen:
            problems.append(FieldProblem(f"scores[{i}].competencyCode", "is scored twice"))
        seen.add(s.competency_code)
        if not 1 <= s.score <= 4:
            problems.append(FieldProblem(f"scores[{i}].score", "must be between 1 and 4"))
    missing = sorted(expected - seen)
    if missing:
        problems.append(FieldProblem("scores", f"missing scores for {', '.join(missing)}"))
    return problems
