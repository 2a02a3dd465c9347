"""SQLAlchemy Core tables of the network map (created by migration 0200)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid
from sqlalchemy.schema import FetchedValue

from resolvers.common.sql import TextArray

metadata = MetaData()

networks = Table(
    "networks",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("name", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("clinical_area", String),
    Column("description", String),
    Column("policy_areas", TextArray(), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

network_members = Table(
    "network_members",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("network_id", Uuid, primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("role", String, nullable=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
)

network_links = Table(
    "network_links",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("network_id", Uuid, nullable=False),
    Column("organisation_id", Uuid),
    Column("body_name", String),
    Column("body_kind", String),
    Column("note", String),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
