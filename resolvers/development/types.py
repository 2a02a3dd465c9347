"""GraphQL types of leadership development. Leaf fields come from rows; relations go
through per-request DataLoaders (imported late to avoid import cycles)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.relations import related
from resolvers.development.enums import FundingSource, ProgrammeFormat
from resolvers.directory.types import Member


@strawberry.type(description="One element (MLCF) or dimension (Healthcare Leadership Model).")
class Competency:
    code: str = strawberry.field(description="Stable code, e.g. `MLCF.2.3` or `HLM.4`.")
    framework_code: str = strawberry.field(description="The framework it belongs to.")
    group_code: str = strawberry.field(description="The MLCF domain (or the HLM dimension).")
    group_name: str = strawberry.field(description="Name of the domain or dimension.")
    name: str = strawberry.field(description="Name of the element or dimension.")
    position: int = strawberry.field(description="Order within the framework.")

    @classmethod
    def from_row(cls, row: Any) -> Competency:
        return cls(
            code=row.code,
            framework_code=row.framework_code,
            group_code=row.group_code,
            group_name=row.group_name,
            name=row.name,
            position=row.position,
        )


@strawberry.type(description="A leadership competency framework (national reference data).")
class CompetencyFramework:
    code: str = strawberry.field(description="`MLCF` or `HLM`.")
    name: str = strawberry.field(description="Full name of the framework.")
    unit: str = strawberry.field(description="What is scored: `element` or `dimension`.")
    levels: list[str] = strawberry.field(description="Names of scores 1 to 4, lowest first.")
    need_below: int = strawberry.field(
        description="A score below this is a learning need (the documented rule)."
    )

    @classmethod
    def from_row(cls, row: Any) -> CompetencyFramework:
        return cls(
            code=row.code,
            name=row.name,
            unit=row.unit,
            levels=list(row.levels),
            need_below=row.need_below,
        )

    @strawberry.field(description="Its elements or dimensions, in framework order.")
    async def competencies(self, info: Info) -> list[Competency]:

        return await related(info.context, "CompetenciesByFrameworkLoader").load(self.code)


@strawberry.type(description="An organisation that runs leadership programmes.")
class TrainingProvider(Node):
    sha_code: str = strawberry.field(description="The SHA whose Academy keeps this entry.")
    name: str = strawberry.field(description="Provider name.")
    website: str | None = strawberry.field(description="Provider website.")
    published_nationally: bool = strawberry.field(description="Readable by every SHA.")
    created_at: dt.datetime = strawberry.field(description="When it was added.")
    db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> TrainingProvider:
        return cls(
            id=strawberry.ID(encode_id("TrainingProvider", row.sha_code, row.id)),
            db_id=row.id,
            sha_code=row.sha_code,
            name=row.name,
            website=row.website,
            published_nationally=row.published_nationally,
            created_at=row.created_at,
        )


@strawberry.type(description="A leadership programme in an SHA's training directory.")
class TrainingProgramme(Node):
    sha_code: str = strawberry.field(description="The owning SHA (the only one that may edit).")
    title: str = strawberry.field(description="Programme title.")
    format: ProgrammeFormat = strawberry.field(description="How it is delivered.")
    length_days: float = strawberry.field(description="Length in days of contact time.")
    cost_pence: int = strawberry.field(description="Cost per place in pence.")
    funding_sources: list[FundingSource] = strawberry.field(description="Who can fund a place.")
    competency_codes: list[str] = strawberry.field(description="Competencies it develops.")
    published_nationally: bool = strawberry.field(description="Visible to every SHA.")
    created_at: dt.datetime = strawberry.field(description="When it was added.")
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")
    description: str | None = strawberry.field(description="What it covers.")
    starts_on: dt.date | None = strawberry.field(description="When the next run starts.")
    ends_on: dt.date | None = strawberry.field(description="When the next run ends.")
    venue: str | None = strawberry.field(description="Where it runs.")
    booking_url: str | None = strawberry.field(description="Where to book a place (https).")
    eligibility: str | None = strawberry.field(description="Who may attend.")
    db_id: strawberry.Private[Any]
    provider_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> TrainingProgramme:
        return cls(
            id=strawberry.ID(encode_id("TrainingProgramme", row.sha_code, row.id)),
            db_id=row.id,
            provider_db_id=row.provider_id,
            sha_code=row.sha_code,
            title=row.title,
            format=ProgrammeFormat(row.format),
            length_days=float(row.length_days),
            cost_pence=row.cost_pence,
            funding_sources=[FundingSource(f) for f in row.funding_sources],
            competency_codes=list(row.competency_codes),
            published_nationally=row.published_nationally,
            created_at=row.created_at,
            updated_at=row.updated_at,
            description=row.description,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            venue=row.venue,
            booking_url=row.booking_url,
            eligibility=row.eligibility,
        )

    @strawberry.field(description="Who runs it.")
    async def provider(self, info: Info) -> TrainingProvider | None:

        return await related(info.context, "ProviderByIdLoader").load(
            (self.sha_code, self.provider_db_id)
        )

    @strawberry.field(description="The competencies it develops, as reference data.")
    async def competencies(self, info: Info) -> list[Competency]:

        found = await related(info.context, "CompetencyByCodeLoader").load_many(
            self.competency_codes
        )
        return [c for c in found if c is not None]


@strawberry.type(description="A member's score for one element or dimension.")
class CompetencyScore:
    competency_code: str = strawberry.field(description="The element or dimension scored.")
    score: int = strawberry.field(description="1 (lowest) to 4.")

    @strawberry.field(description="The competency scored.")
    async def competency(self, info: Info) -> Competency | None:

        return await related(info.context, "CompetencyByCodeLoader").load(self.competency_code)


@strawberry.type(
    description="A competency scored below the framework's `needBelow`: a learning need."
)
class LearningNeed:
    competency_code: str = strawberry.field(description="The competency to develop.")
    score: int = strawberry.field(description="The self-assessed score that set the need.")
    sha_code: strawberry.Private[str]

    @strawberry.field(description="The competency to develop.")
    async def competency(self, info: Info) -> Competency | None:

        return await related(info.context, "CompetencyByCodeLoader").load(self.competency_code)

    @strawberry.field(
        description="Up to 10 programmes that develop it: the member's SHA first, then national."
    )
    async def matched_programmes(self, info: Info) -> list[TrainingProgramme]:

        return await related(info.context, "MatchedProgrammesLoader").load(
            (self.sha_code, self.competency_code)
        )


@strawberry.type(description="A member's dated self-assessment against one framework.")
class SelfAssessment(Node):
    sha_code: str = strawberry.field(description="The member's SHA.")
    framework_code: str = strawberry.field(description="The framework assessed against.")
    assessed_on: dt.date = strawberry.field(description="Date of the assessment.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")
    db_id: strawberry.Private[Any]
    member_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> SelfAssessment:
        return cls(
            id=strawberry.ID(encode_id("SelfAssessment", row.sha_code, row.id)),
            db_id=row.id,
            member_db_id=row.member_id,
            sha_code=row.sha_code,
            framework_code=row.framework_code,
            assessed_on=row.assessed_on,
            created_at=row.created_at,
        )

    @strawberry.field(description="The member who assessed themselves.")
    async def member(self, info: Info) -> Member | None:

        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.member_db_id)
        )

    @strawberry.field(description="The framework assessed against.")
    async def framework(self, info: Info) -> CompetencyFramework | None:

        return await related(info.context, "FrameworkByCodeLoader").load(self.framework_code)

    @strawberry.field(description="One score per element or dimension, in framework order.")
    async def scores(self, info: Info) -> list[CompetencyScore]:

        return await related(info.context, "ScoresByAssessmentLoader").load(
            (self.sha_code, self.db_id)
        )

    @strawberry.field(description="Mean of the scores.")
    async def average_score(self, info: Info) -> float | None:
        scores = await self.scores(info)
        return round(sum(s.score for s in scores) / len(scores), 2) if scores else None

    @strawberry.field(
        description="Competencies scored below the framework's `needBelow` (3 for both)."
    )
    async def learning_needs(self, info: Info) -> list[LearningNeed]:

        framework = await related(info.context, "FrameworkByCodeLoader").load(self.framework_code)
        threshold = framework.need_below if framework else 0
        return [
            LearningNeed(competency_code=s.competency_code, score=s.score, sha_code=self.sha_code)
            for s in await self.scores(info)
            if s.score < threshold
        ]


@strawberry.type(description="How many members of an SHA need one competency, and its cover.")
class CompetencyGap:
    sha_code: str = strawberry.field(description="The SHA.")
    competency_code: str = strawberry.field(description="The competency.")
    members_assessed: int = strawberry.field(
        description="Members whose latest assessment against the framework scored it."
    )
    members_in_need: int = strawberry.field(
        description="Of those, how many scored it below the framework's `needBelow`."
    )
    own_programmes: int = strawberry.field(description="Programmes of this SHA developing it.")
    national_programmes: int = strawberry.field(
        description="Programmes of other SHAs published nationally developing it."
    )
    covered: bool = strawberry.field(description="Whether any programme (own or national) does.")

    @strawberry.field(description="The competency.")
    async def competency(self, info: Info) -> Competency | None:

        return await related(info.context, "CompetencyByCodeLoader").load(self.competency_code)
