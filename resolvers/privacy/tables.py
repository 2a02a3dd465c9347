"""The read audit of personal data (created by migration 1000; not a tenant table)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.schema import FetchedValue
from sqlalchemy.types import Text

from resolvers.common.sql import TextArray

metadata = MetaData()

personal_data_reads = Table(
    "personal_data_reads",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("occurred_at", DateTime(timezone=True), server_default=FetchedValue()),
    Column("actor", String, nullable=False),
    Column("actor_roles", TextArray(), nullable=False),
    Column("member_sha", String, nullable=False),
    Column("member_ids", ARRAY(Uuid), nullable=False),
    Column("fields", ARRAY(Text), nullable=False),
    Column("request_id", String),
)
