"""Programme writes: validate, write, audit; never commit.

Who does what: an SHA's admins run its programmes (national leads run national ones);
members apply for themselves within the application window; selection happens after
the window closes, never past the funded places (checked under an advisory lock per
programme, so two selectors cannot both take the last place). Selection into an
aspiring leaders programme gives the member the ASPIRING_CLINICAL_LEADER role; not
completing (or withdrawing) takes it away.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, text, update

from auth.principal import Role
from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import (
    Conflict,
    FieldProblem,
    NotAllowed,
    NotFound,
    ValidationFailed,
    require,
)
from resolvers.common.ids import GlobalId
from resolvers.common.mutation import ensure_writable
from resolvers.directory.service import parse_id, pick_sha
from resolvers.directory.tables import members
from resolvers.escalator.service import check_text
from resolvers.notifications.enums import NotificationKind
from resolvers.notifications.service import notify
from resolvers.programmes.enums import ProgrammeKind, ProgrammeOutcome, SelectionDecision
from resolvers.programmes.tables import applications, cohorts, programmes
from resolvers.programmes.types import Programme, ProgrammeApplication, ProgrammeCohort

ASPIRING_ROLE = "ASPIRING_CLINICAL_LEADER"
_LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:key))")


@dataclass
class ProgrammeChanges:
    kind: ProgrammeKind | None = None
    title: str | None = None
    description: str | None = None
    is_national: bool | None = None
    funded_places: int | None = None
    applications_open_on: dt.date | None = None
    applications_close_on: dt.date | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    sessions_planned: int | None = None


def _roles(ctx: Context) -> tuple[bool, bool]:
    p = ctx.principal
    if p is None or p.kind != "user":
        return False, False
    national = p.has_role(Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)
    return national, p.has_role(Role.SHA_ADMIN, Role.PLATFORM_ADMIN)


def may_run(ctx: Context, sha: str, is_national: bool) -> bool:
    """SHA admins run their SHA's programmes; national leads run national ones."""
    national, admin = _roles(ctx)
    if is_national:
        return national
    p = ctx.principal
    return bool(p and (p.has_role(Role.PLATFORM_ADMIN) or (admin and p.home_sha == sha)))


def _programme_problems(c: ProgrammeChanges) -> list[FieldProblem]:
    problems = check_text(c.title, "title", 200) + check_text(c.description, "description", 8000)
    if c.funded_places is not None and not 0 <= c.funded_places <= 100000:
        problems.append(FieldProblem("fundedPlaces", "must be between 0 and 100000"))
    if c.sessions_planned is not None and not 0 <= c.sessions_planned <= 1000:
        problems.append(FieldProblem("sessionsPlanned", "must be between 0 and 1000"))
    if (
        c.applications_open_on
        and c.applications_close_on
        and c.applications_close_on < c.applications_open_on
    ):
        problems.append(
            FieldProblem("applicationsCloseOn", "must not be before applicationsOpenOn")
        )
    if c.starts_on and c.ends_on and c.ends_on < c.starts_on:
        problems.append(FieldProblem("endsOn", "must not be before startsOn"))
    if c.starts_on and c.applications_close_on and c.starts_on <= c.applications_close_on:
        problems.append(FieldProblem("startsOn", "must be after applications close (selection)"))
    return problems


async def create_programme(
    ctx: Context, sha_code: str | None, changes: ProgrammeChanges
) -> Programme:
    sha = pick_sha(ctx, sha_code)
    ensure_writable(ctx, sha)
    is_national = bool(changes.is_national)
    if not may_run(ctx, sha, is_national):
        who = "national leads" if is_national else f"admins of SHA {sha}"
        raise NotAllowed(f"only {who} create this programme")
    if (
        changes.kind is None
        or changes.title is None
        or changes.funded_places is None
        or changes.applications_open_on is None
        or changes.applications_close_on is None
    ):
        raise ValidationFailed(
            [
                FieldProblem(
                    "input",
                    "kind, title, fundedPlaces, applicationsOpenOn and applicationsCloseOn"
                    " are required",
                )
            ]
        )
    require(_programme_problems(changes))
    values = {
        "sha_code": sha,
        "kind": changes.kind.value,
        "title": changes.title.strip(),
        "description": changes.description.strip() if changes.description else None,
        "is_national": is_national,
        "funded_places": changes.funded_places,
        "applications_open_on": changes.applications_open_on,
        "applications_close_on": changes.applications_close_on,
        "starts_on": changes.starts_on,
        "ends_on": changes.ends_on,
        "sessions_planned": changes.sessions_planned or 0,
        "created_by": ctx.db.actor,
    }
    row = await ctx.db.first(insert(programmes).values(**values).returning(*programmes.c))
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="programme.create",
        entity_type="Programme",
        entity_id=str(row.id),
        detail={k: v for k, v in values.items() if k not in ("sha_code", "created_by")},
    )
    return Programme.from_row(row)


