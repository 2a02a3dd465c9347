"""SQLAlchemy Core tables of the member's self-service (created by migration 1000)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, MetaData, String, Table, Uuid
from sqlalchemy.schema import FetchedValue

metadata = MetaData()

member_identities = Table(
    "member_identities",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("subject", String, primary_key=True),
    Column("member_id", Uuid, nullable=False),
    Column("linked_at", DateTime(timezone=True), server_default=FetchedValue()),
)

forum_thread_follows = Table(
    "forum_thread_follows",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("thread_id", Uuid, primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("followed_at", DateTime(timezone=True), server_default=FetchedValue()),
    # the thread's SHA: another one for a national forum's thread (migration 1400)
    Column("thread_sha_code", String, nullable=False),
    Column("thread_is_national", Boolean, nullable=False, server_default=FetchedValue()),
)


def _request_table(name: str, target: str) -> Table:
    return Table(
        name,
        metadata,
        Column("sha_code", String, primary_key=True),
        Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
        Column(target, Uuid, nullable=False),
        Column("member_id", Uuid, nullable=False),
        Column("status", String, server_default=FetchedValue()),
        Column("requested_at", DateTime(timezone=True), server_default=FetchedValue()),
        Column("decided_at", DateTime(timezone=True)),
        Column("decided_by", String),
        Column("note", String),
    )


organisation_move_requests = _request_table("organisation_move_requests", "organisation_id")
network_join_requests = _request_table("network_join_requests", "network_id")
learning_set_join_requests = _request_table("learning_set_join_requests", "set_id")
