"""SQLAlchemy Core tables of the Engagement Escalator (created by migration 0500)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    FetchedValue,
    MetaData,
    SmallInteger,
    String,
    Table,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

national_policy_areas = Table(
    "escalator_national_policy_areas",
    metadata,
    Column("code", String, primary_key=True),
    Column("name", String, nullable=False),
)

policy_areas = Table(
    "escalator_policy_areas",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("code", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

assessments = Table(
    "escalator_assessments",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("organisation_id", Uuid, nullable=False),
    Column("policy_area", String, nullable=False),
    Column("period", String, nullable=False),
    Column("level", SmallInteger, nullable=False),
    Column("evidence", String, nullable=False),
    Column("earlier_evidence", JSONB, nullable=False),
    Column("assessor_id", Uuid, nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

engagement_plans = Table(
    "engagement_plans",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("organisation_id", Uuid, nullable=False),
    Column("service_change", String, nullable=False),
    Column("engagement_approach", String, nullable=False),
    Column("monitoring_arrangements", String, nullable=False),
    Column("lead_id", Uuid),
    Column("policy_area", String),
    Column("target_level", SmallInteger),
    Column("next_review_on", Date, nullable=False),
    Column("last_reviewed_on", Date),
    Column("status", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

escalator_leads = Table(
    "escalator_leads",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("organisation_id", Uuid, primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("appointed_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
    Column("appointed_by", String, nullable=False),
)
