"""SQLAlchemy Core tables of the forums (created by migration 0200; national
forums, migration 1400: threads and posts name their forum and thread by SHA and id)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, MetaData, String, Table, Uuid
from sqlalchemy.schema import FetchedValue

metadata = MetaData()

forums = Table(
    "forums",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("title", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("topic", String),
    Column("audience_role", String),
    Column("description", String),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("audience_profession", String),
    Column("network_id", Uuid),
    Column("is_national", Boolean, nullable=False, server_default=FetchedValue()),
)

forum_moderators = Table(
    "forum_moderators",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("forum_id", Uuid, primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("appointed_at", DateTime(timezone=True), nullable=False),
)

forum_removals = Table(
    "forum_removals",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("forum_id", Uuid, primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("reason", String, nullable=False),
    Column("removed_by", String, nullable=False),
    Column("removed_at", DateTime(timezone=True), nullable=False),
)

forum_threads = Table(
    "forum_threads",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("forum_id", Uuid, nullable=False),
    Column("author_id", Uuid, nullable=False),
    Column("title", String, nullable=False),
    Column("locked", Boolean, nullable=False),
    Column("lock_reason", String),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_post_at", DateTime(timezone=True), nullable=False),
    Column("forum_sha_code", String, nullable=False),
    Column("forum_is_national", Boolean, nullable=False, server_default=FetchedValue()),
)

forum_posts = Table(
    "forum_posts",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("thread_id", Uuid, nullable=False),
    Column("forum_id", Uuid, nullable=False),
    Column("author_id", Uuid, nullable=False),
    Column("body_markdown", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True)),
    Column("hidden", Boolean, nullable=False),
    Column("hidden_reason", String),
    Column("hidden_by", String),
    Column("forum_sha_code", String, nullable=False),
    Column("thread_sha_code", String, nullable=False),
    Column("forum_is_national", Boolean, nullable=False, server_default=FetchedValue()),
)

forum_post_revisions = Table(
    "forum_post_revisions",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("post_id", Uuid, nullable=False),
    Column("body_markdown", String, nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
    Column("replaced_at", DateTime(timezone=True), nullable=False),
    Column("replaced_by", String, nullable=False),
)

forum_post_reactions = Table(
    "forum_post_reactions",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("post_id", Uuid, primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("kind", String, primary_key=True),
    Column("reacted_at", DateTime(timezone=True), nullable=False),
)

forum_post_reports = Table(
    "forum_post_reports",
    metadata,
    Column("sha_code", String, primary_key=True),
    Column("id", Uuid, primary_key=True, server_default=FetchedValue()),
    Column("post_id", Uuid, nullable=False),
    Column("reporter_id", Uuid, nullable=False),
    Column("reason", String, nullable=False),
    Column("status", String, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
