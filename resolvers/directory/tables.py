"""SQLAlchemy Core tables of the directory (created by migrations, never by `create_all`).

No schema is named: connections set `search_path` to the service schema."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
)
from sqlalchemy.schema import FetchedValue

from resolvers.common.sql import TextArray

metadata = MetaData()

shas = Table(
    "shas",
    metadata,
    Column("code", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("status", String, nullable=False),
    Column("status_changed_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sha_status_history = Table(
    "sha_status_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha_code", String, nullable=False),
    Column("status", String, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", String, nullable=False),
    Column("note", String),
)

organisations = Table(
    "organisations",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("code", String, nullable=False),
    Column("name", String, nullable=False),
    Column("type", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("organisation_id", Uuid, nullable=False),
    Column("given_name", String, nullable=False),
    Column("family_name", String, nullable=False),
    Column("email", String),
    Column("profession", String, nullable=False),
    Column("registration_body", String),
    Column("registration_number", String),
    Column("roles", TextArray(), nullable=False),
    Column("joined_on", Date, nullable=False),
    Column("status", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # the member's own profile (migration 1000); `search` is left out: never fetched
    Column("phone", String),
    Column("job_title", String),
    Column("biography", String),
    Column("interests", TextArray(), server_default=FetchedValue()),
    Column("contact_visible", Boolean, server_default=FetchedValue()),
    Column("erased_at", DateTime(timezone=True)),
    ForeignKeyConstraint(
        ["sha_code", "organisation_id"], ["organisations.sha_code", "organisations.id"]
    ),
)
