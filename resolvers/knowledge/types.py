"""GraphQL types of knowledge sharing: case studies and their attachments."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.federation import GlobalIdEntity
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.relations import related
from resolvers.directory.loaders import MemberByIdLoader
from resolvers.directory.types import Member


@strawberry.enum(description="Publication state of a case study; each step widens who reads it.")
class CaseStudyStatus(Enum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    REGIONAL = "REGIONAL"
    NATIONAL_REVIEW = "NATIONAL_REVIEW"
    NATIONAL = "NATIONAL"


@strawberry.type(description="A linked resource (document, podcast, slides); https links only.")
class Attachment:
    title: str = strawberry.field(description="What the link is.")
    url: str = strawberry.field(description="An https URL.")


@strawberry.federation.type(
    keys=["id"],
    description="A case study owned by one SHA. Drafts and submitted ones are seen by their"
    " author, contributors and the SHA's admins; REGIONAL and NATIONAL_REVIEW by the SHA;"
    " NATIONAL by every SHA. Only the owning SHA edits it; national leads approve"
    " national publication.",
)
class CaseStudy(Node, GlobalIdEntity):
    sha_code: str = strawberry.field(description="The owning SHA.")
    title: str = strawberry.field(description="Title.")
    topic: str = strawberry.field(description="Topic, e.g. Choose and Book.")
    pathway: str | None = strawberry.field(description="Care pathway, if any.")
    summary: str = strawberry.field(description="What was done.")
    outcomes: str = strawberry.field(description="What changed as a result.")
    attachments: list[Attachment] = strawberry.field(description="Linked resources.")
    status: CaseStudyStatus = strawberry.field(description="Publication state.")
    published_at: dt.datetime | None = strawberry.field(
        description="When it was last published (regionally or nationally)."
    )
    created_at: dt.datetime = strawberry.field(description="When it was written.")
    updated_at: dt.datetime = strawberry.field(description="When it last changed.")
    version: int = strawberry.field(
        description="Its version: 1, plus one for each change made after publication."
    )
    review_note: str | None = strawberry.field(
        description="Why a reviewer last sent it back (or approved it with a remark)."
    )
    db_id: strawberry.Private[Any]
    author_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> CaseStudy:
        return cls(
            id=strawberry.ID(encode_id("CaseStudy", row.sha_code, row.id)),
            db_id=row.id,
            sha_code=row.sha_code,
            title=row.title,
            topic=row.topic,
            pathway=row.pathway,
            summary=row.summary,
            outcomes=row.outcomes,
            attachments=[Attachment(title=a["title"], url=a["url"]) for a in row.attachments],
            status=CaseStudyStatus(row.status),
            published_at=row.published_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
            review_note=row.review_note,
            author_db_id=row.author_id,
        )

    @strawberry.field(description="The member who wrote it (null for case studies before 2026-12).")
    async def author(self, info: Info) -> Member | None:
        if self.author_db_id is None:
            return None
        return await info.context.loader(MemberByIdLoader).load((self.sha_code, self.author_db_id))

    @strawberry.field(description="Members who wrote it with the author (read in its own SHA).")
    async def contributors(self, info: Info) -> list[Member]:

        keys = await related(info.context, "ContributorsByCaseStudyLoader").load(
            (self.sha_code, self.db_id)
        )
        found = await info.context.loader(MemberByIdLoader).load_many(
            [(self.sha_code, k) for k in keys]
        )
        return [m for m in found if m is not None]

    @strawberry.field(
        description="Earlier texts, newest first, each with the note of the change that"
        " replaced it (the changes log)."
    )
    async def versions(self, info: Info) -> list[CaseStudyVersion]:

        return await related(info.context, "VersionsByCaseStudyLoader").load(
            (self.sha_code, self.db_id)
        )


@strawberry.type(description="A case study's text as it was before a change after publication.")
class CaseStudyVersion:
    version: int = strawberry.field(description="The version this text was.")
    title: str = strawberry.field(description="Title then.")
    topic: str = strawberry.field(description="Topic then.")
    pathway: str | None = strawberry.field(description="Care pathway then.")
    summary: str = strawberry.field(description="Summary then.")
    outcomes: str = strawberry.field(description="Outcomes then.")
    attachments: list[Attachment] = strawberry.field(description="Links then.")
    status: CaseStudyStatus = strawberry.field(description="Its status then.")
    change_note: str = strawberry.field(description="What the change that replaced it was.")
    changed_at: dt.datetime = strawberry.field(description="When it was replaced.")

    @classmethod
    def from_row(cls, row: Any) -> CaseStudyVersion:
        return cls(
            version=row.version,
            title=row.title,
            topic=row.topic,
            pathway=row.pathway,
            summary=row.summary,
            outcomes=row.outcomes,
            attachments=[Attachment(title=a["title"], url=a["url"]) for a in row.attachments],
            status=CaseStudyStatus(row.status),
            change_note=row.change_note,
            changed_at=row.changed_at,
        )
