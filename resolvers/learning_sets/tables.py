"""SQLAlchemy Core tables of action learning sets (created by migration 0300)."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, FetchedValue, MetaData, String, Table, Uuid

metadata = MetaData()

learning_sets = Table(
    "learning_sets",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("name", String, nullable=False),
    Column("focus_kind", String, nullable=False),
    Column("focus", String, nullable=False),
    Column("description", String),
    Column("status", String, nullable=False),
    Column("started_on", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

set_members = Table(
    "learning_set_members",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("set_id", Uuid, primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("role", String, nullable=False),
    Column("joined_on", Date, nullable=False),
    Column("left_on", Date),
)

meetings = Table(
    "learning_set_meetings",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("set_id", Uuid, nullable=False),
    Column("held_on", Date, nullable=False),
    Column("meeting_month", Date, server_default=FetchedValue()),
    Column("topic", String, nullable=False),
    Column("status", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

attendance = Table(
    "learning_set_attendance",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("set_id", Uuid, nullable=False),
    Column("meeting_id", Uuid, primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("status", String, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

actions = Table(
    "learning_set_actions",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("set_id", Uuid, nullable=False),
    Column("meeting_id", Uuid, nullable=False),
    Column("owner_member_id", Uuid, nullable=False),
    Column("title", String, nullable=False),
    Column("description", String),
    Column("due_on", Date, nullable=False),
    Column("status", String, nullable=False),
    Column("completed_on", Date),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
