"""SQLAlchemy Core tables of notifications (created by migration 1000)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Uuid
from sqlalchemy.schema import FetchedValue

metadata = MetaData()

notifications = Table(
    "notifications",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("member_id", Uuid, nullable=False),
    Column("kind", String, nullable=False),
    Column("title", String, nullable=False),
    Column("body", String, nullable=False),
    Column("subject_id", String),
    Column("dedupe_key", String),
    Column("in_app", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), server_default=FetchedValue()),
    Column("read_at", DateTime(timezone=True)),
    Column("email_status", String, nullable=False),
    Column("email_to", String),
    Column("email_attempts", Integer, server_default=FetchedValue()),
    Column("email_next_at", DateTime(timezone=True)),
    Column("email_sent_at", DateTime(timezone=True)),
    Column("email_error", String),
)

notification_preferences = Table(
    "notification_preferences",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("kind", String, primary_key=True),
    Column("channel", String, nullable=False),
)
