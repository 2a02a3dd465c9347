"""SQLAlchemy Core tables of leadership programmes (created by migration 1140)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    FetchedValue,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
)

metadata = MetaData()

programmes = Table(
    "programmes",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("kind", String, nullable=False),
    Column("title", String, nullable=False),
    Column("description", String),
    Column("is_national", Boolean, nullable=False),
    Column("funded_places", Integer, nullable=False),
    Column("applications_open_on", Date, nullable=False),
    Column("applications_close_on", Date, nullable=False),
    Column("starts_on", Date),
    Column("ends_on", Date),
    Column("sessions_planned", Integer, nullable=False, server_default=FetchedValue()),
    Column("created_by", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
)

cohorts = Table(
    "programme_cohorts",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("programme_id", Uuid, nullable=False),
    Column("is_national", Boolean, nullable=False),
    Column("name", String, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
)

applications = Table(
    "programme_applications",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("member_id", Uuid, nullable=False),
    Column("programme_sha_code", String, nullable=False),
    Column("programme_id", Uuid, nullable=False),
    Column("statement", String, nullable=False),
    Column("sponsor_id", Uuid),
    Column("status", String, nullable=False, server_default=FetchedValue()),
    Column("cohort_id", Uuid),
    Column("decision_note", String),
    Column("decided_by", String),
    Column("decided_at", DateTime(timezone=True)),
    Column("sessions_attended", Integer, nullable=False, server_default=FetchedValue()),
    Column("outcome", String),
    Column("completed_on", Date),
    Column("submitted_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
)
