"""What a member can be told of, and how she wants to hear of it."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="The events a member is told of.")
class NotificationKind(Enum):
    WAITLIST_PROMOTED = "WAITLIST_PROMOTED"
    THREAD_REPLY = "THREAD_REPLY"
    MENTION = "MENTION"
    CONSULTATION_OPENED = "CONSULTATION_OPENED"
    CASE_STUDY_STATUS = "CASE_STUDY_STATUS"
    LEARNING_SET_MEMBER_AT_RISK = "LEARNING_SET_MEMBER_AT_RISK"
    ENGAGEMENT_PLAN_OVERDUE = "ENGAGEMENT_PLAN_OVERDUE"
    MEMBERSHIP_REQUEST_DECIDED = "MEMBERSHIP_REQUEST_DECIDED"
    DATA_EXPORT_READY = "DATA_EXPORT_READY"
    PROGRAMME_APPLICATION_DECIDED = "PROGRAMME_APPLICATION_DECIDED"


@strawberry.enum(description="How a member hears of one kind of event.")
class NotificationChannel(Enum):
    IN_APP = "IN_APP"  # in the feed and the live subscription (the default)
    EMAIL = "EMAIL"  # in the feed and by e-mail
    OFF = "OFF"


@strawberry.enum(description="Where the e-mail of a notification is.")
class EmailStatus(Enum):
    NONE = "NONE"
    PENDING = "PENDING"
    SENDING = "SENDING"
    SENT = "SENT"
    FAILED = "FAILED"
