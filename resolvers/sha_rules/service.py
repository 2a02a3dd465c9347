"""Change an SHA's settings: its admins (or platform admins); validate, upsert, audit."""

from __future__ import annotations

from dataclasses import dataclass, fields
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from auth.principal import Role
from resolvers.common.audit import record_audit
from resolvers.common.context import Context
from resolvers.common.errors import FieldProblem, NotAllowed, require
from resolvers.common.mutation import ensure_writable
from resolvers.directory.service import pick_sha
from resolvers.sha_rules.rules import ShaRules, effective
from resolvers.sha_rules.tables import sha_rules

UNSET: Any = object()


@dataclass
class SettingsChanges:
    """UNSET keeps a value; None returns it to the service default."""

    set_min_members: Any = UNSET
    set_max_members: Any = UNSET
    participation_target_min: Any = UNSET
    participation_target_max: Any = UNSET
    senior_lead_cap: Any = UNSET
    senior_leads_per_pathway: Any = UNSET


LIMITS = {
    "set_min_members": ("setMinMembers", 1, 1000),
    "set_max_members": ("setMaxMembers", 1, 1000),
    "participation_target_min": ("participationTargetMin", 0, 100000),
    "participation_target_max": ("participationTargetMax", 1, 100000),
    "senior_lead_cap": ("seniorLeadCap", 0, 10000),
    "senior_leads_per_pathway": ("seniorLeadsPerPathway", 1, 100),
}


def _problems(merged: ShaRules, changes: SettingsChanges) -> list[FieldProblem]:
    problems = []
    for name, (label, low, high) in LIMITS.items():
        value = getattr(changes, name)
        if value is not UNSET and value is not None and not low <= value <= high:
            problems.append(FieldProblem(label, f"must be between {low} and {high}"))
    if merged.set_min_members > merged.set_max_members:
        problems.append(FieldProblem("setMinMembers", "must not be above setMaxMembers"))
    if merged.participation_target_min > merged.participation_target_max:
        problems.append(
            FieldProblem("participationTargetMin", "must not be above participationTargetMax")
        )
    return problems


async def update_settings(ctx: Context, sha_code: str | None, changes: SettingsChanges) -> ShaRules:
    sha = pick_sha(ctx, sha_code)
    ensure_writable(ctx, sha)
    principal = ctx.principal
    if principal is None or not (
        principal.has_role(Role.PLATFORM_ADMIN)
        or (principal.has_role(Role.SHA_ADMIN) and principal.home_sha == sha)
    ):
        raise NotAllowed(f"only an admin of SHA {sha} changes its settings")
    current = await ctx.db.first(select(sha_rules).where(sha_rules.c.sha_code == sha))
    values = {
        f.name: (getattr(current, f.name) if current is not None else None)
        for f in fields(SettingsChanges)
    }
    given = {
        f.name: getattr(changes, f.name)
        for f in fields(SettingsChanges)
        if getattr(changes, f.name) is not UNSET
    }
    values.update(given)

    merged = effective(ctx.settings, sha, SimpleNamespace(**values))
    require(_problems(merged, changes))
    by = principal.audit_name
    statement = insert(sha_rules).values(sha_code=sha, updated_by=by, **values)
    await ctx.db.rows(
        statement.on_conflict_do_update(
            index_elements=[sha_rules.c.sha_code],
            set_={**values, "updated_by": by, "updated_at": statement.excluded.updated_at},
        )
    )
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="sha_rules.update",
        entity_type="ShaRules",
        entity_id=sha,
        detail=given,
    )
    return merged
