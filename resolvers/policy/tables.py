"""SQLAlchemy Core tables of policy consultations (created by migration 0500)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, FetchedValue, MetaData, String, Table, Uuid

metadata = MetaData()

consultations = Table(
    "consultations",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("reach", String, nullable=False),
    Column("published_nationally", Boolean, server_default=FetchedValue()),
    Column("title", String, nullable=False),
    Column("description", String, nullable=False),
    Column("policy_area", String),
    Column("opened_by", String, nullable=False),
    Column("opens_at", DateTime(timezone=True), nullable=False),
    Column("closes_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

responses = Table(
    "consultation_responses",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("consultation_sha", String, nullable=False),
    Column("consultation_id", Uuid, nullable=False),
    Column("member_id", Uuid, nullable=False),
    Column("position", String, nullable=False),
    Column("body", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