async def _programme(ctx: Context, gid: GlobalId, value: str) -> Any:
    row = await ctx.db.first(
        select(programmes).where(
            programmes.c.sha_code == gid.sha_code, programmes.c.id == uuid.UUID(gid.key)
        )
    )
    if row is None:
        raise NotFound("Programme", value)
    return row


async def _run_programme(ctx: Context, value: str, field: str) -> Any:
    gid = parse_id(value, "Programme", field)
    row = await _programme(ctx, gid, value)
    ensure_writable(ctx, gid.sha_code)
    if not may_run(ctx, row.sha_code, row.is_national):
        who = "national leads" if row.is_national else f"admins of SHA {row.sha_code}"
        raise NotAllowed(f"this programme is run by {who}")
    return row


async def update_programme(ctx: Context, id: str, changes: ProgrammeChanges) -> Programme:
    current = await _run_programme(ctx, id, "id")
    merged = ProgrammeChanges(
        **{
            name: getattr(changes, name)
            if getattr(changes, name) is not None
            else getattr(current, name, None)
            for name in ProgrammeChanges.__dataclass_fields__
            if name != "kind"
        }
    )
    require(_programme_problems(merged))
    if changes.funded_places is not None:
        taken = await _selected(ctx, current)
        if changes.funded_places < taken:
            raise ValidationFailed(
                [
                    FieldProblem(
                        "fundedPlaces",
                        f"{taken} applicants are selected; decide some RESERVE first",
                    )
                ]
            )
    values: dict[str, Any] = {"updated_at": func.now()}
    for name in ProgrammeChanges.__dataclass_fields__:
        value = getattr(changes, name)
        if value is not None and name not in ("kind", "is_national"):
            values[name] = value.strip() if isinstance(value, str) else value
    if changes.kind is not None:
        values["kind"] = changes.kind.value
    row = await update_audited(
        ctx.db,
        programmes,
        sha_code=current.sha_code,
        key=current.id,
        values=values,
        action="programme.update",
        entity_type="Programme",
        detail={k: v for k, v in values.items() if k != "updated_at"},
    )
    return Programme.from_row(row)


