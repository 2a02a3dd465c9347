"""SQLAlchemy Core table of medical engagement scores (created by migration 0500)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    FetchedValue,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Uuid,
)

metadata = MetaData()

scores = Table(
    "medical_engagement_scores",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("organisation_id", Uuid, nullable=False),
    Column("period", String, nullable=False),
    Column("doctors_engaged_pct", Numeric(5, 2), nullable=False),
    Column("rating", SmallInteger, nullable=False),
    Column("mes_index", Numeric(5, 2)),
    Column("mes_open_culture", Numeric(5, 2)),
    Column("mes_purpose_direction", Numeric(5, 2)),
    Column("mes_valued_empowered", Numeric(5, 2)),
    Column("source", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
