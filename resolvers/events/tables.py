"""SQLAlchemy Core tables of events (created by migration 0300, never by `create_all`)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    FetchedValue,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("title", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("ownership", String, nullable=False),
    Column("is_national", Boolean, nullable=False),
    Column("venue", String),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("confirmed_count", Integer, nullable=False),
    Column("waitlist_count", Integer, nullable=False),
    Column("registration_seq", BigInteger, nullable=False),
    Column("status", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("description", String),
    Column("audience", String),
    Column("speakers", JSONB, nullable=False, server_default=FetchedValue()),
    Column("registration_closes_at", DateTime(timezone=True)),
    Column("attended_count", Integer, nullable=False, server_default=FetchedValue()),
    Column("is_public", Boolean, nullable=False, server_default=FetchedValue()),
)

event_sessions = Table(
    "event_sessions",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("event_id", Uuid, nullable=False),
    Column("is_national", Boolean, nullable=False),
    Column("title", String, nullable=False),
    Column("room", String),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
)

event_registrations = Table(
    "event_registrations",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("member_id", Uuid, nullable=False),
    Column("event_sha_code", String, nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("event_is_national", Boolean, nullable=False),
    Column("status", String, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("promoted_at", DateTime(timezone=True)),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("checked_in_at", DateTime(timezone=True)),
    Column("checked_in_by", String),
)
