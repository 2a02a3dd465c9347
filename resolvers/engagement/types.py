"""GraphQL types of medical engagement: scores per organisation and quarter, and the
comparison of an SHA's organisations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.directory.loaders import OrganisationByIdLoader
from resolvers.directory.types import Organisation


def as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type(
    description="Medical Engagement Scale scores (0-100 as reported by the source), never the questionnaire."
)
class MesScores:
    overall_index: float | None = strawberry.field(description="Overall engagement index.")
    open_culture: float | None = strawberry.field(description="Working in an Open Culture.")
    purpose_and_direction: float | None = strawberry.field(
        description="Having Purpose and Direction."
    )
    valued_and_empowered: float | None = strawberry.field(
        description="Feeling Valued and Empowered."
    )


@strawberry.type(description="Medical engagement of one organisation in one quarter.")
class MedicalEngagementScore(Node):
    sha_code: str = strawberry.field(description="The SHA that owns this row.")
    period: str = strawberry.field(description="Quarter, e.g. 2009Q1.")
    doctors_engaged_pct: float = strawberry.field(description="Share of doctors engaged, 0-100.")
    rating: int = strawberry.field(description="Engagement rating, 1 (poor) to 5 (excellent).")
    mes: MesScores = strawberry.field(description="Medical Engagement Scale scores.")
    source: str = strawberry.field(description="Where the scores come from (survey, year).")
    created_at: dt.datetime = strawberry.field(description="When the row was written.")
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")
    db_id: strawberry.Private[Any]
    organisation_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> MedicalEngagementScore:
        return cls(
            id=strawberry.ID(encode_id("MedicalEngagementScore", row.sha_code, row.id)),
            db_id=row.id,
            organisation_db_id=row.organisation_id,
            sha_code=row.sha_code,
            period=row.period,
            doctors_engaged_pct=float(row.doctors_engaged_pct),
            rating=row.rating,
            mes=MesScores(
                overall_index=as_float(row.mes_index),
                open_culture=as_float(row.mes_open_culture),
                purpose_and_direction=as_float(row.mes_purpose_direction),
                valued_and_empowered=as_float(row.mes_valued_empowered),
            ),
            source=row.source,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="The organisation scored.")
    async def organisation(self, info: Info) -> Organisation | None:
        return await info.context.loader(OrganisationByIdLoader).load(
            (self.sha_code, self.organisation_db_id)
        )


@strawberry.type(description="One organisation compared with the others of its SHA in a quarter.")
class EngagementComparison:
    sha_code: str = strawberry.field(description="The SHA compared within.")
    period: str = strawberry.field(description="Quarter compared.")
    organisations_compared: int = strawberry.field(description="Organisations scored in the SHA.")
    doctors_engaged_pct: float = strawberry.field(description="This organisation's share.")
    rank: int = strawberry.field(description="Rank by share of doctors engaged (1 = highest).")
    sha_mean_pct: float = strawberry.field(description="Mean share across the SHA.")
    difference_from_mean: float = strawberry.field(
        description="Share minus the SHA mean, in percentage points."
    )
    rating: int = strawberry.field(description="This organisation's 1-5 rating.")
    mes_index: float | None = strawberry.field(description="MES overall index.")
    mes_index_rank: int | None = strawberry.field(
        description="Rank by MES overall index among organisations with one."
    )
    mes_index_difference_from_mean: float | None = strawberry.field(
        description="MES index minus the SHA mean index."
    )
    organisation_db_id: strawberry.Private[Any]

    @strawberry.field(description="The organisation.")
    async def organisation(self, info: Info) -> Organisation | None:
        return await info.context.loader(OrganisationByIdLoader).load(
            (self.sha_code, self.organisation_db_id)
        )
