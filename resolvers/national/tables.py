"""SQLAlchemy Core tables of the national view (created by migration 0600)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, FetchedValue, MetaData, String, Table, Uuid

from resolvers.common.sql import TextArray

metadata = MetaData()

cross_region_reads = Table(
    "cross_region_reads",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("actor", String, nullable=False),
    Column("principal_kind", String, nullable=False),
    Column("home_sha", String),
    Column("shas", TextArray(), nullable=False),
    Column("operation_name", String),
    Column("root_fields", TextArray(), nullable=False),
    Column("request_id", String),
)
