"""The editorial workflow of case studies, as a table of steps and who may take them.

DRAFT --submit--> SUBMITTED --SHA review--> REGIONAL --propose--> NATIONAL_REVIEW
--national editors--> NATIONAL. Reviewers may send a case study back with a note
(SUBMITTED -> DRAFT, NATIONAL_REVIEW -> REGIONAL); the SHA's editors may withdraw
one to DRAFT at any time, and take a national one back to REGIONAL.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Actor(Enum):
    WRITER = "the author, a contributor or an SHA admin"  # author, contributor or editor
    EDITOR = "an admin of the owning SHA"
    NATIONAL = "a national lead"


@dataclass(frozen=True)
class Step:
    actors: frozenset[Actor]
    needs_note: bool = False


S = "SUBMITTED"
STEPS: dict[tuple[str, str], Step] = {
    ("DRAFT", S): Step(frozenset({Actor.WRITER})),
    (S, "DRAFT"): Step(frozenset({Actor.WRITER, Actor.EDITOR})),
    (S, "REGIONAL"): Step(frozenset({Actor.EDITOR})),
    ("REGIONAL", "NATIONAL_REVIEW"): Step(frozenset({Actor.EDITOR})),
    ("NATIONAL_REVIEW", "NATIONAL"): Step(frozenset({Actor.NATIONAL})),
    ("NATIONAL_REVIEW", "REGIONAL"): Step(frozenset({Actor.NATIONAL, Actor.EDITOR})),
    ("NATIONAL", "REGIONAL"): Step(frozenset({Actor.EDITOR, Actor.NATIONAL})),
    ("REGIONAL", "DRAFT"): Step(frozenset({Actor.EDITOR})),
    ("NATIONAL_REVIEW", "DRAFT"): Step(frozenset({Actor.EDITOR})),
    ("NATIONAL", "DRAFT"): Step(frozenset({Actor.EDITOR})),
}

# A reviewer who sends a case study back says why.
RETURNS = {(S, "DRAFT"): Actor.EDITOR, ("NATIONAL_REVIEW", "REGIONAL"): Actor.NATIONAL}

NEXT_HINT = {
    "DRAFT": "submit it for review (SUBMITTED)",
    S: "an SHA admin approves it (REGIONAL) or returns it (DRAFT)",
    "REGIONAL": "an SHA admin proposes it nationally (NATIONAL_REVIEW)",
    "NATIONAL_REVIEW": "a national lead approves it (NATIONAL) or returns it (REGIONAL)",
    "NATIONAL": "it is published nationally",
}


def step(current: str, wanted: str) -> Step | None:
    return STEPS.get((current, wanted))


def reviewer_of(current: str, wanted: str) -> Actor | None:
    """Who reviews at this step when it sends the case study back (None: not a return)."""
    return RETURNS.get((current, wanted))
