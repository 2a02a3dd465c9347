"""SQLAlchemy Core tables of the SHA front ends (created by migration 0600)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table

from resolvers.common.sql import TextArray

metadata = MetaData()

sha_settings = Table(
    "sha_settings",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("display_name", String, nullable=False),
    Column("contact_email", String),
    Column("contact_phone", String),
    Column("features", TextArray(), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String, nullable=False),
)

sha_hosts = Table(
    "sha_hosts",
    metadata,
    Column("host", String, primary_key=True),
    Column("sha_code", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
