"""SQLAlchemy Core table of impact measures (created by migration 0400)."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, FetchedValue, MetaData, Numeric, String, Table, Uuid

metadata = MetaData()

impact_measures = Table(
    "impact_measures",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("organisation_id", Uuid, nullable=False),
    Column("measure", String, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("value", Numeric(12, 3), nullable=False),
    Column("source", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

corrections = Table(
    "impact_measure_corrections",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("measure_id", Uuid, nullable=False),
    Column("old_value", Numeric(12, 3), nullable=False),
    Column("new_value", Numeric(12, 3), nullable=False),
    Column("old_source", String, nullable=False),
    Column("new_source", String, nullable=False),
    Column("reason", String, nullable=False),
    Column("corrected_by", String, nullable=False),
    Column("corrected_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
)
