"""Participation per SHA: clinicians in the SHA's active sets against its target.

The 2009 launch article: "groups of between 60 and 120 clinicians from each SHA meet
every month". The target is the SHA's (`participationTargetMin/Max`, 60-120 by
default); a clinician in two sets counts once.
"""

from __future__ import annotations

from enum import Enum

import strawberry
from sqlalchemy import func, select

from resolvers.common.context import Context
from resolvers.learning_sets.tables import learning_sets, set_members
from resolvers.sha_rules.rules import ShaRulesByCodeLoader


@strawberry.enum(description="How an SHA's participation compares with its target.")
class ParticipationStatus(Enum):
    BELOW_TARGET = "BELOW_TARGET"
    ON_TARGET = "ON_TARGET"
    ABOVE_TARGET = "ABOVE_TARGET"


@strawberry.type(
    description="Clinicians taking part in an SHA's learning sets, against its target."
)
class SetParticipation:
    sha_code: str = strawberry.field(description="The SHA.")
    participants: int = strawberry.field(
        description="Members in at least one active set (a member of two sets counts once)."
    )
    active_sets: int = strawberry.field(description="Active sets with at least one member.")
    target_min: int = strawberry.field(description="The SHA's target, at least.")
    target_max: int = strawberry.field(description="The SHA's target, at most.")
    status: ParticipationStatus = strawberry.field(description="Against the target.")


async def participation(ctx: Context, shas: list[str]) -> list[SetParticipation]:
    s, m = learning_sets.c, set_members.c
    query = (
        select(
            s.sha_code,
            func.count(func.distinct(m.member_id)).label("participants"),
            func.count(func.distinct(s.id)).label("sets"),
        )
        .select_from(
            learning_sets.join(set_members, (m.sha_code == s.sha_code) & (m.set_id == s.id))
        )
        .where(s.sha_code.in_(shas), m.sha_code.in_(shas), s.status == "ACTIVE")
        .where(m.left_on.is_(None))
        .group_by(s.sha_code)
    )
    counts = {r.sha_code: r for r in await ctx.db.rows(query)} if shas else {}
    rules = await ctx.loader(ShaRulesByCodeLoader).load_many(shas)
    result = []
    for rule in rules:
        row = counts.get(rule.sha_code)
        people = row.participants if row else 0
        if people < rule.participation_target_min:
            status = ParticipationStatus.BELOW_TARGET
        elif people > rule.participation_target_max:
            status = ParticipationStatus.ABOVE_TARGET
        else:
            status = ParticipationStatus.ON_TARGET
        result.append(
            SetParticipation(
                sha_code=rule.sha_code,
                participants=people,
                active_sets=row.sets if row else 0,
                target_min=rule.participation_target_min,
                target_max=rule.participation_target_max,
                status=status,
            )
        )
    return result