async def add_cohort(
    ctx: Context, programme_id: str, name: str, starts_on: dt.date
) -> ProgrammeCohort:
    programme = await _run_programme(ctx, programme_id, "programmeId")
    require(check_text(name, "name", 120))
    taken = await ctx.db.scalar(
        select(cohorts.c.id).where(
            cohorts.c.sha_code == programme.sha_code,
            cohorts.c.programme_id == programme.id,
            cohorts.c.name == name.strip(),
        )
    )
    if taken is not None:
        raise Conflict(f"the programme already has a cohort named {name.strip()!r}")
    row = await ctx.db.first(
        insert(cohorts)
        .values(
            sha_code=programme.sha_code,
            programme_id=programme.id,
            is_national=programme.is_national,
            name=name.strip(),
            starts_on=starts_on,
        )
        .returning(*cohorts.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=programme.sha_code,
        action="programme.cohort.create",
        entity_type="ProgrammeCohort",
        entity_id=str(row.id),
        detail={"programme_id": str(programme.id), "name": row.name},
    )
    return ProgrammeCohort.from_row(row)


async def apply(
    ctx: Context, programme_id: str, statement: str, sponsor_id: str | None
) -> ProgrammeApplication:
    p = ctx.principal
    if p is None or not p.member_id or p.home_sha is None:
        raise ValidationFailed([FieldProblem("input", "your sign-in names no member")])
    sha, me = p.home_sha, uuid.UUID(p.member_id)
    ensure_writable(ctx, sha)
    gid = parse_id(programme_id, "Programme", "programmeId")
    programme = await _programme(ctx, gid, programme_id)
    if not programme.is_national and programme.sha_code != sha:
        raise NotFound("Programme", programme_id)
    today = dt.date.today()
    if not programme.applications_open_on <= today <= programme.applications_close_on:
        raise Conflict(
            f"applications are open from {programme.applications_open_on} to"
            f" {programme.applications_close_on}"
        )
    require(check_text(statement, "statement", 4000))
    sponsor = None
    if sponsor_id is not None:
        sgid = parse_id(sponsor_id, "Member", "sponsorId")
        if sgid.sha_code != sha:
            raise ValidationFailed([FieldProblem("sponsorId", "must be a member of your SHA")])
        sponsor = uuid.UUID(sgid.key)
        if sponsor == me:
            raise ValidationFailed([FieldProblem("sponsorId", "ask someone else to sponsor you")])
        found = await ctx.db.scalar(
            select(members.c.id).where(members.c.sha_code == sha, members.c.id == sponsor)
        )
        if found is None:
            raise NotFound("Member", sponsor_id)
    existing = await ctx.db.scalar(
        select(applications.c.id).where(
            applications.c.sha_code == sha,
            applications.c.programme_sha_code == programme.sha_code,
            applications.c.programme_id == programme.id,
            applications.c.member_id == me,
        )
    )
    if existing is not None:
        raise Conflict("you have already applied to this programme")
    row = await ctx.db.first(
        insert(applications)
        .values(
            sha_code=sha,
            member_id=me,
            programme_sha_code=programme.sha_code,
            programme_id=programme.id,
            statement=statement.strip(),
            sponsor_id=sponsor,
        )
        .returning(*applications.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="programme.application.submit",
        entity_type="ProgrammeApplication",
        entity_id=str(row.id),
        detail={"programme": gid.encode(), "sponsor_id": str(sponsor) if sponsor else None},
    )
    return ProgrammeApplication.from_row(row)


async def _application(ctx: Context, value: str) -> tuple[Any, Any]:
    gid = parse_id(value, "ProgrammeApplication", "id")
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("ProgrammeApplication", value)
    row = await ctx.db.first(
        select(applications).where(
            applications.c.sha_code == gid.sha_code, applications.c.id == uuid.UUID(gid.key)
        )
    )
    if row is None:
        raise NotFound("ProgrammeApplication", value)
    programme = await ctx.db.first(
        select(programmes).where(
            programmes.c.sha_code == row.programme_sha_code, programmes.c.id == row.programme_id
        )
    )
    if programme is None:
        raise NotFound("ProgrammeApplication", value)
    return row, programme


async def _selected(ctx: Context, programme: Any) -> int:
    a = applications.c
    return int(
        await ctx.db.scalar(
            select(func.count()).where(
                a.programme_sha_code == programme.sha_code,
                a.programme_id == programme.id,
                a.status == "SELECTED",
            )
        )
        or 0
    )


async def _set_aspiring_role(ctx: Context, row: Any, give: bool) -> None:
    roles = members.c.roles
    new_roles = (
        func.array_append(func.array_remove(roles, ASPIRING_ROLE), ASPIRING_ROLE)
        if give
        else func.array_remove(roles, ASPIRING_ROLE)
    )
    await ctx.db.rows(
        update(members)
        .where(members.c.sha_code == row.sha_code, members.c.id == row.member_id)
        .values(roles=new_roles, updated_at=func.now())
    )


async def _save_application(
    ctx: Context, row: Any, values: dict[str, Any], action: str
) -> ProgrammeApplication:
    saved = await update_audited(
        ctx.db,
        applications,
        sha_code=row.sha_code,
        key=row.id,
        values={"updated_at": func.now(), **values},
        action=action,
        entity_type="ProgrammeApplication",
        detail={k: v for k, v in values.items() if k != "decided_at"},
    )
    return ProgrammeApplication.from_row(saved)


async def decide(
    ctx: Context,
    id: str,
    decision: SelectionDecision,
    cohort_id: str | None,
    note: str | None,
) -> ProgrammeApplication:
    row, programme = await _application(ctx, id)
    ensure_writable(ctx, row.sha_code)
    if not may_run(ctx, programme.sha_code, programme.is_national):
        who = "national leads" if programme.is_national else f"admins of SHA {programme.sha_code}"
        raise NotAllowed(f"applications to this programme are decided by {who}")
    if dt.date.today() <= programme.applications_close_on:
        raise Conflict(
            f"selection starts after applications close on {programme.applications_close_on}"
        )
    if row.status == "WITHDRAWN" or row.outcome is not None:
        raise Conflict("the application was withdrawn or has finished; nothing to decide")
    require(check_text(note, "note", 2000))
    cohort = None
    if decision == SelectionDecision.SELECTED:
        if cohort_id is None:
            raise ValidationFailed([FieldProblem("cohortId", "name the cohort of a selection")])
        cgid = parse_id(cohort_id, "ProgrammeCohort", "cohortId")
        cohort = await ctx.db.scalar(
            select(cohorts.c.id).where(
                cohorts.c.sha_code == cgid.sha_code,
                cohorts.c.id == uuid.UUID(cgid.key),
                cohorts.c.sha_code == programme.sha_code,
                cohorts.c.programme_id == programme.id,
            )
        )
        if cohort is None:
            raise ValidationFailed(
                [FieldProblem("cohortId", "is not a cohort of this programme: addProgrammeCohort")]
            )
        await ctx.db.rows(_LOCK, {"key": f"cln.programme.{programme.sha_code}.{programme.id}"})
        if row.status != "SELECTED" and await _selected(ctx, programme) >= programme.funded_places:
            raise Conflict(
                f"all {programme.funded_places} funded places are taken: decide RESERVE, or"
                " raise fundedPlaces with updateProgramme"
            )
    values: dict[str, Any] = {
        "status": decision.value,
        "cohort_id": cohort,
        "decision_note": note.strip() if note else None,
        "decided_by": ctx.db.actor,
        "decided_at": func.now(),
    }
    if programme.kind == ProgrammeKind.ASPIRING_LEADERS.value:
        await _set_aspiring_role(ctx, row, give=decision == SelectionDecision.SELECTED)
    saved = await _save_application(
        ctx, row, values, f"programme.application.{decision.value.lower()}"
    )
    await notify(
        ctx.db,
        (row.sha_code, row.member_id),
        NotificationKind.PROGRAMME_APPLICATION_DECIDED,
        f"Your application to {programme.title}: {decision.value.lower()}",
        subject_id=GlobalId("ProgrammeApplication", row.sha_code, str(row.id)).encode(),
        writable=ctx.scope.write,
    )
    return saved


async def withdraw(ctx: Context, id: str) -> ProgrammeApplication:
    row, programme = await _application(ctx, id)
    ensure_writable(ctx, row.sha_code)
    p = ctx.principal
    own = p is not None and p.member_id == str(row.member_id)
    if not own and not may_run(ctx, programme.sha_code, programme.is_national):
        raise NotAllowed("you may withdraw only your own application")
    if row.status == "WITHDRAWN" or row.outcome is not None:
        raise Conflict("the application was already withdrawn or has finished")
    if programme.kind == ProgrammeKind.ASPIRING_LEADERS.value and row.status == "SELECTED":
        await _set_aspiring_role(ctx, row, give=False)
    return await _save_application(
        ctx, row, {"status": "WITHDRAWN"}, "programme.application.withdraw"
    )


async def record_progress(
    ctx: Context,
    id: str,
    sessions_attended: int | None,
    outcome: ProgrammeOutcome | None,
    completed_on: dt.date | None,
) -> ProgrammeApplication:
    row, programme = await _application(ctx, id)
    ensure_writable(ctx, row.sha_code)
    if not may_run(ctx, programme.sha_code, programme.is_national):
        raise NotAllowed("attendance and completion are recorded by the programme's organisers")
    if row.status != "SELECTED":
        raise Conflict("only selected participants attend: select the application first")
    if row.outcome is not None:
        raise Conflict(f"the participant already finished ({row.outcome})")
    problems = []
    if sessions_attended is not None and not 0 <= sessions_attended <= max(
        programme.sessions_planned, 0
    ):
        problems.append(
            FieldProblem(
                "sessionsAttended", f"must be between 0 and {programme.sessions_planned} planned"
            )
        )
    if outcome is not None and completed_on is None:
        problems.append(FieldProblem("completedOn", "give the date it ended"))
    if completed_on is not None and completed_on > dt.date.today():
        problems.append(FieldProblem("completedOn", "must not be in the future"))
    require(problems)
    values: dict[str, Any] = {}
    if sessions_attended is not None:
        values["sessions_attended"] = sessions_attended
    if outcome is not None:
        values["outcome"] = outcome.value
        values["completed_on"] = completed_on
        if (
            programme.kind == ProgrammeKind.ASPIRING_LEADERS.value
            and outcome == ProgrammeOutcome.DID_NOT_COMPLETE
        ):
            await _set_aspiring_role(ctx, row, give=False)
    action = "programme.application.complete" if outcome else "programme.application.attendance"
    return await _save_application(ctx, row, values, action)
