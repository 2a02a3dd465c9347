"""Case-study mutations: members write drafts, SHA admins review, national leads approve
national publication (resolvers/knowledge/workflow.py)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import require_roles
from auth.principal import Role
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.mutation import run_mutation
from resolvers.directory.queries import GlobalIdArg
from resolvers.knowledge import service
from resolvers.knowledge.types import CaseStudy, CaseStudyStatus


@strawberry.input(description="A linked resource; https only.")
class AttachmentInput:
    title: str = strawberry.field(description="What the link is.")
    url: str = strawberry.field(description="An https URL.")


@strawberry.input(description="A new case study (saved as a draft).")
class CreateCaseStudyInput:
    sha_code: str | None = strawberry.field(
        default=None, description="Owning SHA; may be left out when you can write only one."
    )
    title: str = strawberry.field(description="Title.")
    topic: str = strawberry.field(description="Topic.")
    summary: str = strawberry.field(description="What was done.")
    outcomes: str = strawberry.field(description="What changed.")
    pathway: str | None = strawberry.field(default=None, description="Care pathway.")
    attachments: list[AttachmentInput] = strawberry.field(
        default_factory=list, description="Linked resources."
    )
    author_id: strawberry.ID | None = strawberry.field(
        default=None, description="The author (SHA admins only; default the caller)."
    )
    contributor_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Members who wrote it with the author."
    )


@strawberry.input(description="Changes to a case study; omitted fields stay as they are.")
class UpdateCaseStudyInput:
    id: strawberry.ID = strawberry.field(description="The case study.")
    title: str | None = strawberry.field(default=None, description="Title.")
    topic: str | None = strawberry.field(default=None, description="Topic.")
    summary: str | None = strawberry.field(default=None, description="Summary.")
    outcomes: str | None = strawberry.field(default=None, description="Outcomes.")
    pathway: str | None = strawberry.field(default=None, description="Care pathway.")
    attachments: list[AttachmentInput] | None = strawberry.field(
        default=None, description="Replaces the links."
    )
    contributor_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Replaces the contributors (the author or an SHA admin)."
    )
    change_note: str | None = strawberry.field(
        default=None,
        description="What changed and why; required once published (kept in the changes log).",
    )


@strawberry.type(description="The case study as saved.")
class CaseStudyPayload:
    case_study: CaseStudy = strawberry.field(description="The case study.")


CaseStudyResult = Annotated[
    CaseStudyPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("CaseStudyResult", description="Saved case study or why not."),
]


def _changes(data: CreateCaseStudyInput | UpdateCaseStudyInput) -> service.CaseStudyChanges:
    return service.CaseStudyChanges(
        title=data.title,
        topic=data.topic,
        pathway=data.pathway,
        summary=data.summary,
        outcomes=data.outcomes,
        attachments=None
        if data.attachments is None
        else [(a.title, a.url) for a in data.attachments],
        author_id=getattr(data, "author_id", None),
        contributor_ids=None if data.contributor_ids is None else list(data.contributor_ids),
        change_note=getattr(data, "change_note", None),
    )


CanWriteCaseStudies = require_roles(
    Role.MEMBER, Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN
)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Write a case study as a draft (members of the SHA, or its admins).",
        permission_classes=[CanWriteCaseStudies],
    )
    async def create_case_study(
        self,
        info: Info,
        input: Annotated[
            CreateCaseStudyInput,
            strawberry.argument(
                description="The case study: SHA, title, topic, summary, outcomes, pathway and attachments."
            ),
        ],
    ) -> CaseStudyResult:
        async def act() -> CaseStudyPayload:
            study = await service.create_case_study(info.context, input.sha_code, _changes(input))
            return CaseStudyPayload(case_study=study)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Change a case study: its writers while a draft, the SHA's admins after"
        " publication (with a change note; the earlier text is kept as a version).",
        permission_classes=[CanWriteCaseStudies],
    )
    async def update_case_study(
        self,
        info: Info,
        input: Annotated[
            UpdateCaseStudyInput,
            strawberry.argument(
                description="The case study's id and the fields to change; fields left out keep their value."
            ),
        ],
    ) -> CaseStudyResult:
        async def act() -> CaseStudyPayload:
            study = await service.update_case_study(info.context, input.id, _changes(input))
            return CaseStudyPayload(case_study=study)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Move a case study along its workflow: DRAFT -> SUBMITTED (its writers)"
        " -> REGIONAL (SHA admins) -> NATIONAL_REVIEW (SHA admins) -> NATIONAL (national"
        " leads); a reviewer sends it back with a note; SHA admins withdraw it to DRAFT.",
        permission_classes=[CanWriteCaseStudies],
    )
    async def set_case_study_status(
        self,
        info: Info,
        id: GlobalIdArg,
        status: Annotated[
            CaseStudyStatus,
            strawberry.argument(description="The next status (see the workflow above)."),
        ],
        note: Annotated[
            str | None,
            strawberry.argument(description="The reviewer's note; required when sending it back."),
        ] = None,
    ) -> CaseStudyResult:
        async def act() -> CaseStudyPayload:
            study = await service.set_status(info.context, id, status, note)
            return CaseStudyPayload(case_study=study)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
