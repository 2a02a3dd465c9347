"""Network-map mutations (SHA admins). Each returns a union of its payload and the typed errors."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.permissions import IsShaAdmin
from resolvers.common.context import Info
from resolvers.common.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from resolvers.common.ids import MemberIdArg, id_argument
from resolvers.common.mutation import run_mutation
from resolvers.directory.queries import GlobalIdArg
from resolvers.networks import service
from resolvers.networks.enums import (
    ClinicalArea,
    NetworkKind,
    NetworkRole,
    OutsideBodyKind,
)
from resolvers.networks.types import Network, NetworkLink, NetworkMembership

NetworkIdArg = Annotated[strawberry.ID, id_argument("network")]


@strawberry.input(description="A new network.")
class CreateNetworkInput:
    sha_code: str | None = strawberry.field(
        default=None, description="Owning SHA; may be left out when you can write only one."
    )
    name: str = strawberry.field(description="Unique within the SHA.")
    kind: NetworkKind = strawberry.field(description="How the network is organised.")
    clinical_area: ClinicalArea | None = strawberry.field(
        default=None, description="Required unless it is a role network."
    )
    description: str | None = strawberry.field(default=None, description="What it does.")
    policy_areas: list[str] = strawberry.field(
        default_factory=list,
        description="Codes of the policy areas it serves: national ones or ones the SHA"
        " added (see escalatorPolicyAreas).",
    )


@strawberry.input(description="Changes to a network; omitted fields stay as they are.")
class UpdateNetworkInput:
    id: strawberry.ID = strawberry.field(description="The network.")
    name: str | None = strawberry.field(default=None, description="New name.")
    kind: NetworkKind | None = strawberry.field(default=None, description="New kind.")
    clinical_area: ClinicalArea | None = strawberry.field(
        default=None, description="New clinical area."
    )
    clear_clinical_area: bool = strawberry.field(
        default=False, description="Remove the clinical area (role networks only)."
    )
    description: str | None = strawberry.field(default=None, description="New description.")
    policy_areas: list[str] | None = strawberry.field(
        default=None,
        description="Replaces the policy areas served (codes from escalatorPolicyAreas).",
    )


@strawberry.input(description="A body outside the SHA's organisations.")
class OutsideBodyInput:
    name: str = strawberry.field(description="E.g. Royal College of Midwives.")
    kind: OutsideBodyKind = strawberry.field(description="What kind of body it is.")


@strawberry.input(description="A link from a network to an organisation or an outside body.")
class AddNetworkLinkInput:
    network_id: strawberry.ID = strawberry.field(description="The network.")
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="An organisation of the network's SHA."
    )
    outside_body: OutsideBodyInput | None = strawberry.field(
        default=None, description="Or a body outside the SHA's organisations."
    )
    note: str | None = strawberry.field(default=None, description="What the link is for.")


@strawberry.type(description="The network as saved.")
class NetworkPayload:
    network: Network = strawberry.field(description="The network.")


@strawberry.type(description="The membership as saved.")
class NetworkMembershipPayload:
    membership: NetworkMembership = strawberry.field(description="The membership.")


@strawberry.type(description="The link as saved.")
class NetworkLinkPayload:
    link: NetworkLink = strawberry.field(description="The link.")


NetworkResult = Annotated[
    NetworkPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("NetworkResult", description="Saved network or why not."),
]
NetworkMembershipResult = Annotated[
    NetworkMembershipPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("NetworkMembershipResult", description="Saved membership or why not."),
]
NetworkLinkResult = Annotated[
    NetworkLinkPayload | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("NetworkLinkResult", description="Saved link or why not."),
]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Map a network in an SHA.", permission_classes=[IsShaAdmin])
    async def create_network(
        self,
        info: Info,
        input: Annotated[
            CreateNetworkInput,
            strawberry.argument(
                description="The network: SHA, name, kind, clinical area, description and policy areas."
            ),
        ],
    ) -> NetworkResult:
        changes = service.NetworkChanges(
            name=input.name,
            kind=input.kind,
            clinical_area=input.clinical_area,
            description=input.description,
            policy_areas=input.policy_areas,
        )

        async def act() -> NetworkPayload:
            network = await service.create_network(info.context, input.sha_code, changes)
            return NetworkPayload(network=network)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(description="Change a network.", permission_classes=[IsShaAdmin])
    async def update_network(
        self,
        info: Info,
        input: Annotated[
            UpdateNetworkInput,
            strawberry.argument(
                description="The network's id and the fields to change; fields left out keep their value."
            ),
        ],
    ) -> NetworkResult:
        changes = service.NetworkChanges(
            name=input.name,
            kind=input.kind,
            clinical_area=input.clinical_area,
            clear_clinical_area=input.clear_clinical_area,
            description=input.description,
            policy_areas=input.policy_areas,
        )

        async def act() -> NetworkPayload:
            network = await service.update_network(info.context, input.id, changes)
            return NetworkPayload(network=network)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Add a member to a network or change their role in it.",
        permission_classes=[IsShaAdmin],
    )
    async def set_network_member(
        self,
        info: Info,
        network_id: NetworkIdArg,
        member_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The member's global id (a member of the network's SHA)."
            ),
        ],
        role: Annotated[
            NetworkRole, strawberry.argument(description="The member's role in the network.")
        ],
    ) -> NetworkMembershipResult:
        async def act() -> NetworkMembershipPayload:
            membership = await service.set_network_member(info.context, network_id, member_id, role)
            return NetworkMembershipPayload(membership=membership)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Take a member out of a network.", permission_classes=[IsShaAdmin]
    )
    async def remove_network_member(
        self,
        info: Info,
        network_id: NetworkIdArg,
        member_id: MemberIdArg,
    ) -> NetworkResult:
        async def act() -> NetworkPayload:
            network = await service.remove_network_member(info.context, network_id, member_id)
            return NetworkPayload(network=network)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Link a network to an organisation or an outside body.",
        permission_classes=[IsShaAdmin],
    )
    async def add_network_link(
        self,
        info: Info,
        input: Annotated[
            AddNetworkLinkInput,
            strawberry.argument(
                description="The network's id, either an organisation's id or an outside body's name, and a note."
            ),
        ],
    ) -> NetworkLinkResult:
        body = input.outside_body
        changes = service.LinkChanges(
            organisation_id=input.organisation_id,
            body_name=body.name if body else None,
            body_kind=body.kind if body else None,
            note=input.note,
        )

        async def act() -> NetworkLinkPayload:
            link = await service.add_network_link(info.context, input.network_id, changes)
            return NetworkLinkPayload(link=link)

        return await run_mutation(info.context, act)  # type: ignore[return-value]

    @strawberry.mutation(description="Remove a network's link.", permission_classes=[IsShaAdmin])
    async def remove_network_link(self, info: Info, id: GlobalIdArg) -> NetworkResult:
        async def act() -> NetworkPayload:
            network = await service.remove_network_link(info.context, id)
            return NetworkPayload(network=network)

        return await run_mutation(info.context, act)  # type: ignore[return-value]
