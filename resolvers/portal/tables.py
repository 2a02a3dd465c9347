"""SQLAlchemy Core tables of the portal (created by migration 1180)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    FetchedValue,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
)

metadata = MetaData()

sha_portals = Table(
    "sha_portals",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("logo_url", String),
    Column("primary_colour", String),
    Column("accent_colour", String),
    Column("about_markdown", String),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
    Column("updated_by", String, nullable=False),
)

portal_pages = Table(
    "portal_pages",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("slug", String, nullable=False),
    Column("title", String, nullable=False),
    Column("body_markdown", String, nullable=False),
    Column("is_published", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
    Column("updated_by", String, nullable=False),
)
