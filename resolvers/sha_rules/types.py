"""GraphQL type of an SHA's settings: the effective values and which the SHA chose."""

from __future__ import annotations

import strawberry

from resolvers.sha_rules.rules import ShaRules


@strawberry.type(
    name="ShaRules",
    description="The caps and targets in force in one SHA: its own choice, else the"
    " service defaults.",
)
class ShaRulesType:
    sha_code: str = strawberry.field(description="The SHA.")
    set_min_members: int = strawberry.field(
        description="A learning set below this size is reported BELOW_MINIMUM."
    )
    set_max_members: int = strawberry.field(description="A learning set never has more members.")
    participation_target_min: int = strawberry.field(
        description="Clinicians in learning sets the SHA aims for, at least (60 by default)."
    )
    participation_target_max: int = strawberry.field(
        description="Clinicians in learning sets the SHA aims for, at most (120 by default)."
    )
    senior_lead_cap: int | None = strawberry.field(
        description="Most senior clinical leads at once; null: no cap."
    )
    senior_leads_per_pathway: int | None = strawberry.field(
        description="Most senior clinical leads per pathway; null: no limit."
    )
    overridden: list[str] = strawberry.field(
        description="Settings the SHA chose itself (the others are the service defaults)."
    )

    @classmethod
    def from_rules(cls, rules: ShaRules) -> ShaRulesType:
        return cls(
            sha_code=rules.sha_code,
            set_min_members=rules.set_min_members,
            set_max_members=rules.set_max_members,
            participation_target_min=rules.participation_target_min,
            participation_target_max=rules.participation_target_max,
            senior_lead_cap=rules.senior_lead_cap,
            senior_leads_per_pathway=rules.senior_leads_per_pathway,
            overridden=sorted(_camel(name) for name in rules.overridden),
        )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
