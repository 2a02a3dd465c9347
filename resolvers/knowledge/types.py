"""GraphQL types of knowledge sharing: case studies and their attachments."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import strawberry

from resolvers.common.federation import GlobalIdEntity
from resolvers.common.ids import encode_id
from resolvers.common.node import Node


@strawberry.enum(description="Publication state of a case study; each step widens who reads it.")
class CaseStudyStatus(Enum):
    DRAFT = "DRAFT"
    REGIONAL = "REGIONAL"
    NATIONAL = "NATIONAL"


@strawberry.type(description="A linked resource (document, podcast, slides); https links only.")
class Attachment:
    title: str = strawberry.field(description="What the link is.")
    url: str = strawberry.field(description="An https URL.")


@strawberry.federation.type(
    keys=["id"],
    description="A case study owned by one SHA. Drafts are seen by its editors; REGIONAL by the"
    " SHA; NATIONAL by every SHA. Only the owning SHA edits it.",
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
    db_id: strawberry.Private[Any]

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
        )
