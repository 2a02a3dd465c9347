"""Query and Mutation mixins of self-service."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import select

from auth.permissions import IsAuthenticated, IsShaAdmin
from resolvers.common.connection import paged
from resolvers.common.context import Context, Info
from resolvers.common.errors import NotFound
from resolvers.common.ids import GlobalId
from resolvers.common.mutation import run_mutation
from resolvers.common.node import register_node
from resolvers.common.pagination import Connection, Ordering, PageArgs, paginate
from resolvers.common.relations import related
from resolvers.networks.enums import NetworkRole
from resolvers.selfservice import service
from resolvers.selfservice.tables import (
    learning_set_join_requests,
    network_join_requests,
    organisation_move_requests,
)
from resolvers.selfservice.types import (
    KINDS,
    DonePayload,
    DoneResult,
    JoinNetworkPayload,
    JoinNetworkResult,
    JoinPolicy,
    MembershipRequest,
    MembershipRequestPayload,
    MembershipRequestResult,
    MyProfilePayload,
    MyProfileResult,
    RequestKind,
    RequestStatus,
)

TABLES = {
    RequestKind.ORGANISATION_MOVE: organisation_move_requests,
    RequestKind.NETWORK: network_join_requests,
    RequestKind.LEARNING_SET: learning_set_join_requests,
}


def _fetcher(kind: RequestKind) -> Any:
    table = TABLES[kind]

    async def fetch(ctx: Context, gid: GlobalId) -> MembershipRequest | None:
        """The member who asked, or an administrator of the SHA, sees a request."""
        from resolvers.directory.privacy import administers, own_member

        p = ctx.principal
        if p is None or p.kind != "user":
            return None
        row = await ctx.db.first(
            select(table).where(table.c.sha_code == gid.sha_code, table.c.id == gid.uuid)
        )
        if row is None:
            return None
        if row.member_id != own_member(p) and not administers(p, row.sha_code):
            return None
        return MembershipRequest.from_row(kind, row)

    return fetch


for _kind, (_type_name, _, _) in KINDS.items():
    register_node(_type_name, _fetcher(_kind))


@strawberry.input(description="Changes to my own profile; omitted fields stay as they are.")
class MyProfileInput:
    email: str | None = strawberry.field(default=None, description="Work e-mail address.")
    phone: str | None = strawberry.field(default=None, description="Work phone.")
    job_title: str | None = strawberry.field(default=None, description="Job title.")
    biography: str | None = strawberry.field(
        default=None, description="A short biography (at most 2,000 characters)."
    )
    interests: list[str] | None = strawberry.field(
        default=None, description="Replaces my interests (at most 20, each at most 80 characters)."
    )
    contact_visible: bool | None = strawberry.field(
        default=None, description="Whether other members see my contact details."
    )
    clear: list[str] = strawberry.field(
        default_factory=list, description="Optional fields to empty: phone, jobTitle, biography."
    )


Decision = Annotated[bool, strawberry.argument(description="true approves, false declines.")]
Note = Annotated[str | None, strawberry.argument(description="A note to the member.")]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="A global id.")]


async def _request_payload(kind: RequestKind, action: Any) -> MembershipRequestPayload:
    row = await action
    return MembershipRequestPayload(request=MembershipRequest.from_row(kind, row))


@strawberry.type
class Query:
    @strawberry.field(
        description="Members' requests in the SHAs I administer, oldest first.",
        permission_classes=[IsShaAdmin],
    )
    @paged(backwards=False)
    async def membership_requests(
        self,
        info: Info,
        kind: Annotated[RequestKind, strawberry.argument(description="Which requests.")],
        status: Annotated[
            RequestStatus, strawberry.argument(description="Status (default PENDING).")
        ] = RequestStatus.PENDING,
        page: PageArgs = PageArgs(),
    ) -> Connection[MembershipRequest]:
        ctx = info.context
        table = TABLES[kind]
        p = ctx.principal
        shas = sorted(ctx.scope.write if p and not p.is_national else ctx.scope.read)
        query = select(table).where(table.c.sha_code.in_(shas), table.c.status == status.value)
        return await paginate(
            ctx.db,
            query,
            Ordering((table.c.requested_at, table.c.sha_code, table.c.id)),
            page,
            lambda row: MembershipRequest.from_row(kind, row),
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Change my own profile and privacy settings.",
        permission_classes=[IsAuthenticated],
    )
    async def update_my_profile(
        self,
        info: Info,
        input: Annotated[MyProfileInput, strawberry.argument(description="Changes.")],
    ) -> MyProfileResult:
        changes = service.ProfileChanges(
            email=input.email,
            phone=input.phone,
            job_title=input.job_title,
            biography=input.biography,
            interests=input.interests,
            contact_visible=input.contact_visible,
            clear=frozenset(input.clear),
        )

        async def act() -> MyProfilePayload:
            found = await service.update_profile(info.context, changes)
            # the request's loaders may hold her record as it was: forget it
            for name in ("MemberByIdLoader", "MemberProfileByIdLoader"):
                loader = related(info.context, name)
                if loader.cache_map.get(found.key) is not None:
                    loader.clear(found.key)
            member = await related(info.context, "MemberByIdLoader").load(found.key)
            if member is None:  # erased meanwhile: the update found nothing either
                raise NotFound("Member", str(found.member_id))
            return MyProfilePayload(member=member)

        return await run_mutation(info.context, act)

    @strawberry.mutation(
        description="Ask to move to another organisation of my SHA (an SHA admin approves).",
        permission_classes=[IsAuthenticated],
    )
    async def request_organisation_move(
        self, info: Info, organisation_id: IdArg
    ) -> MembershipRequestResult:
        kind = RequestKind.ORGANISATION_MOVE
        return await run_mutation(
            info.context,
            lambda: _request_payload(
                kind, service.request_organisation_move(info.context, organisation_id)
            ),
        )

    @strawberry.mutation(
        description="Approve or decline a move of organisation.", permission_classes=[IsShaAdmin]
    )
    async def decide_organisation_move(
        self, info: Info, id: IdArg, approve: Decision, note: Note = None
    ) -> MembershipRequestResult:
        kind = RequestKind.ORGANISATION_MOVE
        return await run_mutation(
            info.context,
            lambda: _request_payload(
                kind, service.decide_organisation_move(info.context, id, approve, note)
            ),
        )

    @strawberry.mutation(
        description="Join a network of my SHA: at once when it is open, by request otherwise.",
        permission_classes=[IsAuthenticated],
    )
    async def join_network(self, info: Info, network_id: IdArg) -> JoinNetworkResult:
        async def act() -> JoinNetworkPayload:
            from resolvers.networks.types import NetworkMembership

            outcome, row = await service.join_network(info.context, network_id)
            if outcome == "REQUESTED":
                return JoinNetworkPayload(
                    membership=None, request=MembershipRequest.from_row(RequestKind.NETWORK, row)
                )
            network = await related(info.context, "NetworkByIdLoader").load(
                (row.sha_code, row.network_id)
            )
            membership = NetworkMembership(
                role=NetworkRole(row.role),
                joined_at=row.joined_at,
                network=network,
                sha_code=row.sha_code,
                member_db_id=row.member_id,
            )
            return JoinNetworkPayload(membership=membership, request=None)

        return await run_mutation(info.context, act)

    @strawberry.mutation(description="Leave a network.", permission_classes=[IsAuthenticated])
    async def leave_network(self, info: Info, network_id: IdArg) -> DoneResult:
        async def act() -> DonePayload:
            await service.leave_network(info.context, network_id)
            return DonePayload(id=network_id)

        return await run_mutation(info.context, act)

    @strawberry.mutation(
        description="Whether members join a network at once (OPEN) or by request (BY_REQUEST).",
        permission_classes=[IsShaAdmin],
    )
    async def set_network_join_policy(
        self,
        info: Info,
        network_id: IdArg,
        policy: Annotated[JoinPolicy, strawberry.argument(description="The policy.")],
    ) -> DoneResult:
        async def act() -> DonePayload:
            await service.set_join_policy(info.context, network_id, policy.value)
            return DonePayload(id=network_id)

        return await run_mutation(info.context, act)

    @strawberry.mutation(
        description="Approve or decline a request to join a network.",
        permission_classes=[IsShaAdmin],
    )
    async def decide_network_join(
        self, info: Info, id: IdArg, approve: Decision, note: Note = None
    ) -> MembershipRequestResult:
        kind = RequestKind.NETWORK
        return await run_mutation(
            info.context,
            lambda: _request_payload(
                kind, service.decide_network_join(info.context, id, approve, note)
            ),
        )

    @strawberry.mutation(
        description="Ask for a place in a learning set of my SHA (a facilitator approves).",
        permission_classes=[IsAuthenticated],
    )
    async def request_learning_set_place(
        self, info: Info, set_id: IdArg
    ) -> MembershipRequestResult:
        kind = RequestKind.LEARNING_SET
        return await run_mutation(
            info.context,
            lambda: _request_payload(
                kind, service.request_learning_set_place(info.context, set_id)
            ),
        )

    @strawberry.mutation(
        description="Approve (within the set's capacity) or decline a place in a learning set;"
        " for the set's facilitators and SHA admins.",
        permission_classes=[IsAuthenticated],
    )
    async def decide_learning_set_place(
        self, info: Info, id: IdArg, approve: Decision, note: Note = None
    ) -> MembershipRequestResult:
        kind = RequestKind.LEARNING_SET
        return await run_mutation(
            info.context,
            lambda: _request_payload(
                kind, service.decide_learning_set_request(info.context, id, approve, note)
            ),
        )

    @strawberry.mutation(
        description="Follow a thread (hear of its replies) or stop following it.",
        permission_classes=[IsAuthenticated],
    )
    async def follow_thread(
        self,
        info: Info,
        thread_id: IdArg,
        follow: Annotated[bool, strawberry.argument(description="false to unfollow.")] = True,
    ) -> DoneResult:
        async def act() -> DonePayload:
            await service.follow_thread(info.context, thread_id, follow)
            return DonePayload(id=thread_id)

        return await run_mutation(info.context, act)
