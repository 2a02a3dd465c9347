"""GraphQL types of the domain sections of the national dashboard (learning-set
attendance, Escalator levels, training gaps). The figures come from each domain's
loader (`resolvers/<domain>/national.py`), one GROUP BY statement per section."""

from __future__ import annotations

import strawberry

from resolvers.common.context import Info
from resolvers.common.relations import related
from resolvers.escalator.types import PolicyArea


@strawberry.type(description="Action learning set attendance in one SHA (held meetings only).")
class ShaSetAttendance:
    sha_code: str = strawberry.field(description="The SHA counted.")
    pilot: bool = strawberry.field(description="True while the SHA is a pilot.")
    sets: int = strawberry.field(description="Learning sets of any status.")
    active_sets: int = strawberry.field(description="Learning sets still meeting.")
    meetings_held: int = strawberry.field(description="Meetings marked held.")
    attendance_records: int = strawberry.field(
        description="Attendance entries recorded at held meetings (attended, apologies, absent)."
    )
    attended: int = strawberry.field(description="Entries marked attended.")
    attendance_rate: float | None = strawberry.field(
        description="attended / attendanceRecords (3 decimals); null when nothing is recorded."
    )


@strawberry.type(
    description="How many organisations of one SHA stand at each Escalator level in one"
    " policy area (each organisation's latest assessment, or the period asked for)."
)
class EscalatorLevelCounts:
    sha_code: str = strawberry.field(description="The SHA counted.")
    pilot: bool = strawberry.field(description="True while the SHA is a pilot.")
    policy_area_code: str = strawberry.field(description="The policy area's code.")
    awareness_raising: int = strawberry.field(description="Organisations at level 1.")
    clinical_involvement: int = strawberry.field(description="Organisations at level 2.")
    dissemination: int = strawberry.field(description="Organisations at level 3.")
    acceptance_and_adoption: int = strawberry.field(description="Organisations at level 4.")
    organisations: int = strawberry.field(description="Organisations assessed in this area.")

    @strawberry.field(description="The policy area (national, or added by the SHA).")
    async def policy_area(self, info: Info) -> PolicyArea | None:

        return await related(info.context, "PolicyAreaByCodeLoader").load(
            (self.sha_code, self.policy_area_code)
        )


@strawberry.type(
    description="A competency members of one SHA need (latest self-assessment below the"
    " framework's needBelow), and whether any programme develops it."
)
class ShaTrainingGap:
    sha_code: str = strawberry.field(description="The SHA counted.")
    pilot: bool = strawberry.field(description="True while the SHA is a pilot.")
    framework_code: str = strawberry.field(description="The competency framework.")
    competency_code: str = strawberry.field(description="The competency.")
    members_assessed: int = strawberry.field(
        description="Members whose latest assessment against the framework scored it."
    )
    members_in_need: int = strawberry.field(description="Of those, how many need it.")
    covered: bool = strawberry.field(
        description="Whether a programme of the SHA, or one published nationally, develops it."
    )
