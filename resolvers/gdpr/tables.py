"""SQLAlchemy Core tables of data exports and leave requests (created by migration 1000)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.schema import FetchedValue

metadata = MetaData()

data_exports = Table(
    "data_exports",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("member_id", Uuid, nullable=False),
    Column("status", String, server_default=FetchedValue()),
    Column("token_hash", String),
    Column("document", JSONB),
    Column("requested_at", DateTime(timezone=True), server_default=FetchedValue()),
    Column("ready_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),
    Column("error", String),
)

leave_requests = Table(
    "leave_requests",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("member_id", Uuid, nullable=False),
    Column("reason", String),
    Column("status", String, server_default=FetchedValue()),
    Column("requested_at", DateTime(timezone=True), server_default=FetchedValue()),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String),
)
