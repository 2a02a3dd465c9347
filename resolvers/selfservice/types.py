"""GraphQL types of self-service: requests an administrator or facilitator decides."""

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
    from resolvers.networks.types import NetworkMembership


@strawberry.enum(description="What a member asked for.")
class RequestKind(Enum):
    ORGANISATION_MOVE = "ORGANISATION_MOVE"
    NETWORK = "NETWORK"
    LEARNING_SET = "LEARNING_SET"


@strawberry.enum(description="Where a request stands.")
class RequestStatus(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"


@strawberry.enum(description="How members join a network.")
class JoinPolicy(Enum):
    OPEN = "OPEN"
    BY_REQUEST = "BY_REQUEST"


# kind -> (node type name, target column, target type name)
KINDS: dict[RequestKind, tuple[str, str, str]] = {
    RequestKind.ORGANISATION_MOVE: ("OrganisationMoveRequest", "organisation_id", "Organisation"),
    RequestKind.NETWORK: ("NetworkJoinRequest", "network_id", "Network"),
    RequestKind.LEARNING_SET: ("LearningSetJoinRequest", "set_id", "LearningSet"),
}


@strawberry.type(
    description="A member's request: to move organisation, join a closed network or take a"
    " place in a learning set."
)
class MembershipRequest(Node):
    kind: RequestKind = strawberry.field(description="What she asked for.")
    status: RequestStatus = strawberry.field(description="Where it stands.")
    target_id: strawberry.ID = strawberry.field(
        description="Global id of the organisation, network or learning set."
    )
    requested_at: dt.datetime = strawberry.field(description="When she asked.")
    decided_at: dt.datetime | None = strawberry.field(description="When it was decided.")
    note: str | None = strawberry.field(description="The decider's note to her.")
    sha_code: strawberry.Private[str]
    member_db_id: strawberry.Private[Any]

    @classmethod
    def from_row(cls, kind: RequestKind, row: Any) -> MembershipRequest:
        type_name, column, target = KINDS[kind]
        return cls(
            id=strawberry.ID(encode_id(type_name, row.sha_code, row.id)),
            kind=kind,
            status=RequestStatus(row.status),
            target_id=strawberry.ID(encode_id(target, row.sha_code, getattr(row, column))),
            requested_at=row.requested_at,
            decided_at=row.decided_at,
            note=row.note,
            sha_code=row.sha_code,
            member_db_id=row.member_id,
        )

    @strawberry.field(
        description="The member who asked.",
        graphql_type=Annotated["Member", strawberry.lazy("resolvers.directory.types")] | None,
    )
    async def member(self, info: Info) -> Member | None:

        return await related(info.context, "MemberByIdLoader").load(
            (self.sha_code, self.member_db_id)
        )


@strawberry.type(description="Her profile as saved.")
class MyProfilePayload:
    member: Annotated[Member, strawberry.lazy("resolvers.directory.types")] = strawberry.field(
        description="Her member record after the change."
    )


@strawberry.type(description="The request as saved or decided.")
class MembershipRequestPayload:
    request: MembershipRequest = strawberry.field(description="The request.")


@strawberry.type(description="What joining did: joined at once (open) or asked (closed).")
class JoinNetworkPayload:
    membership: Annotated[NetworkMembership, strawberry.lazy("resolvers.networks.types")] | None = (
        strawberry.field(description="Her membership, when the network is open.")
    )
    request: MembershipRequest | None = strawberry.field(
        description="Her request, when the network takes members by request."
    )


@strawberry.type(description="Done: the id of what it was done to.")
class DonePayload:
    id: strawberry.ID = strawberry.field(description="Global id of the object changed.")


def _result(name: str, payload: Any) -> Any:
    return Annotated[
        payload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
        strawberry.union(name, description="Saved, or why not."),
    ]


MyProfileResult = _result("MyProfileResult", MyProfilePayload)
MembershipRequestResult = _result("MembershipRequestResult", MembershipRequestPayload)
JoinNetworkResult = _result("JoinNetworkResult", JoinNetworkPayload)
DoneResult = _result("DoneResult", DonePayload)
