"""SQLAlchemy Core table of per-SHA settings (created by migration 1120)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, FetchedValue, Integer, MetaData, String, Table

metadata = MetaData()

sha_rules = Table(
    "sha_rules",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("set_min_members", Integer),
    Column("set_max_members", Integer),
    Column("participation_target_min", Integer),
    Column("participation_target_max", Integer),
    Column("senior_lead_cap", Integer),
    Column("senior_leads_per_pathway", Integer),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
    Column("updated_by", String, nullable=False),
)

FIELDS = (
    "set_min_members",
    "set_max_members",
    "participation_target_min",
    "participation_target_max",
    "senior_lead_cap",
    "senior_leads_per_pathway",
)
