"""Development queries: frameworks, the training directory, self-assessments, the gap."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import Select, false, func, or_, select, text

from auth.permissions import IsAuthenticated
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.errors import BadUserInput
from resolvers.common.ids import GlobalId, decode_id
from resolvers.common.node import register_node
from resolvers.common.pagination import (
    Connection,
    Direction,
    Filtered,
    Ordering,
    PageArgs,
    SortDirection,
    paginate,
)
from resolvers.common.sql import contains_pattern
from resolvers.development.enums import FundingSource, ProgrammeFormat
from resolvers.development.loaders import (
    CompetenciesByFrameworkLoader,
    FrameworkByCodeLoader,
    ProviderByIdLoader,
    SelfAssessmentByIdLoader,
    TrainingProgrammeByIdLoader,
)
from resolvers.development.privacy import (
    may_read_assessments_of,
    own_member_key,
    reads_all_assessments,
)
from resolvers.development.tables import (
    competency_frameworks,
    self_assessments,
    training_programmes,
    training_providers,
)
from resolvers.development.types import (
    CompetencyFramework,
    CompetencyGap,
    SelfAssessment,
    TrainingProgramme,
    TrainingProvider,
)
from resolvers.directory.queries import GlobalIdArg, ShaNarrowing, narrow_shas


@strawberry.input(description="Narrow the training directory; all conditions must hold.")
class ProgrammeFilter:
    competency_codes: list[str] | None = strawberry.field(
        default=None, description="Programmes developing any of these competencies."
    )
    formats: list[ProgrammeFormat] | None = strawberry.field(
        default=None, description="Only these delivery formats."
    )
    funding_sources: list[FundingSource] | None = strawberry.field(
        default=None, description="Programmes fundable by any of these sources."
    )
    max_cost_pence: int | None = strawberry.field(default=None, description="At most this cost.")
    include_national: bool = strawberry.field(
        default=True, description="Also list other SHAs' nationally published programmes."
    )
    national_only: bool = strawberry.field(
        default=False, description="Only nationally published programmes."
    )
    search: str | None = strawberry.field(default=None, description="Part of the title.")


@strawberry.input(description="Narrow the self-assessment list.")
class SelfAssessmentFilter:
    member_id: strawberry.ID | None = strawberry.field(default=None, description="One member.")
    framework_code: str | None = strawberry.field(default=None, description="One framework.")


@strawberry.input(description="Narrow the gap report.")
class GapFilter:
    uncovered_only: bool = strawberry.field(
        default=False, description="Only competencies no programme develops."
    )
    min_members_in_need: int = strawberry.field(
        default=0, description="Only competencies at least this many members need."
    )


def programme_query(ctx: Context, shas: list[str], where: ProgrammeFilter | None) -> Select[Any]:
    where = where or ProgrammeFilter()
    p = training_programmes.c
    own = p.sha_code.in_(shas)
    if where.national_only:
        query = select(training_programmes).where(p.published_nationally.is_(True))
    elif where.include_national:
        query = select(training_programmes).where(or_(own, p.published_nationally.is_(True)))
    else:
        query = select(training_programmes).where(own)
    if where.competency_codes:
        query = query.where(p.competency_codes.overlap(where.competency_codes))
    if where.formats:
        query = query.where(p.format.in_([f.value for f in where.formats]))
    if where.funding_sources:
        query = query.where(p.funding_sources.overlap([f.value for f in where.funding_sources]))
    if where.max_cost_pence is not None:
        query = query.where(p.cost_pence <= where.max_cost_pence)
    if where.search:
        query = query.where(func.lower(p.title).like(contains_pattern(where.search)))
    return query


def assessment_query(
    ctx: Context, shas: list[str], where: SelfAssessmentFilter | None
) -> Select[Any]:
    a = self_assessments.c
    query = select(self_assessments).where(a.sha_code.in_(shas))
    if not reads_all_assessments(ctx):
        own = own_member_key(ctx)
        if own is None:
            return query.where(false())
        query = query.where(a.sha_code == own[0], a.member_id == own[1])
    if where and where.member_id:
        gid = decode_id(where.member_id, "Member")
        query = query.where(a.sha_code == gid.sha_code, a.member_id == gid.uuid)
    if where and where.framework_code:
        query = query.where(a.framework_code == where.framework_code)
    return query


async def _fetch_provider(ctx: Context, gid: GlobalId) -> TrainingProvider | None:
    return await ctx.loader(ProviderByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_programme(ctx: Context, gid: GlobalId) -> TrainingProgramme | None:
    return await ctx.loader(TrainingProgrammeByIdLoader).load((gid.sha_code, gid.uuid))


async def _fetch_assessment(ctx: Context, gid: GlobalId) -> SelfAssessment | None:
    found = await ctx.loader(SelfAssessmentByIdLoader).load((gid.sha_code, gid.uuid))
    if found is None or not may_read_assessments_of(ctx, found.sha_code, found.member_db_id):
        return None
    return found


register_node("TrainingProvider", _fetch_provider, national=True)
register_node("TrainingProgramme", _fetch_programme, national=True)
register_node("SelfAssessment", _fetch_assessment)

_NEEDS = text(
    """
    WITH latest AS (
        SELECT DISTINCT ON (sha_code, member_id) sha_code, id
        FROM self_assessments
        WHERE sha_code = ANY(CAST(:shas AS text[])) AND framework_code = :framework
        ORDER BY sha_code, member_id, assessed_on DESC, created_at DESC
    )
    SELECT s.sha_code, s.competency_code,
           count(*) AS assessed, count(*) FILTER (WHERE s.score < :need_below) AS in_need
    FROM self_assessment_scores s
    JOIN latest l ON l.sha_code = s.sha_code AND l.id = s.assessment_id
    WHERE s.sha_code = ANY(CAST(:shas AS text[]))
    GROUP BY s.sha_code, s.competency_code
    """
)

_COVER = text(
    """
    SELECT p.sha_code, p.published_nationally, c.code, count(*) AS n
    FROM training_programmes p, unnest(p.competency_codes) AS c(code)
    WHERE p.sha_code = ANY(CAST(:shas AS text[])) OR p.published_nationally
    GROUP BY p.sha_code, p.published_nationally, c.code
    """
)


async def competency_gaps(
    ctx: Context, framework: CompetencyFramework, shas: list[str], where: GapFilter | None
) -> list[CompetencyGap]:
    """Members in need per (SHA, competency) and programme cover: two GROUP BY statements."""
    where = where or GapFilter()
    catalogue = await ctx.loader(CompetenciesByFrameworkLoader).load(framework.code)
    needs = {
        (r.sha_code, r.competency_code): r
        for r in await ctx.db.rows(
            _NEEDS, {"shas": shas, "framework": framework.code, "need_below": framework.need_below}
        )
    }
    own: dict[tuple[str, str], int] = {}
    national: dict[str, list[tuple[str, int]]] = {}
    for r in await ctx.db.rows(_COVER, {"shas": shas}):
        if r.sha_code in shas:
            own[(r.sha_code, r.code)] = own.get((r.sha_code, r.code), 0) + r.n
        if r.published_nationally:
            national.setdefault(r.code, []).append((r.sha_code, r.n))
    gaps = []
    for sha in shas:
        for c in catalogue:
            need = needs.get((sha, c.code))
            own_n = own.get((sha, c.code), 0)
            national_n = sum(n for owner, n in national.get(c.code, []) if owner != sha)
            gap = CompetencyGap(
                sha_code=sha,
                competency_code=c.code,
                members_assessed=need.assessed if need else 0,
                members_in_need=need.in_need if need else 0,
                own_programmes=own_n,
                national_programmes=national_n,
                covered=own_n + national_n > 0,
            )
            if where.uncovered_only and gap.covered:
                continue
            if gap.members_in_need < where.min_members_in_need:
                continue
            gaps.append(gap)
    gaps.sort(key=lambda g: (g.sha_code, -g.members_in_need, g.competency_code))
    return gaps


@strawberry.type
class Query:
    @strawberry.field(description="The competency frameworks (national reference data).")
    async def competency_frameworks(self, info: Info) -> list[CompetencyFramework]:
        rows = await info.context.db.rows(
            select(competency_frameworks).order_by(competency_frameworks.c.code)
        )
        return [CompetencyFramework.from_row(r) for r in rows]

    @strawberry.field(
        description="Training providers of the SHAs in scope, plus those published nationally.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def training_providers(
        self,
        info: Info,
        page: PageArgs,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Only providers whose name contains this text (case-insensitive)."
            ),
        ] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[TrainingProvider]:
        ctx = info.context
        c = training_providers.c
        query = select(training_providers).where(
            or_(c.sha_code.in_(narrow_shas(ctx, shas)), c.published_nationally.is_(True))
        )
        if search:
            query = query.where(func.lower(c.name).like(contains_pattern(search)))
        return await paginate(
            ctx.db,
            query,
            Ordering((c.name, c.sha_code, c.id)),
            page,
            TrainingProvider.from_row,
        )

    @strawberry.field(
        description="The training directory: own SHA's programmes and national ones.",
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def training_programmes(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[ProgrammeFilter | None] = None,
        direction: Direction = SortDirection.ASC,
        shas: ShaNarrowing = None,
    ) -> Connection[TrainingProgramme]:
        ctx = info.context
        c = training_programmes.c
        return await paginate(
            ctx.db,
            programme_query(ctx, narrow_shas(ctx, shas), filter),
            Ordering((c.title, c.sha_code, c.id), direction == SortDirection.DESC),
            page,
            TrainingProgramme.from_row,
        )

    @strawberry.field(
        description="One programme by id: own SHA's, or another's published nationally.",
        permission_classes=[IsAuthenticated],
    )
    async def training_programme(self, info: Info, id: GlobalIdArg) -> TrainingProgramme | None:
        gid = decode_id(id, "TrainingProgramme")
        return await _fetch_programme(info.context, gid)

    @strawberry.field(
        description=(
            "Self-assessments, newest first: your own, or every one in scope for SHA admins"
            " and national leads."
        ),
        permission_classes=[IsAuthenticated],
    )
    @paged
    async def self_assessments(
        self,
        info: Info,
        page: PageArgs,
        filter: Filtered[SelfAssessmentFilter | None] = None,
        shas: ShaNarrowing = None,
    ) -> Connection[SelfAssessment]:
        ctx = info.context
        c = self_assessments.c
        return await paginate(
            ctx.db,
            assessment_query(ctx, narrow_shas(ctx, shas), filter),
            Ordering((c.assessed_on, c.sha_code, c.id), descending=True),
            page,
            SelfAssessment.from_row,
        )

    @strawberry.field(
        description=(
            "What training to buy: per SHA and competency, members whose latest assessment"
            " scored it below the framework's `needBelow`, and whether any programme covers it."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def competency_gaps(
        self,
        info: Info,
        framework_code: Annotated[
            str,
            strawberry.argument(
                description="Code of the competency framework to analyse, e.g. MLCF."
            ),
        ],
        filter: Filtered[GapFilter | None] = None,
        shas: ShaNarrowing = None,
    ) -> list[CompetencyGap]:
        ctx = info.context
        framework = await ctx.loader(FrameworkByCodeLoader).load(framework_code)
        if framework is None:
            raise BadUserInput(f"unknown framework {framework_code!r}", argument="frameworkCode")
        return await competency_gaps(ctx, framework, narrow_shas(ctx, shas), filter)
