"""Identity: signing keys, partner organisations, clients, data-sharing agreements,
revoked tokens, used client assertions, the platform audit log and the ODS-code -> SHA lookup.

These tables are not owned by an SHA (a partner's agreement spans regions), so they
are plain tables in the service schema, owned by the owner role. The API role gets
only what the token endpoint, the resource side and the platform-admin mutations need.

Revision ID: 0100
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import json

from alembic import op

from foundation.settings import Settings
from tenants.distribution import register_global_table

revision = "0100"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade(settings: Settings) -> None:
    s, api = settings.db_schema, settings.api_role
    op.execute(
        f"""
        CREATE TABLE {s}.oauth_signing_keys (
            kid text PRIMARY KEY CHECK (length(kid) BETWEEN 8 AND 64),
            alg text NOT NULL CHECK (alg IN ('ES256')),
            private_jwk jsonb NOT NULL,
            public_jwk jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            retired_at timestamptz,
            publish_until timestamptz,
            CHECK ((retired_at IS NULL) = (publish_until IS NULL))
        )
        """
    )
    register_global_table(op.get_bind(), settings, "oauth_signing_keys", kind="reference")
    op.execute(
        f"""
        CREATE TABLE {s}.partner_organisations (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
            kind text NOT NULL CHECK (kind IN ('NHS_BODY', 'ROYAL_COLLEGE', 'REGULATOR',
                'LOCAL_AUTHORITY', 'TRAINING_PROVIDER', 'OTHER')),
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    register_global_table(op.get_bind(), settings, "partner_organisations", kind="reference")
    op.execute(
        f"""
        CREATE TABLE {s}.partner_clients (
            client_id text PRIMARY KEY CHECK (client_id ~ '^[a-z0-9-]{{8,64}}$'),
            partner_id uuid NOT NULL REFERENCES {s}.partner_organisations(id),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            secret_hash text NOT NULL,
            jwks jsonb,
            created_at timestamptz NOT NULL DEFAULT now(),
            secret_rotated_at timestamptz NOT NULL DEFAULT now(),
            disabled_at timestamptz,
            failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
            locked_until timestamptz
        )
        """
    )
    register_global_table(op.get_bind(), settings, "partner_clients", kind="reference")
    op.execute(f"CREATE INDEX partner_clients_partner ON {s}.partner_clients (partner_id)")
    op.execute(
        f"""
        CREATE TABLE {s}.data_sharing_agreements (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            partner_id uuid NOT NULL REFERENCES {s}.partner_organisations(id),
            reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
            scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
            sha_codes text[] NOT NULL CHECK (cardinality(sha_codes) > 0),
            valid_from timestamptz NOT NULL,
            valid_until timestamptz NOT NULL,
            withdrawn_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT now(),
            CHECK (valid_until > valid_from),
            UNIQUE (partner_id, reference)
        )
        """
    )
    register_global_table(op.get_bind(), settings, "data_sharing_agreements", kind="reference")
    op.execute(
        f"CREATE INDEX data_sharing_agreements_partner ON {s}.data_sharing_agreements (partner_id)"
    )
    op.execute(
        f"""
        CREATE TABLE {s}.oauth_revoked_tokens (
            jti text PRIMARY KEY CHECK (length(jti) BETWEEN 8 AND 128),
            client_id text NOT NULL,
            expires_at timestamptz NOT NULL,
            revoked_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    register_global_table(op.get_bind(), settings, "oauth_revoked_tokens", kind="reference")
    # private_key_jwt assertions are single use (RFC 7523 3.), remembered until they expire.
    op.execute(
        f"""
        CREATE TABLE {s}.oauth_used_assertions (
            client_id text NOT NULL,
            jti text NOT NULL CHECK (length(jti) BETWEEN 1 AND 256),
            expires_at timestamptz NOT NULL,
            PRIMARY KEY (client_id, jti)
        )
        """
    )
    register_global_table(op.get_bind(), settings, "oauth_used_assertions", kind="local")
    op.execute(
        f"""
        CREATE TABLE {s}.platform_audit_log (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            actor text NOT NULL,
            action text NOT NULL,
            entity_type text NOT NULL,
            entity_id text NOT NULL,
            request_id text,
            detail jsonb NOT NULL DEFAULT '{{}}'
        )
        """
    )
    register_global_table(op.get_bind(), settings, "platform_audit_log", kind="local")
    op.execute(f"CREATE INDEX platform_audit_log_time ON {s}.platform_audit_log (occurred_at)")
    # ODS code -> SHA for staff tokens. organisations is an RLS tenant table and a
    # staff token arrives before any tenant is known, so this definer function (run as
    # the owner, who is not subject to RLS) answers only "which SHAs hold this code".
    op.execute(
        f"""
        CREATE FUNCTION {s}.sha_codes_for_org(org_code text) RETURNS text[]
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
            SELECT coalesce(array_agg(DISTINCT sha_code ORDER BY sha_code), '{{}}')
            FROM {s}.organisations WHERE code = upper(org_code)
        $$
        """
    )
    op.execute(f"REVOKE ALL ON FUNCTION {s}.sha_codes_for_org(text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {s}.sha_codes_for_org(text) TO {api}")
    op.execute(f"GRANT SELECT ON {s}.oauth_signing_keys TO {api}")
    op.execute(f"GRANT SELECT, INSERT ON {s}.partner_organisations TO {api}")
    op.execute(f"GRANT SELECT, INSERT ON {s}.partner_clients TO {api}")
    op.execute(
        f"GRANT UPDATE (secret_hash, secret_rotated_at, jwks, disabled_at, failed_attempts, "
        f"locked_until) ON {s}.partner_clients TO {api}"
    )
    op.execute(f"GRANT SELECT, INSERT ON {s}.data_sharing_agreements TO {api}")
    op.execute(f"GRANT UPDATE (withdrawn_at) ON {s}.data_sharing_agreements TO {api}")
    op.execute(f"GRANT SELECT, INSERT ON {s}.oauth_revoked_tokens TO {api}")
    op.execute(f"GRANT SELECT, INSERT ON {s}.oauth_used_assertions TO {api}")
    op.execute(f"GRANT SELECT, INSERT ON {s}.platform_audit_log TO {api}")
    _first_key(s)


def _first_key(schema: str) -> None:
    """The service needs one signing key before its first token; later ones come
    from `cln-graph oauth-rotate-key`."""
    from auth.oauth.keys import generate_signing_key

    key = generate_signing_key()
    private = json.dumps(key.as_dict(private=True)).replace("'", "''")
    public = json.dumps(key.as_dict(private=False)).replace("'", "''")
    op.execute(
        f"INSERT INTO {schema}.oauth_signing_keys (kid, alg, private_jwk, public_jwk) "
        f"VALUES ('{key.kid}', 'ES256', '{private}'::jsonb, '{public}'::jsonb)"
    )


def downgrade(settings: Settings) -> None:
    s = settings.db_schema
    op.execute(f"DROP FUNCTION {s}.sha_codes_for_org(text)")
    for table in (
        "platform_audit_log",
        "oauth_used_assertions",
        "oauth_revoked_tokens",
        "data_sharing_agreements",
        "partner_clients",
        "partner_organisations",
        "oauth_signing_keys",
    ):
        op.execute(f"DROP TABLE {s}.{table}")
