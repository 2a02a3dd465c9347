"""Case-study writes: validate, write, audit; only the owning SHA's editors write.
Publication moves one step at a time: DRAFT -> REGIONAL -> NATIONAL (or back to DRAFT)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update

from resolvers.common.audit import record_audit
from resolvers.common.context import Context
from resolvers.common.errors import FieldProblem, NotFound, ValidationFailed, require
from resolvers.common.mutation import ensure_writable
from resolvers.directory.service import parse_id, pick_sha
from resolvers.escalator.service import check_text
from resolvers.knowledge.tables import CASE_STUDY_COLUMNS, case_studies
from resolvers.knowledge.types import CaseStudy, CaseStudyStatus
from resolvers.knowledge.validation import check_attachments

NEXT_STEP = {
    CaseStudyStatus.DRAFT: {CaseStudyStatus.REGIONAL},
    CaseStudyStatus.REGIONAL: {CaseStudyStatus.NATIONAL, CaseStudyStatus.DRAFT},
    CaseStudyStatus.NATIONAL: {CaseStudyStatus.REGIONAL, CaseStudyStatus.DRAFT},
}


@dataclass
class CaseStudyChanges:
    title: str | None = None
    topic: str | None = None
    pathway: str | None = None
    summary: str | None = None
    outcomes: str | None = None
    attachments: list[tuple[str, str]] | None = None


def _problems(changes: CaseStudyChanges) -> list[FieldProblem]:
    problems = check_text(changes.title, "title", 200)
    problems += check_text(changes.topic, "topic", 100)
    problems += check_text(changes.pathway, "pathway", 100)
    problems += check_text(changes.summary, "summary", 4000)
    problems += check_text(changes.outcomes, "outcomes", 4000)
    problems += check_attachments(changes.attachments)
    return problems


def _values(changes: CaseStudyChanges) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("title", "topic", "pathway", "summary", "outcomes"):
        value = getattr(changes, name)
        if value is not None:
            values[name] = value.strip()
    if changes.attachments is not None:
        values["attachments"] = [
            {"title": t.strip(), "url": u.strip()} for t, u in changes.attachments
        ]
    return values


async def create_case_study(
    ctx: Context, sha_code: str | None, changes: CaseStudyChanges
) -> CaseStudy:
    sha = pick_sha(ctx, sha_code)
    ensure_writable(ctx, sha)
    if None in (changes.title, changes.topic, changes.summary, changes.outcomes):
        raise ValidationFailed(
            [FieldProblem("input", "title, topic, summary and outcomes are required")]
        )
    require(_problems(changes))
    values = {
        "sha_code": sha,
        "status": "DRAFT",
        "created_by": ctx.db.actor,
        "attachments": [],
        **_values(changes),
    }
    row = await ctx.db.first(insert(case_studies).values(**values).returning(*CASE_STUDY_COLUMNS))
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="knowledge.case_study.create",
        entity_type="CaseStudy",
        entity_id=str(row.id),
        detail={"title": row.title, "topic": row.topic},
    )
    return CaseStudy.from_row(row)


async def _owned(ctx: Context, id: str) -> Any:
    """The case study behind `id`, for a write: only the owning SHA may change it."""
    gid = parse_id(id, "CaseStudy", "id")
    ensure_writable(ctx, gid.sha_code)
    row = await ctx.db.first(
        select(*CASE_STUDY_COLUMNS).where(
            case_studies.c.sha_code == gid.sha_code, case_studies.c.id == uuid.UUID(gid.key)
        )
    )
    if row is None:
        raise NotFound("CaseStudy", id)
    return row


async def _save(ctx: Context, current: Any, values: dict[str, Any], action: str) -> CaseStudy:
    row = await ctx.db.first(
        update(case_studies)
        .where(case_studies.c.sha_code == current.sha_code, case_studies.c.id == current.id)
        .values(updated_at=func.now(), **values)
        .returning(*CASE_STUDY_COLUMNS)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=current.sha_code,
        action=action,
        entity_type="CaseStudy",
        entity_id=str(row.id),
        detail={k: v for k, v in values.items() if k != "published_at"},
    )
    return CaseStudy.from_row(row)


async def update_case_study(ctx: Context, id: str, changes: CaseStudyChanges) -> CaseStudy:
    current = await _owned(ctx, id)
    require(_problems(changes))
    return await _save(ctx, current, _values(changes), "knowledge.case_study.update")


async def set_status(ctx: Context, id: str, status: CaseStudyStatus) -> CaseStudy:
    current = await _owned(ctx, id)
    now = CaseStudyStatus(current.status)
    if status not in NEXT_STEP[now]:
        raise ValidationFailed(
            [FieldProblem("status", f"cannot go from {now.value} to {status.value}")]
        )
    values: dict[str, Any] = {"status": status.value}
    if status != CaseStudyStatus.DRAFT:
        values["published_at"] = func.now()
    saved = await _save(ctx, current, values, f"knowledge.case_study.{status.value.lower()}")
    from types import SimpleNamespace

    from resolvers.notifications.hooks import case_study_status

    await case_study_status(ctx, SimpleNamespace(**{**current._asdict(), "status": status.value}))
    return saved
