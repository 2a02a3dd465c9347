"""Case-study writes: validate, write, audit; never commit.

Members of the SHA write drafts (as author, with contributors); the SHA's admins
review them; national leads approve national publication (`workflow.STEPS`). A change
made after publication needs a change note and keeps the earlier text as a version;
a changed national case study goes back to the national editors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, func, insert, select

from auth.principal import Role
from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import (
    FieldProblem,
    NotAllowed,
    NotFound,
    ValidationFailed,
    require,
)
from resolvers.common.mutation import ensure_writable
from resolvers.directory.service import parse_id, pick_sha
from resolvers.directory.tables import members
from resolvers.escalator.service import check_text
from resolvers.knowledge import workflow
from resolvers.knowledge.tables import CASE_STUDY_COLUMNS, case_studies, contributors, versions
from resolvers.knowledge.types import CaseStudy, CaseStudyStatus
from resolvers.knowledge.validation import check_attachments
from resolvers.knowledge.visibility import UNPUBLISHED, caller_member, editable_shas, visible
from resolvers.notifications.hooks import case_study_status


@dataclass
class CaseStudyChanges:
    title: str | None = None
    topic: str | None = None
    pathway: str | None = None
    summary: str | None = None
    outcomes: str | None = None
    attachments: list[tuple[str, str]] | None = None
    author_id: str | None = None
    contributor_ids: list[str] | None = None
    change_note: str | None = None


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


async def _member_keys(ctx: Context, sha: str, ids: list[str], field: str) -> list[uuid.UUID]:
    keys = []
    for i, value in enumerate(ids):
        gid = parse_id(value, "Member", f"{field}.{i}")
        if gid.sha_code != sha:
            raise ValidationFailed([FieldProblem(f"{field}.{i}", "must be a member of the SHA")])
        keys.append(uuid.UUID(gid.key))
    keys = list(dict.fromkeys(keys))
    if keys:
        found = await ctx.db.rows(
            select(members.c.id).where(members.c.sha_code == sha, members.c.id.in_(keys))
        )
        missing = set(keys) - {r.id for r in found}
        if missing:
            raise NotFound("Member", ", ".join(sorted(str(m) for m in missing)))
    return keys


def _is_editor(ctx: Context, sha: str) -> bool:
    return sha in editable_shas(ctx)


def _is_national(ctx: Context) -> bool:
    p = ctx.principal
    return (
        p is not None and p.kind == "user" and p.has_role(Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)
    )


async def _writers(ctx: Context, current: Any) -> bool:
    """The caller is the author or a contributor of `current`."""
    me = caller_member(ctx)
    if me is None or me[0] != current.sha_code:
        return False
    if current.author_id == me[1]:
        return True
    k = contributors.c
    found = await ctx.db.scalar(
        select(k.member_id).where(
            k.sha_code == current.sha_code, k.case_study_id == current.id, k.member_id == me[1]
        )
    )
    return found is not None


async def _set_contributors(ctx: Context, sha: str, study: Any, keys: list[uuid.UUID]) -> None:
    await ctx.db.rows(
        delete(contributors).where(
            contributors.c.sha_code == sha, contributors.c.case_study_id == study
        )
    )
    if keys:
        await ctx.db.rows(
            insert(contributors).values(
                [{"sha_code": sha, "case_study_id": study, "member_id": k} for k in keys]
            )
        )


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
    me = caller_member(ctx)
    editor = _is_editor(ctx, sha)
    if not editor and (me is None or me[0] != sha):
        raise NotAllowed(f"members of SHA {sha} and its admins write its case studies")
    if changes.author_id is not None:
        if not editor:
            raise NotAllowed("you are the author of the case studies you write")
        [author] = await _member_keys(ctx, sha, [changes.author_id], "authorId")
    elif me is not None and me[0] == sha:
        author = me[1]
    else:
        raise ValidationFailed([FieldProblem("authorId", "name the author (a member of the SHA)")])
    helpers = await _member_keys(ctx, sha, changes.contributor_ids or [], "contributorIds")
    values = {
        "sha_code": sha,
        "status": "DRAFT",
        "created_by": ctx.db.actor,
        "attachments": [],
        "author_id": author,
        **_values(changes),
    }
    row = await ctx.db.first(insert(case_studies).values(**values).returning(*CASE_STUDY_COLUMNS))
    assert row is not None
    await _set_contributors(ctx, sha, row.id, [h for h in helpers if h != author])
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="knowledge.case_study.create",
        entity_type="CaseStudy",
        entity_id=str(row.id),
        detail={"title": row.title, "topic": row.topic, "author_id": str(author)},
    )
    return CaseStudy.from_row(row)


async def _visible_row(ctx: Context, id: str) -> Any:
    gid = parse_id(id, "CaseStudy", "id")
    ensure_writable(ctx, gid.sha_code)
    row = await ctx.db.first(
        select(*CASE_STUDY_COLUMNS).where(
            case_studies.c.sha_code == gid.sha_code,
            case_studies.c.id == uuid.UUID(gid.key),
            visible(ctx, [gid.sha_code], include_national=False),
        )
    )
    if row is None:
        raise NotFound("CaseStudy", id)
    return row


async def _save(ctx: Context, current: Any, values: dict[str, Any], action: str) -> CaseStudy:
    row = await update_audited(
        ctx.db,
        case_studies,
        sha_code=current.sha_code,
        key=current.id,
        values={"updated_at": func.now(), **values},
        action=action,
        entity_type="CaseStudy",
        detail={k: v for k, v in values.items() if k != "published_at"},
        returning=CASE_STUDY_COLUMNS,
    )
    return CaseStudy.from_row(row)


async def update_case_study(ctx: Context, id: str, changes: CaseStudyChanges) -> CaseStudy:
    current = await _visible_row(ctx, id)
    editor = _is_editor(ctx, current.sha_code)
    unpublished = current.status in UNPUBLISHED
    if not editor and not (unpublished and await _writers(ctx, current)):
        raise NotAllowed(
            "only the owning SHA's admins change a published case study; its author and"
            " contributors change it while it is a draft"
        )
    problems = _problems(changes) + check_text(changes.change_note, "changeNote", 2000)
    if not unpublished and changes.change_note is None:
        problems.append(
            FieldProblem("changeNote", "say what changed: the case study has been published")
        )
    require(problems)
    values = _values(changes)
    if changes.contributor_ids is not None:
        if not (editor or current.author_id == (caller_member(ctx) or ("", None))[1]):
            raise NotAllowed("the author or an SHA admin names the contributors")
        helpers = await _member_keys(
            ctx, current.sha_code, changes.contributor_ids, "contributorIds"
        )
        await _set_contributors(
            ctx, current.sha_code, current.id, [h for h in helpers if h != current.author_id]
        )
    if not unpublished and values:
        await _keep_version(ctx, current, changes.change_note or "")
        values["version"] = current.version + 1
        if current.status in ("NATIONAL", "NATIONAL_REVIEW"):
            # the national editors approve the changed text before it is read nationally
            values["status"] = "NATIONAL_REVIEW"
    return await _save(ctx, current, values, "knowledge.case_study.update")


async def _keep_version(ctx: Context, current: Any, note: str) -> None:
    await ctx.db.rows(
        insert(versions).values(
            sha_code=current.sha_code,
            case_study_id=current.id,
            version=current.version,
            title=current.title,
            topic=current.topic,
            pathway=current.pathway,
            summary=current.summary,
            outcomes=current.outcomes,
            attachments=current.attachments,
            status=current.status,
            published_nationally=current.status == "NATIONAL",
            change_note=note.strip(),
            changed_by=ctx.db.actor,
        )
    )


async def set_status(
    ctx: Context, id: str, status: CaseStudyStatus, note: str | None = None
) -> CaseStudy:
    current = await _visible_row(ctx, id)
    now, wanted = current.status, status.value
    rule = workflow.step(now, wanted)
    if rule is None:
        raise ValidationFailed(
            [
                FieldProblem(
                    "status",
                    f"cannot go from {now} to {wanted}: next, {workflow.NEXT_HINT[now]}",
                )
            ]
        )
    editor = _is_editor(ctx, current.sha_code)
    writer = workflow.Actor.WRITER in rule.actors and await _writers(ctx, current)
    actors = set()
    if editor:
        actors |= {workflow.Actor.EDITOR, workflow.Actor.WRITER}
    if _is_national(ctx):
        actors.add(workflow.Actor.NATIONAL)
    if writer:
        actors.add(workflow.Actor.WRITER)
    if not actors & rule.actors:
        who = " or ".join(a.value for a in rule.actors)
        raise NotAllowed(f"{now} -> {wanted} is done by {who}")
    # a reviewer sending it back says why; its writers (or the SHA, from national
    # review) recalling it need not
    reviewer = workflow.reviewer_of(now, wanted)
    is_return = (
        reviewer is not None and not writer and not (reviewer == workflow.Actor.NATIONAL and editor)
    )
    require(check_text(note, "note", 2000))
    if is_return and note is None:
        raise ValidationFailed([FieldProblem("note", "say why it is sent back")])
    values: dict[str, Any] = {"status": wanted, "review_note": note.strip() if note else None}
    if wanted in ("REGIONAL", "NATIONAL"):
        values["published_at"] = func.now()
    saved = await _save(ctx, current, values, f"knowledge.case_study.{wanted.lower()}")
    await case_study_status(ctx, SimpleNamespace(**{**current._asdict(), "status": wanted}))
    return saved
