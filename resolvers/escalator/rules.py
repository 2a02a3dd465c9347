"""The climbing rule of the Engagement Escalator, as a pure function.

Levels are climbed in order. A claim of level L for an organisation and policy
area in period P is accepted when every level below L is *evidenced*:

* level k is evidenced when an assessment of the same organisation and policy area
  in an earlier period reached level k or higher (its evidence was recorded then), or
* the claim itself carries a non-empty evidence statement for level k
  (`earlierEvidence`).

The claimed level always needs its own evidence statement. Falling back to a lower
level is allowed (it is what the SHA's early-support flag looks for).
"""

from __future__ import annotations


def missing_levels(claimed: int, highest_earlier: int, evidenced_now: set[int]) -> list[int]:
    """Levels below `claimed` that are neither reached earlier nor evidenced in the claim."""
    return [k for k in range(1, claimed) if k > highest_earlier and k not in evidenced_now]
