"""`viewer`: the caller, its reach and (for a member) her home page."""

from __future__ import annotations

import strawberry

from resolvers.common.context import Info
from resolvers.viewer.types import Viewer


@strawberry.type
class Query:
    @strawberry.field(description="The caller and its reach; for a member, her home page.")
    def viewer(self, info: Info) -> Viewer:
        ctx = info.context
        p = ctx.principal
        return Viewer(
            subject=p.subject if p else None,
            kind=p.kind if p else None,
            roles=sorted(r.value for r in p.roles) if p else [],
            home_sha=p.home_sha if p else None,
            readable_shas=sorted(ctx.scope.read),
            writable_shas=sorted(ctx.scope.write),
        )
