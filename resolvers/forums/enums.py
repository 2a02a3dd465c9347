"""Vocabularies of the forums."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Whether a forum is about a topic or for holders of a role.")
class ForumKind(Enum):
    TOPIC = "TOPIC"
    ROLE = "ROLE"
    PROFESSION = "PROFESSION"


@strawberry.enum(description="Reactions a member can give a post; ENDORSE is an endorsement.")
class ReactionKind(Enum):
    ENDORSE = "ENDORSE"
    AGREE = "AGREE"
    THANKS = "THANKS"
    INSIGHTFUL = "INSIGHTFUL"


@strawberry.enum(description="Where a report about a post stands.")
class ReportStatus(Enum):
    OPEN = "OPEN"
    RESOLVED = "RESOLVED"
