"""The effective rules of an SHA: its own row where it set a value, else the defaults
of the service (`Settings`). Other domains read them through `ShaRulesByCodeLoader`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select

from foundation.settings import Settings
from resolvers.common.loaders import RequestLoader
from resolvers.sha_rules.tables import FIELDS, sha_rules


@dataclass(frozen=True)
class ShaRules:
    sha_code: str
    set_min_members: int
    set_max_members: int
    participation_target_min: int
    participation_target_max: int
    senior_lead_cap: int | None
    senior_leads_per_pathway: int | None
    overridden: frozenset[str] = frozenset()


def defaults(settings: Settings, sha: str) -> ShaRules:
    return ShaRules(
        sha_code=sha,
        set_min_members=settings.set_min_members,
        set_max_members=settings.set_max_members,
        participation_target_min=settings.participation_target_min,
        participation_target_max=settings.participation_target_max,
        senior_lead_cap=settings.senior_lead_cap,
        senior_leads_per_pathway=settings.senior_leads_per_pathway,
    )


def effective(settings: Settings, sha: str, row: object | None) -> ShaRules:
    base = defaults(settings, sha)
    if row is None:
        return base
    values = {name: getattr(row, name) for name in FIELDS}
    chosen = {k: v for k, v in values.items() if v is not None}
    return replace(base, **chosen, overridden=frozenset(chosen))


class ShaRulesByCodeLoader(RequestLoader[str, ShaRules]):
    async def load_batch(self, keys: list[str]) -> Sequence[ShaRules]:
        rows = await self.ctx.db.rows(select(sha_rules).where(sha_rules.c.sha_code.in_(keys)))
        found = {r.sha_code: r for r in rows}
        return [effective(self.ctx.settings, k, found.get(k)) for k in keys]
