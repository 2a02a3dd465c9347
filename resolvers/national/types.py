"""GraphQL types of the national view. Each dashboard section is its own field, so a
domain adds a section without touching the others (see docs/rollout.md); the member,
rollout and Escalator sections share one loader, whose one statement reads their
rollups (a few hundred rows) in one round trip."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.errors import BadUserInput
from resolvers.development.national import TrainingGapsByShasLoader
from resolvers.directory.enums import Profession, ShaStatus
from resolvers.escalator.periods import check_period
from resolvers.national.loaders import (
    DashboardRollupsLoader,
    SetAttendanceLoader,
)
from resolvers.national.reach import (
    CaseStudiesLoader,
    CongressAttendanceLoader,
    ConsultationReachLoader,
    MedicalEngagementLoader,
    ShaCaseStudies,
    ShaCongressAttendance,
    ShaConsultationReach,
    ShaMedicalEngagement,
    every_sha,
)
from resolvers.national.sections import EscalatorLevelCounts, ShaSetAttendance, ShaTrainingGap
from tenants.registry import RolloutStatus


@strawberry.type(description="Members of one profession in one SHA.")
class ProfessionCount:
    sha_code: str = strawberry.field(description="The SHA counted.")
    profession: Profession = strawberry.field(description="The profession counted.")
    members: int = strawberry.field(description="Members of any status.")
    active_members: int = strawberry.field(description="Members whose status is ACTIVE.")


@strawberry.type(description="Members in one SHA, with its rollout status.")
class ShaMemberTotal:
    sha_code: str = strawberry.field(description="The SHA counted.")
    status: ShaStatus = strawberry.field(description="Its rollout status.")
    pilot: bool = strawberry.field(
        description="True while the SHA is a pilot: read its figures so."
    )
    members: int = strawberry.field(description="Members of any status.")
    active_members: int = strawberry.field(description="Members whose status is ACTIVE.")


@strawberry.type(description="Where one SHA is in the rollout.")
class ShaRollout:
    sha_code: str = strawberry.field(description="The SHA.")
    name: str = strawberry.field(description="Its name.")
    status: ShaStatus = strawberry.field(description="Current rollout status.")
    pilot: bool = strawberry.field(description="True while the SHA is a pilot.")
    status_changed_at: dt.datetime | None = strawberry.field(
        description="When the current status began."
    )
    organisations: int = strawberry.field(description="Organisations registered in the SHA.")


@strawberry.type(
    description="The whole network at a glance, for the SHAs the caller may see (or the"
    " ones asked for). Retired SHAs are never included."
)
class NationalDashboard:
    sha_codes: list[str] = strawberry.field(description="The SHAs these figures cover.")
    _statuses: strawberry.Private[dict[str, RolloutStatus]]
    _names: strawberry.Private[dict[str, str]]
    _changed: strawberry.Private[dict[str, Any]]

    @property
    def _key(self) -> tuple[str, ...]:
        return tuple(self.sha_codes)

    @strawberry.field(
        description="Members by SHA (from the rollup shared with membersByProfession)."
    )
    async def members_by_sha(self, info: Info) -> list[ShaMemberTotal]:
        rows = (await info.context.loader(DashboardRollupsLoader).load((self._key, None))).members
        totals = {code: [0, 0] for code in self.sha_codes}
        for r in rows:
            totals[r.sha_code][0] += r.members
            totals[r.sha_code][1] += r.active
        return [
            ShaMemberTotal(
                sha_code=code,
                status=ShaStatus(self._statuses[code].value),
                pilot=self._statuses[code] == RolloutStatus.PILOT,
                members=totals[code][0],
                active_members=totals[code][1],
            )
            for code in self.sha_codes
        ]

    @strawberry.field(description="Members by SHA and profession.")
    async def members_by_profession(self, info: Info) -> list[ProfessionCount]:
        rows = (await info.context.loader(DashboardRollupsLoader).load((self._key, None))).members
        return [
            ProfessionCount(
                sha_code=r.sha_code,
                profession=Profession(r.profession),
                members=r.members,
                active_members=r.active,
            )
            for r in rows
        ]

    @strawberry.field(description="Rollout status per SHA; pilots are marked.")
    async def rollout(self, info: Info) -> list[ShaRollout]:
        rollups = await info.context.loader(DashboardRollupsLoader).load((self._key, None))
        orgs = rollups.organisations
        return [
            ShaRollout(
                sha_code=code,
                name=self._names[code],
                status=ShaStatus(self._statuses[code].value),
                pilot=self._statuses[code] == RolloutStatus.PILOT,
                status_changed_at=self._changed[code],
                organisations=orgs.get(code, 0),
            )
            for code in self.sha_codes
        ]

    def _pilot(self, code: str) -> bool:
        return self._statuses[code] == RolloutStatus.PILOT

    @strawberry.field(
        description="Action learning set attendance per SHA (one GROUP BY); every SHA is"
        " listed, with zeros where it has no sets."
    )
    async def learning_set_attendance(self, info: Info) -> list[ShaSetAttendance]:
        figures = await info.context.loader(SetAttendanceLoader).load(self._key)
        result = []
        for code in self.sha_codes:
            f = figures.get(code)
            result.append(
                ShaSetAttendance(
                    sha_code=code,
                    pilot=self._pilot(code),
                    sets=f.sets if f else 0,
                    active_sets=f.active_sets if f else 0,
                    meetings_held=f.meetings_held if f else 0,
                    attendance_records=f.records if f else 0,
                    attended=f.attended if f else 0,
                    attendance_rate=f.rate if f else None,
                )
            )
        return result

    @strawberry.field(
        description="Engagement Escalator level distribution by SHA and policy area (one"
        " GROUP BY): each organisation's latest assessment per area, or its assessment in"
        " `period` when given."
    )
    async def escalator_levels(
        self,
        info: Info,
        period: Annotated[
            str | None,
            strawberry.argument(description="A quarter like 2009Q1; omit for the latest."),
        ] = None,
    ) -> list[EscalatorLevelCounts]:
        if check_period(period, "period"):
            raise BadUserInput("period must be a quarter like 2009Q1", argument="period")
        rows = (await info.context.loader(DashboardRollupsLoader).load((self._key, period))).levels
        return [
            EscalatorLevelCounts(
                sha_code=r.sha_code,
                pilot=self._pilot(r.sha_code),
                policy_area_code=r.policy_area,
                awareness_raising=r.levels[0],
                clinical_involvement=r.levels[1],
                dissemination=r.levels[2],
                acceptance_and_adoption=r.levels[3],
                organisations=r.organisations,
            )
            for r in rows
        ]

    @strawberry.field(
        description="Training gaps per SHA (one statement): competencies members need, most"
        " needed first, and whether any programme covers them."
    )
    async def training_gaps(self, info: Info) -> list[ShaTrainingGap]:
        rows = await info.context.loader(TrainingGapsByShasLoader).load(self._key)
        return [
            ShaTrainingGap(
                sha_code=r.sha_code,
                pilot=self._pilot(r.sha_code),
                framework_code=r.framework_code,
                competency_code=r.competency_code,
                members_assessed=r.members_assessed,
                members_in_need=r.members_in_need,
                covered=r.covered,
            )
            for r in rows
        ]

    @strawberry.field(
        description="Medical engagement per SHA (one statement): each organisation's latest"
        " score; every SHA is listed, with zeros and nulls where nothing is scored."
    )
    async def medical_engagement(self, info: Info) -> list[ShaMedicalEngagement]:
        found = await info.context.loader(MedicalEngagementLoader).load(self._key)
        return every_sha(
            self.sha_codes,
            found,
            lambda c: ShaMedicalEngagement(
                sha_code=c,
                organisations_scored=0,
                latest_period=None,
                doctors_engaged_pct=None,
                mes_index=None,
            ),
        )

    @strawberry.field(
        description="Clinical Congress registrations of each SHA's members (one statement)."
    )
    async def congress_attendance(self, info: Info) -> list[ShaCongressAttendance]:
        found = await info.context.loader(CongressAttendanceLoader).load(self._key)
        return every_sha(
            self.sha_codes,
            found,
            lambda c: ShaCongressAttendance(
                sha_code=c, events=0, confirmed=0, waitlisted=0, cancelled=0, members=0
            ),
        )

    @strawberry.field(description="Case studies per SHA by publication state (one statement).")
    async def case_studies(self, info: Info) -> list[ShaCaseStudies]:
        found = await info.context.loader(CaseStudiesLoader).load(self._key)
        return every_sha(
            self.sha_codes,
            found,
            lambda c: ShaCaseStudies(sha_code=c, drafts=0, regional=0, national=0),
        )

    @strawberry.field(
        description="Consultations opened per SHA and its members' responses (one statement)."
    )
    async def consultation_reach(self, info: Info) -> list[ShaConsultationReach]:
        found = await info.context.loader(ConsultationReachLoader).load(self._key)
        return every_sha(
            self.sha_codes,
            found,
            lambda c: ShaConsultationReach(
                sha_code=c, consultations=0, responses=0, respondents=0, consultations_answered=0
            ),
        )


@strawberry.type(description="One read by a national or partner caller that spanned regions.")
class CrossRegionRead:
    id: strawberry.ID = strawberry.field(description="Row id.")
    occurred_at: dt.datetime = strawberry.field(description="When the read ran.")
    actor: str = strawberry.field(description="Who read (user:<sub> or partner:<client>).")
    principal_kind: str = strawberry.field(description="user or partner.")
    home_sha: str | None = strawberry.field(description="The caller's home SHA, if any.")
    shas: list[str] = strawberry.field(description="The SHAs the read could reach.")
    operation_name: str | None = strawberry.field(description="The GraphQL operation name.")
    root_fields: list[str] = strawberry.field(description="The top-level fields queried.")
    request_id: str | None = strawberry.field(description="The request id, for the logs.")

    @classmethod
    def from_row(cls, row: Any) -> CrossRegionRead:
        return cls(
            id=strawberry.ID(str(row.id)),
            occurred_at=row.occurred_at,
            actor=row.actor,
            principal_kind=row.principal_kind,
            home_sha=row.home_sha,
            shas=list(row.shas),
            operation_name=row.operation_name,
            root_fields=list(row.root_fields),
            request_id=row.request_id,
        )
