"""Networks serve policy areas from the Engagement Escalator's vocabulary: the national
list (`escalator_national_policy_areas`) plus the areas the network's own SHA added
(`escalator_policy_areas`). One vocabulary, so the gap analysis covers SHA-added areas
too. The rule is enforced here, in the writing transaction (no trigger: see migration
0820)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, text

from resolvers.common.context import Context
from resolvers.common.errors import FieldProblem

_KNOWN = text(
    """
    SELECT code FROM escalator_national_policy_areas WHERE code IN :codes
    UNION
    SELECT code FROM escalator_policy_areas WHERE sha_code = :sha AND code IN :codes
    """
).bindparams(bindparam("codes", expanding=True))

# Areas of the vocabulary (national, then the SHA's own) that no network of the SHA
# serves: one statement. An SHA area whose code later became national (migration 0820
# added six) is listed once, as the national one.
_GAPS = text(
    """
    SELECT v.code, v.name, v.sha_code FROM (
        SELECT code, name, NULL::text AS sha_code FROM escalator_national_policy_areas
        UNION ALL
        SELECT code, name, sha_code FROM escalator_policy_areas p
        WHERE sha_code = :sha
          AND NOT EXISTS (SELECT 1 FROM escalator_national_policy_areas n WHERE n.code = p.code)
    ) v
    WHERE NOT EXISTS (SELECT 1 FROM networks n
                      WHERE n.sha_code = :sha AND v.code = ANY (n.policy_areas))
    ORDER BY v.sha_code NULLS FIRST, v.code
    """
)


def normalise(codes: list[str]) -> list[str]:
    return [c.strip().upper() for c in codes]


async def policy_area_problems(ctx: Context, sha: str, codes: list[str]) -> list[FieldProblem]:
    """Repeats and codes outside the SHA's vocabulary, as field problems (one statement)."""
    if len(set(codes)) != len(codes):
        return [FieldProblem("policyAreas", "must not repeat a policy area")]
    if not codes:
        return []
    rows = await ctx.db.rows(_KNOWN, {"codes": sorted(set(codes)), "sha": sha})
    unknown = sorted(set(codes) - {r.code for r in rows})
    if unknown:
        return [
            FieldProblem(
                "policyAreas",
                f"unknown policy area {', '.join(unknown)}: use a national area or one"
                f" SHA {sha} added (escalatorPolicyAreas)",
            )
        ]
    return []


async def uncovered_policy_areas(db: Any, sha: str) -> list[Any]:
    """Rows (code, name, sha_code) of the SHA's vocabulary no network of the SHA serves;
    `db` is a request or CLI tenant transaction."""
    return list(await db.rows(_GAPS, {"sha": sha}))
