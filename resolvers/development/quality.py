"""Quality of the training directory (board paper para 21) and commissioning (para 19).

* Ratings: a participant rates a programme after completing it (1-5, with a comment);
  rows live in the rater's SHA. The benchmark per provider averages the ratings the
  caller may read: an SHA sees its own members' experience, national leads all.
* Commissioning requests: raised by an SHA's admins from a competency that its
  members need and no programme (own or national) covers; decided by the SHA's
  admins (APPROVED or DECLINED with a note), then COMMISSIONED with the programme
  that was bought.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import func, insert, select

from auth.principal import Role
from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context, Info
from resolvers.common.errors import Conflict, FieldProblem, NotAllowed, NotFound, require
from resolvers.common.ids import encode_id
from resolvers.common.mutation import ensure_writable
from resolvers.common.node import Node
from resolvers.common.relations import related
from resolvers.development.tables import (
    commissioning_requests,
    training_programmes,
    training_providers,
    training_ratings,
)
from resolvers.development.types import TrainingProgramme
from resolvers.directory.service import parse_id, pick_sha
from resolvers.directory.validation import check_text

# --- types -----------------------------------------------------------------------------


@strawberry.type(description="A participant's rating of a programme they completed.")
class TrainingRating(Node):
    sha_code: str = strawberry.field(description="The rater's SHA.")
    rating: int = strawberry.field(description="1 (poor) to 5 (excellent).")
    comment: str | None = strawberry.field(description="What they said.")
    completed_on: dt.date = strawberry.field(description="When they completed it.")

    @classmethod
    def from_row(cls, row: Any) -> TrainingRating:
        return cls(
            id=strawberry.ID(encode_id("TrainingRating", row.sha_code, row.id)),
            sha_code=row.sha_code,
            rating=row.rating,
            comment=row.comment,
            completed_on=row.completed_on,
        )


@strawberry.type(description="A provider's quality benchmark from participants' ratings.")
class ProviderBenchmark:
    provider_sha_code: str = strawberry.field(description="The provider's SHA.")
    provider_name: str = strawberry.field(description="The provider.")
    ratings: int = strawberry.field(description="Ratings counted (those you may read).")
    average: float = strawberry.field(description="Mean rating, 1-5.")
    programmes_rated: int = strawberry.field(description="Its programmes with a rating.")


@strawberry.enum(description="Where a commissioning request stands.")
class CommissioningStatus(Enum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    COMMISSIONED = "COMMISSIONED"


@strawberry.enum(description="A decision on a commissioning request.")
class CommissioningDecision(Enum):
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"


@strawberry.type(
    description="A request to commission training for a competency no programme covers."
)
class CommissioningRequest(Node):
    sha_code: str = strawberry.field(description="The SHA that raised it.")
    framework_code: str = strawberry.field(description="The competency framework.")
    competency_code: str = strawberry.field(description="The uncovered competency.")
    members_in_need: int = strawberry.field(description="Members in need when it was raised.")
    rationale: str = strawberry.field(description="Why the SHA wants it.")
    status: CommissioningStatus = strawberry.field(description="Where it stands.")
    decision_note: str | None = strawberry.field(description="The decision's note.")
    decided_at: dt.datetime | None = strawberry.field(description="When it was decided.")
    created_at: dt.datetime = strawberry.field(description="When it was raised.")
    programme_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> CommissioningRequest:
        return cls(
            id=strawberry.ID(encode_id("CommissioningRequest", row.sha_code, row.id)),
            sha_code=row.sha_code,
            framework_code=row.framework_code,
            competency_code=row.competency_code,
            members_in_need=row.members_in_need,
            rationale=row.rationale,
            status=CommissioningStatus(row.status),
            decision_note=row.decision_note,
            decided_at=row.decided_at,
            created_at=row.created_at,
            programme_db_id=row.training_programme_id,
        )

    @strawberry.field(description="The programme commissioned, once COMMISSIONED.")
    async def programme(self, info: Info) -> TrainingProgramme | None:
        if self.programme_db_id is None:
            return None

        return await related(info.context, "TrainingProgrammeByIdLoader").load(
            (self.sha_code, self.programme_db_id)
        )


# --- ratings ---------------------------------------------------------------------------


async def rate(
    ctx: Context, programme_id: str, rating: int, comment: str | None, completed_on: dt.date
) -> TrainingRating:
    p = ctx.principal
    if p is None or not p.member_id or p.home_sha is None:
        raise NotAllowed("participants rate the programmes they completed: sign in as a member")
    sha = p.home_sha
    ensure_writable(ctx, sha)
    gid = parse_id(programme_id, "TrainingProgramme", "programmeId")
    t = training_programmes.c
    programme = await ctx.db.first(
        select(training_programmes).where(t.sha_code == gid.sha_code, t.id == uuid.UUID(gid.key))
    )
    if programme is None or not (programme.sha_code == sha or programme.published_nationally):
        raise NotFound("TrainingProgramme", programme_id)
    problems = check_text(comment, "comment", max_length=2000)
    if not 1 <= rating <= 5:
        problems.append(FieldProblem("rating", "must be 1 to 5"))
    if completed_on > dt.date.today():
        problems.append(FieldProblem("completedOn", "rate a programme after completing it"))
    if programme.starts_on is not None and completed_on < programme.starts_on:
        problems.append(FieldProblem("completedOn", "must not be before the programme started"))
    require(problems)
    r = training_ratings.c
    me = uuid.UUID(p.member_id)
    taken = await ctx.db.scalar(
        select(r.id).where(
            r.sha_code == sha,
            r.programme_sha_code == programme.sha_code,
            r.programme_id == programme.id,
            r.member_id == me,
        )
    )
    if taken is not None:
        raise Conflict("you have already rated this programme")
    row = await ctx.db.first(
        insert(training_ratings)
        .values(
            sha_code=sha,
            member_id=me,
            programme_sha_code=programme.sha_code,
            programme_id=programme.id,
            provider_id=programme.provider_id,
            rating=rating,
            comment=comment.strip() if comment else None,
            completed_on=completed_on,
        )
        .returning(*training_ratings.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="training_rating.create",
        entity_type="TrainingRating",
        entity_id=str(row.id),
        detail={"programme": gid.encode(), "rating": rating},
    )
    return TrainingRating.from_row(row)


async def benchmarks(ctx: Context, shas: list[str]) -> list[ProviderBenchmark]:
    """The ratings are grouped per provider first (a materialized CTE), then joined to
    the providers: ratings live in the rater's SHA and providers in the programme's, a
    join that Citus cannot push down across regions; the few grouped rows can be."""
    r, v = training_ratings.c, training_providers.c
    rated = (
        select(
            r.programme_sha_code,
            r.provider_id,
            func.count().label("n"),
            func.avg(r.rating).label("avg"),
            func.count(func.distinct(r.programme_id)).label("programmes"),
        )
        .where(r.sha_code.in_(shas))
        .group_by(r.programme_sha_code, r.provider_id)
        .cte("rated")
        .prefix_with("MATERIALIZED")
    )
    rows = await ctx.db.rows(
        select(rated.c.programme_sha_code, rated.c.n, rated.c.avg, rated.c.programmes, v.name)
        .select_from(
            rated.join(
                training_providers,
                (v.sha_code == rated.c.programme_sha_code) & (v.id == rated.c.provider_id),
            )
        )
        .order_by(rated.c.avg.desc(), v.name)
    )
    return [
        ProviderBenchmark(
            provider_sha_code=row.programme_sha_code,
            provider_name=row.name,
            ratings=row.n,
            average=round(float(row.avg), 2),
            programmes_rated=row.programmes,
        )
        for row in rows
    ]


# --- commissioning ---------------------------------------------------------------------


def _admin_of(ctx: Context, sha: str) -> bool:
    p = ctx.principal
    return bool(
        p
        and p.kind == "user"
        and (p.has_role(Role.PLATFORM_ADMIN) or (p.has_role(Role.SHA_ADMIN) and p.home_sha == sha))
    )


async def raise_request(
    ctx: Context, sha_code: str | None, framework_code: str, competency_code: str, rationale: str
) -> CommissioningRequest:
    from resolvers.development.queries import competency_gaps

    sha = pick_sha(ctx, sha_code)
    ensure_writable(ctx, sha)
    if not _admin_of(ctx, sha):
        raise NotAllowed(f"admins of SHA {sha} raise its commissioning requests")
    require(check_text(rationale, "rationale", max_length=4000))
    framework = await related(ctx, "FrameworkByCodeLoader").load(framework_code)
    if framework is None:
        raise NotFound("CompetencyFramework", framework_code)
    gaps = await competency_gaps(ctx, framework, [sha], None)
    gap = next((g for g in gaps if g.competency_code == competency_code), None)
    if gap is None:
        raise NotFound("Competency", competency_code)
    if gap.covered:
        raise Conflict(
            f"{competency_code} is covered by {gap.own_programmes + gap.national_programmes}"
            " programme(s) in the directory: point members to them (trainingProgrammes)"
        )
    if gap.members_in_need == 0:
        raise Conflict(f"no member's latest self-assessment shows a need for {competency_code}")
    c = commissioning_requests.c
    open_one = await ctx.db.scalar(
        select(c.id).where(
            c.sha_code == sha,
            c.competency_code == competency_code,
            c.status.in_(("REQUESTED", "APPROVED")),
        )
    )
    if open_one is not None:
        raise Conflict(
            f"a request for {competency_code} is already open"
            f" ({encode_id('CommissioningRequest', sha, open_one)}): decide it first"
        )
    row = await ctx.db.first(
        insert(commissioning_requests)
        .values(
            sha_code=sha,
            framework_code=framework.code,
            competency_code=competency_code,
            members_in_need=gap.members_in_need,
            rationale=rationale.strip(),
            raised_by=ctx.db.actor,
        )
        .returning(*commissioning_requests.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="commissioning_request.raise",
        entity_type="CommissioningRequest",
        entity_id=str(row.id),
        detail={"competency": competency_code, "members_in_need": gap.members_in_need},
    )
    return CommissioningRequest.from_row(row)


async def _request(ctx: Context, id: str) -> Any:
    gid = parse_id(id, "CommissioningRequest", "id")
    if gid.sha_code not in ctx.scope.read:
        raise NotFound("CommissioningRequest", id)
    c = commissioning_requests.c
    row = await ctx.db.first(
        select(commissioning_requests).where(c.sha_code == gid.sha_code, c.id == uuid.UUID(gid.key))
    )
    if row is None:
        raise NotFound("CommissioningRequest", id)
    ensure_writable(ctx, row.sha_code)
    if not _admin_of(ctx, row.sha_code):
        raise NotAllowed(f"admins of SHA {row.sha_code} decide its commissioning requests")
    return row


async def _save(
    ctx: Context, row: Any, values: dict[str, Any], action: str
) -> CommissioningRequest:
    saved = await update_audited(
        ctx.db,
        commissioning_requests,
        sha_code=row.sha_code,
        key=row.id,
        values={"updated_at": func.now(), **values},
        action=action,
        entity_type="CommissioningRequest",
        detail={k: str(v) for k, v in values.items() if k != "decided_at"},
    )
    return CommissioningRequest.from_row(saved)


async def decide_request(
    ctx: Context, id: str, decision: CommissioningDecision, note: str | None
) -> CommissioningRequest:
    row = await _request(ctx, id)
    if row.status != "REQUESTED":
        raise Conflict(f"the request is already {row.status}")
    require(check_text(note, "note", max_length=2000))
    if decision == CommissioningDecision.DECLINED and note is None:
        require([FieldProblem("note", "say why it is declined")])
    values = {
        "status": decision.value,
        "decision_note": note.strip() if note else None,
        "decided_by": ctx.db.actor,
        "decided_at": func.now(),
    }
    return await _save(ctx, row, values, f"commissioning_request.{decision.value.lower()}")


async def mark_commissioned(ctx: Context, id: str, programme_id: str) -> CommissioningRequest:
    row = await _request(ctx, id)
    if row.status != "APPROVED":
        raise Conflict("approve the request before recording what was commissioned")
    gid = parse_id(programme_id, "TrainingProgramme", "programmeId")
    t = training_programmes.c
    programme = await ctx.db.first(
        select(training_programmes).where(
            t.sha_code == row.sha_code, t.sha_code == gid.sha_code, t.id == uuid.UUID(gid.key)
        )
    )
    if programme is None:
        raise NotFound("TrainingProgramme", programme_id)
    if row.competency_code not in programme.competency_codes:
        require(
            [FieldProblem("programmeId", f"the programme does not develop {row.competency_code}")]
        )
    values = {"status": "COMMISSIONED", "training_programme_id": programme.id}
    return await _save(ctx, row, values, "commissioning_request.commissioned")
