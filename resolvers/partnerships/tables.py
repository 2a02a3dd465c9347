"""SQLAlchemy Core tables of shared leadership (created by migration 0400)."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, FetchedValue, MetaData, String, Table, Uuid

metadata = MetaData()

partnerships = Table(
    "partnerships",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("level", String, nullable=False),
    Column("organisation_id", Uuid, nullable=False),
    Column("clinician_id", Uuid, nullable=False),
    Column("manager_id", Uuid),
    Column("focus", String),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

senior_clinical_leads = Table(
    "senior_clinical_leads",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("member_id", Uuid, nullable=False),
    Column("pathway", String, nullable=False),
    Column("appointed_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

declarations_of_interest = Table(
    "declarations_of_interest",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("lead_id", Uuid, nullable=False),
    Column("declared_on", Date, nullable=False),
    Column("interest_type", String, nullable=False),
    Column("description", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
