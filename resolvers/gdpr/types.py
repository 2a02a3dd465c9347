"""GraphQL types of data exports and leave requests."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.ids import encode_id
from resolvers.common.node import Node
from resolvers.common.relations import related

if TYPE_CHECKING:
    from resolvers.directory.types import Member


@strawberry.enum(description="Where an export stands.")
class ExportStatus(Enum):
    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


@strawberry.enum(description="Where a request to leave stands.")
class LeaveStatus(Enum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"


@strawberry.type(description="A copy of everything held about me, as one JSON document.")
class DataExport(Node):
    status: ExportStatus = strawberry.field(description="Prepared by a background job.")
    requested_at: dt.datetime = strawberry.field(description="When I asked.")
    ready_at: dt.datetime | None = strawberry.field(description="When it was ready.")
    expires_at: dt.datetime | None = strawberry.field(description="When the link stops working.")
    sha_code: strawberry.Private[str]
    db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> DataExport:
        return cls(
            id=strawberry.ID(encode_id("DataExport", row.sha_code, row.id)),
            status=ExportStatus(row.status),
            requested_at=row.requested_at,
            ready_at=row.ready_at,
            expires_at=row.expires_at,
            sha_code=row.sha_code,
            db_id=row.id,
        )

    @strawberry.field(
        description="Path of the download (GET, no token needed) while it is ready and unexpired."
    )
    def download_path(self, info: Info) -> str | None:
        from resolvers.gdpr.exports import signed_link

        if self.status != ExportStatus.READY or self.expires_at is None:
            return None
        if self.expires_at <= dt.datetime.now(dt.UTC):
            return None
        return signed_link(info.context.settings, self.sha_code, self.db_id, self.expires_at)


@strawberry.type(description="A member's request to leave the network.")
class LeaveRequest(Node):
    status: LeaveStatus = strawberry.field(description="Confirmed by an SHA admin, or not.")
    requested_at: dt.datetime = strawberry.field(description="When she asked.")
    decided_at: dt.datetime | None = strawberry.field(description="When it was decided.")
    sha_code: strawberry.Private[str]
    member_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> LeaveRequest:
        return cls(
            id=strawberry.ID(encode_id("LeaveRequest", row.sha_code, row.id)),
            status=LeaveStatus(row.status),
            requested_at=row.requested_at,
            decided_at=row.decided_at,
            sha_code=row.sha_code,
            member_db_id=row.member_id,
        )

    @strawberry.field(
        description="The member (after confirmation: the erased record, 'Former member').",
        graphql_type=Annotated["Member", strawberry.lazy("resolvers.directory.types")] | None,
    )
    async def member(self, info: Info) -> Any:

        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.member_db_id)
        )


@strawberry.type(description="The export as requested.")
class DataExportPayload:
    export: DataExport = strawberry.field(description="The export.")


@strawberry.type(description="The request to leave as saved or decided.")
class LeaveRequestPayload:
    request: LeaveRequest = strawberry.field(description="The request.")


def _result(name: str, payload: Any) -> Any:
    return Annotated[
        payload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
        strawberry.union(name, description="Saved, or why not."),
    ]


DataExportResult = _result("DataExportResult", DataExportPayload)
LeaveRequestResult = _result("LeaveRequestResult", LeaveRequestPayload)
