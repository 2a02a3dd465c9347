"""Read the settings of the SHAs in scope."""

from __future__ import annotations

import strawberry

from auth.permissions import IsAuthenticated
from resolvers.common.context import Info
from resolvers.directory.queries import ShaNarrowing, narrow_shas
from resolvers.sha_rules.rules import ShaRulesByCodeLoader
from resolvers.sha_rules.types import ShaRulesType


@strawberry.type
class Query:
    @strawberry.field(
        description="Caps and targets in force in each SHA in scope.",
        permission_classes=[IsAuthenticated],
    )
    async def sha_rules(self, info: Info, shas: ShaNarrowing = None) -> list[ShaRulesType]:
        codes = narrow_shas(info.context, shas)
        rules = await info.context.loader(ShaRulesByCodeLoader).load_many(codes)
        return [ShaRulesType.from_rules(r) for r in rules]
