"""Regional portal: each SHA's branding, about text and public pages; events flagged public.

Revision ID: 1180
Revises: 1170
Create Date: 2026-12-07

The regional CLN sites carried the SHA's branding, an about page and pages for
visitors; anonymous visitors read them with public events and nationally published
case studies (docs/portal.md). Markdown is stored as written; the sanitised HTML is
rendered on read.
"""

from __future__ import annotations

from alembic import op

from foundation.settings import Settings
from tenants.partitions import register_tenant_table

revision = "1180"
down_revision = "1170"
branch_labels = None
depends_on = None

HEX = "'^#[0-9A-Fa-f]{6}$'"


def upgrade(settings: Settings) -> None:
    s = settings.db_schema
    conn = op.get_bind()
    op.execute(
        f"""
        CREATE TABLE {s}.sha_portals (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            logo_url text CHECK (logo_url ~ '^https://' AND length(logo_url) <= 2000),
            primary_colour text CHECK (primary_colour ~ {HEX}),
            accent_colour text CHECK (accent_colour ~ {HEX}),
            about_markdown text CHECK (length(about_markdown) <= 20000),
            updated_at timestamptz NOT NULL DEFAULT now(),
            updated_by text NOT NULL,
            PRIMARY KEY (sha_code)
        ) PARTITION BY LIST (sha_code)
        """
    )
    register_tenant_table(conn, settings, "sha_portals")
    op.execute(
        f"""
        CREATE TABLE {s}.portal_pages (
            sha_code text NOT NULL REFERENCES {s}.shas(code),
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            body_markdown text NOT NULL CHECK (length(body_markdown) <= 50000),
            is_published boolean NOT NULL DEFAULT false,
            position integer NOT NULL DEFAULT 0,
            updated_at timestamptz NOT NULL DEFAULT now(),
            updated_by text NOT NULL,
            PRIMARY KEY (sha_code, id),
            UNIQUE (sha_code, slug)
        ) PARTITION BY LIST (sha_code)
        """
    )
    register_tenant_table(conn, settings, "portal_pages")
    op.execute(f"ALTER TABLE {s}.events ADD COLUMN is_public boolean NOT NULL DEFAULT false")
    # the API role writes events with table-level grants (migration 0300), like other tenant tables


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(f"ALTER TABLE {s}.events DROP COLUMN is_public")
    op.execute(f"DROP TABLE {s}.portal_pages")
    op.execute(f"DROP TABLE {s}.sha_portals")
