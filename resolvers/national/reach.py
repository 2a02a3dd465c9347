"""Dashboard sections on the network's reach (issue 25): medical engagement, Clinical
Congress registrations, case studies and consultation responses, per SHA.

Each section is one GROUP BY statement over a small table (one row per organisation and
period, per registration, per case study, per response), with the SHA codes written in
as literals so partitions are pruned while planning; RLS still limits the rows to the
caller's read scope (a partner's granted SHAs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import strawberry

from resolvers.common.loaders import RequestLoader
from resolvers.national.loaders import with_shas

ShaKey = tuple[str, ...]


@strawberry.type(description="Medical engagement in one SHA: each organisation's latest score.")
class ShaMedicalEngagement:
    sha_code: str = strawberry.field(description="The SHA counted.")
    organisations_scored: int = strawberry.field(description="Organisations with a score.")
    latest_period: str | None = strawberry.field(description="The newest quarter scored.")
    doctors_engaged_pct: float | None = strawberry.field(
        description="Mean share of doctors engaged (%, 1 decimal) over the latest scores."
    )
    mes_index: float | None = strawberry.field(
        description="Mean Medical Engagement Scale index over the latest scores that have one."
    )


@strawberry.type(description="Registrations of one SHA's members to Clinical Congress events.")
class ShaCongressAttendance:
    sha_code: str = strawberry.field(description="The members' SHA.")
    events: int = strawberry.field(description="Congress events its members registered for.")
    confirmed: int = strawberry.field(description="Confirmed places.")
    waitlisted: int = strawberry.field(description="Places on a waiting list.")
    cancelled: int = strawberry.field(description="Registrations cancelled.")
    members: int = strawberry.field(description="Members with a confirmed place.")


@strawberry.type(description="Case studies of one SHA by publication state.")
class ShaCaseStudies:
    sha_code: str = strawberry.field(description="The SHA that wrote them.")
    drafts: int = strawberry.field(description="Drafts.")
    regional: int = strawberry.field(description="Published in the region.")
    national: int = strawberry.field(description="Published nationally.")


@strawberry.type(description="How far one SHA's consultations and members' responses reach.")
class ShaConsultationReach:
    sha_code: str = strawberry.field(description="The SHA counted.")
    consultations: int = strawberry.field(description="Consultations the SHA opened.")
    responses: int = strawberry.field(description="Responses by the SHA's members.")
    respondents: int = strawberry.field(description="Members of the SHA who responded.")
    consultations_answered: int = strawberry.field(
        description="Consultations (any SHA's, or national) its members responded to."
    )


_ENGAGEMENT = with_shas(
    """
    SELECT sha_code, count(*) AS organisations, max(period) AS latest_period,
           round(avg(doctors_engaged_pct), 1)::float AS doctors_engaged_pct,
           round(avg(mes_index), 1)::float AS mes_index
    FROM (
        SELECT DISTINCT ON (sha_code, organisation_id)
               sha_code, period, doctors_engaged_pct, mes_index
        FROM medical_engagement_scores
        WHERE sha_code IN :shas
        ORDER BY sha_code, organisation_id, period DESC
    ) latest
    GROUP BY sha_code
    """
)

# Registrations live in the member's SHA and events in theirs: the congress events
# are read first (a materialized CTE, a few rows) and joined to the registrations,
# as Citus cannot join the two tables across regions.
_CONGRESS = with_shas(
    """
    WITH congress AS MATERIALIZED (
        SELECT sha_code, id FROM events WHERE kind = 'CLINICAL_CONGRESS'
    )
    SELECT r.sha_code, count(DISTINCT r.event_id) AS events,
           count(*) FILTER (WHERE r.status = 'CONFIRMED') AS confirmed,
           count(*) FILTER (WHERE r.status = 'WAITLISTED') AS waitlisted,
           count(*) FILTER (WHERE r.status = 'CANCELLED') AS cancelled,
           count(DISTINCT r.member_id) FILTER (WHERE r.status = 'CONFIRMED') AS members
    FROM event_registrations r
    JOIN congress e ON e.sha_code = r.event_sha_code AND e.id = r.event_id
    WHERE r.sha_code IN :shas
    GROUP BY r.sha_code
    """
)

_CASE_STUDIES = with_shas(
    """
    SELECT sha_code,
           count(*) FILTER (WHERE status = 'DRAFT') AS drafts,
           count(*) FILTER (WHERE status = 'REGIONAL') AS regional,
           count(*) FILTER (WHERE status = 'NATIONAL') AS national
    FROM case_studies
    WHERE sha_code IN :shas
    GROUP BY sha_code
    """
)

_CONSULTATIONS = with_shas(
    """
    SELECT s.code AS sha_code, coalesce(c.opened, 0) AS consultations,
           coalesce(r.responses, 0) AS responses, coalesce(r.respondents, 0) AS respondents,
           coalesce(r.answered, 0) AS consultations_answered
    FROM shas s
    LEFT JOIN (
        SELECT sha_code, count(*) AS opened FROM consultations
        WHERE sha_code IN :shas GROUP BY sha_code
    ) c ON c.sha_code = s.code
    LEFT JOIN (
        SELECT sha_code, count(*) AS responses, count(DISTINCT member_id) AS respondents,
               count(DISTINCT (consultation_sha, consultation_id)) AS answered
        FROM consultation_responses
        WHERE sha_code IN :shas GROUP BY sha_code
    ) r ON r.sha_code = s.code
    WHERE s.code IN :shas
    """
)


@dataclass(frozen=True)
class _Section:
    statement: Any
    build: Any  # row -> GraphQL object


class _SectionLoader(RequestLoader[ShaKey, dict[str, Any]]):
    section: _Section

    async def load_batch(self, keys: list[ShaKey]) -> Sequence[dict[str, Any]]:
        codes = sorted({c for key in keys for c in key})
        found = (
            {
                r.sha_code: self.section.build(r)
                for r in await self.ctx.db.rows(self.section.statement, {"shas": codes})
            }
            if codes
            else {}
        )
        return [{c: found[c] for c in key if c in found} for key in keys]


class MedicalEngagementLoader(_SectionLoader):
    section = _Section(
        _ENGAGEMENT,
        lambda r: ShaMedicalEngagement(
            sha_code=r.sha_code,
            organisations_scored=r.organisations,
            latest_period=r.latest_period,
            doctors_engaged_pct=r.doctors_engaged_pct,
            mes_index=r.mes_index,
        ),
    )


class CongressAttendanceLoader(_SectionLoader):
    section = _Section(
        _CONGRESS,
        lambda r: ShaCongressAttendance(
            sha_code=r.sha_code,
            events=r.events,
            confirmed=r.confirmed,
            waitlisted=r.waitlisted,
            cancelled=r.cancelled,
            members=r.members,
        ),
    )


class CaseStudiesLoader(_SectionLoader):
    section = _Section(
        _CASE_STUDIES,
        lambda r: ShaCaseStudies(
            sha_code=r.sha_code, drafts=r.drafts, regional=r.regional, national=r.national
        ),
    )


class ConsultationReachLoader(_SectionLoader):
    section = _Section(
        _CONSULTATIONS,
        lambda r: ShaConsultationReach(
            sha_code=r.sha_code,
            consultations=r.consultations,
            responses=r.responses,
            respondents=r.respondents,
            consultations_answered=r.consultations_answered,
        ),
    )


def every_sha(codes: list[str], found: dict[str, Any], empty: Any) -> list[Any]:
    """One entry per SHA asked for, in order; `empty(code)` where it has no rows."""
    return [found.get(code) or empty(code) for code in codes]
