"""SQLAlchemy Core tables of leadership development (created by migration 0400)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    FetchedValue,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Uuid,
)

from resolvers.common.sql import TextArray

metadata = MetaData()

competency_frameworks = Table(
    "competency_frameworks",
    metadata,
    Column("code", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("unit", String, nullable=False),
    Column("levels", TextArray(), nullable=False),
    Column("need_below", SmallInteger, nullable=False),
)

competencies = Table(
    "competencies",
    metadata,
    Column("code", String, primary_key=True),
    Column("framework_code", String, nullable=False),
    Column("group_code", String, nullable=False),
    Column("group_name", String, nullable=False),
    Column("name", String, nullable=False),
    Column("position", SmallInteger, nullable=False),
)

training_providers = Table(
    "training_providers",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("name", String, nullable=False),
    Column("website", String),
    Column("published_nationally", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

training_programmes = Table(
    "training_programmes",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("provider_id", Uuid, nullable=False),
    Column("title", String, nullable=False),
    Column("format", String, nullable=False),
    Column("length_days", Numeric(6, 1), nullable=False),
    Column("cost_pence", Integer, nullable=False),
    Column("funding_sources", TextArray(), nullable=False),
    Column("competency_codes", TextArray(), nullable=False),
    Column("published_nationally", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("description", String),
    Column("starts_on", Date),
    Column("ends_on", Date),
    Column("venue", String),
    Column("booking_url", String),
    Column("eligibility", String),
)

training_ratings = Table(
    "training_ratings",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("member_id", Uuid, nullable=False),
    Column("programme_sha_code", String, nullable=False),
    Column("programme_id", Uuid, nullable=False),
    Column("provider_id", Uuid, nullable=False),
    Column("rating", SmallInteger, nullable=False),
    Column("comment", String),
    Column("completed_on", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
)

commissioning_requests = Table(
    "commissioning_requests",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("framework_code", String, nullable=False),
    Column("competency_code", String, nullable=False),
    Column("members_in_need", Integer, nullable=False),
    Column("rationale", String, nullable=False),
    Column("status", String, nullable=False, server_default=FetchedValue()),
    Column("decision_note", String),
    Column("decided_by", String),
    Column("decided_at", DateTime(timezone=True)),
    Column("training_programme_id", Uuid),
    Column("raised_by", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
)

self_assessments = Table(
    "self_assessments",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("member_id", Uuid, nullable=False),
    Column("framework_code", String, nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

self_assessment_scores = Table(
    "self_assessment_scores",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("assessment_id", Uuid, primary_key=True),
    Column("competency_code", String, primary_key=True),
    Column("score", SmallInteger, nullable=False),
)
