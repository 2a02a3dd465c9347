"""SQLAlchemy Core table of case studies (created by migration 0500)."""

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
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR

metadata = MetaData()

case_studies = Table(
    "case_studies",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("title", String, nullable=False),
    Column("topic", String, nullable=False),
    Column("pathway", String),
    Column("summary", String, nullable=False),
    Column("outcomes", String, nullable=False),
    Column("attachments", JSONB, nullable=False),
    Column("status", String, nullable=False),
    Column("published_nationally", Boolean, server_default=FetchedValue()),
    Column("search", TSVECTOR, server_default=FetchedValue()),
    Column("published_at", DateTime(timezone=True)),
    Column("created_by", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("author_id", Uuid),
    Column("version", Integer, nullable=False, server_default=FetchedValue()),
    Column("review_note", String),
)

contributors = Table(
    "case_study_contributors",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("case_study_id", Uuid, primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("added_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
)

versions = Table(
    "case_study_versions",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("case_study_id", Uuid, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("title", String, nullable=False),
    Column("topic", String, nullable=False),
    Column("pathway", String),
    Column("summary", String, nullable=False),
    Column("outcomes", String, nullable=False),
    Column("attachments", JSONB, nullable=False),
    Column("status", String, nullable=False),
    Column("published_nationally", Boolean, nullable=False),
    Column("change_note", String, nullable=False),
    Column("changed_by", String, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
)

# Everything but the search vector, which clients never need.
CASE_STUDY_COLUMNS = [c for c in case_studies.c if c.name != "search"]
