"""The two competency frameworks as data: seeded into reference tables by migration 0400.

Both are scored on a 1-4 scale. For the NHS Healthcare Leadership Model the four
points are its named levels (essential, proficient, strong, exemplary); for the
Medical Leadership Competency Framework they run from "rarely shown" (1) to
"consistently shown" (4). A score below `need_below` is a learning need.
"""

from __future__ import annotations

from dataclasses import dataclass

MLCF_DOMAINS: list[tuple[str, list[str]]] = [
    (
        "Demonstrating Personal Qualities",
        [
            "Developing self awareness",
            "Managing yourself",
            "Continuing personal development",
            "Acting with integrity",
        ],
    ),
    (
        "Working with Others",
        [
            "Developing networks",
            "Building and maintaining relationships",
            "Encouraging contribution",
            "Working within teams",
        ],
    ),
    (
        "Managing Services",
        ["Planning", "Managing resources", "Managing people", "Managing performance"],
    ),
    (
        "Improving Services",
        [
            "Ensuring patient safety",
            "Critically evaluating",
            "Encouraging improvement and innovation",
            "Facilitating transformation",
        ],
    ),
    (
        "Setting Direction",
        [
            "Identifying the contexts for change",
            "Applying knowledge and evidence",
            "Making decisions",
            "Evaluating impact",
        ],
    ),
]

HLM_DIMENSIONS: list[str] = [
    "Inspiring shared purpose",
    "Leading with care",
    "Evaluating information",
    "Connecting our service",
    "Sharing the vision",
    "Engaging the team",
    "Holding to account",
    "Developing capability",
    "Influencing for results",
]

HLM_LEVELS = ["ESSENTIAL", "PROFICIENT", "STRONG", "EXEMPLARY"]
MLCF_LEVELS = ["RARELY", "SOMETIMES", "OFTEN", "CONSISTENTLY"]
NEED_BELOW = 3


@dataclass(frozen=True)
class FrameworkRow:
    code: str
    name: str
    unit: str
    levels: list[str]
    need_below: int


@dataclass(frozen=True)
class CompetencyRow:
    code: str
    framework_code: str
    group_code: str
    group_name: str
    name: str
    position: int


FRAMEWORKS = [
    FrameworkRow("MLCF", "Medical Leadership Competency Framework", "element", MLCF_LEVELS, 3),
    FrameworkRow("HLM", "NHS Healthcare Leadership Model", "dimension", HLM_LEVELS, 3),
]


def competency_rows() -> list[CompetencyRow]:
    rows: list[CompetencyRow] = []
    position = 0
    for d, (domain, elements) in enumerate(MLCF_DOMAINS, start=1):
        for e, element in enumerate(elements, start=1):
            position += 1
            rows.append(
                CompetencyRow(f"MLCF.{d}.{e}", "MLCF", f"MLCF.{d}", domain, element, position)
            )
    for d, dimension in enumerate(HLM_DIMENSIONS, start=1):
        rows.append(CompetencyRow(f"HLM.{d}", "HLM", f"HLM.{d}", dimension, dimension, d))
    return rows
