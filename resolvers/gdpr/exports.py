"""The member's copy of her data: a background job builds one JSON document from every
domain (sources.py), and a signed link serves it until it expires.

The link carries the export's key, its expiry and an HMAC of both (SHA-256 with the
export link secret), so it works without a session and stops working at the expiry;
the document is deleted by the retention job after its period."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from foundation.settings import Settings
from resolvers.common.ids import encode_id
from resolvers.gdpr.sources import SOURCES
from resolvers.notifications.enums import NotificationKind
from resolvers.notifications.service import notify
from resolvers.notifications.system import system_transaction
from tenants.transaction import TenantDB

LINK_PATH = "/gdpr/exports"
# The waiting exports, oldest first (a read of every SHA), then each claimed in its
# own SHA: Citus locks rows (FOR UPDATE) only in a query that reaches one shard.
_PENDING = text(
    "SELECT sha_code, id FROM data_exports"
    " WHERE sha_code = ANY(CAST(:shas AS text[])) AND status = 'PENDING'"
    " ORDER BY requested_at, id LIMIT :limit"
)
_CLAIM = text(
    "SELECT sha_code, id, member_id FROM data_exports"
    " WHERE sha_code = :sha AND id = :id AND status = 'PENDING' FOR UPDATE SKIP LOCKED"
)
_READY = text(
    "UPDATE data_exports SET status = 'READY', document = CAST(:document AS jsonb),"
    " ready_at = now(), expires_at = now() + make_interval(secs => :ttl)"
    " WHERE sha_code = :sha AND id = :id"
)
_DOCUMENT = text(
    "SELECT document, expires_at FROM data_exports"
    " WHERE sha_code = :sha AND id = :id AND status = 'READY' AND expires_at > now()"
)


def link_secret(settings: Settings) -> bytes:
    """The secret that signs export links: kept in the data folder, made on first use
    (like the development key), so every process of one deployment shares it."""
    path = Path(settings.data_dir) / "export-link.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return bytes.fromhex(path.read_text().strip())


def _signature(secret: bytes, sha: str, export_id: str, expires: int) -> str:
    message = f"{sha}:{export_id}:{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_link(settings: Settings, sha: str, export_id: Any, expires_at: dt.datetime) -> str:
    expires = int(expires_at.timestamp())
    sig = _signature(link_secret(settings), sha, str(export_id), expires)
    return f"{LINK_PATH}/{sha}/{export_id}?expires={expires}&sig={sig}"


def check_link(settings: Settings, sha: str, export_id: str, expires: str, sig: str) -> bool:
    try:
        when = int(expires)
        uuid.UUID(export_id)
    except ValueError:
        return False
    if when < int(dt.datetime.now(dt.UTC).timestamp()):
        return False
    expected = _signature(link_secret(settings), sha, export_id, when)
    return hmac.compare_digest(expected, sig)


async def document_for(db: TenantDB, sha: str, member: uuid.UUID) -> dict[str, Any]:
    """Every row about her, by section, in one transaction (a consistent snapshot)."""
    actors = await db.rows(
        text(
            "SELECT 'user:' || subject AS actor FROM member_identities"
            " WHERE sha_code = :sha AND member_id = :member"
        ),
        {"sha": sha, "member": member},
    )
    params = {
        "sha": sha,
        "member": member,
        "actors": [f"user:{member}", *(r.actor for r in actors)],
    }
    sections: dict[str, Any] = {}
    for section, table, condition in SOURCES:
        rows = await db.rows(
            text(
                f"SELECT to_jsonb(t) - 'search' AS row FROM {table} t"
                f" WHERE t.sha_code = :sha AND {condition}"
            ),
            params,
        )
        sections[section] = [r.row for r in rows]
    return {
        "format": "cln-graph member data export, version 1",
        "member": encode_id("Member", sha, member),
        "sha": sha,
        "generatedAt": dt.datetime.now(dt.UTC).isoformat(),
        "sections": sections,
    }


async def build_pending(engine: AsyncEngine, settings: Settings, *, limit: int = 10) -> int:
    """Build the waiting exports, one transaction each; returns how many were built."""
    async with system_transaction(engine, settings, "exports") as db:
        waiting = await db.rows(_PENDING, {"shas": sorted(db.scope.read), "limit": limit})
    built = 0
    for candidate in waiting:
        keys = {"sha": candidate.sha_code, "id": candidate.id}
        async with system_transaction(
            engine, settings, "exports", frozenset({candidate.sha_code})
        ) as db:
            row = await db.first(_CLAIM, keys)
            if row is None:  # built, or being built, by another worker
                continue
            document = await document_for(db, row.sha_code, row.member_id)
            await db.rows(
                _READY,
                {
                    "document": json.dumps(document, default=str),
                    "ttl": settings.export_link_ttl_s,
                    "sha": row.sha_code,
                    "id": row.id,
                },
            )
            await notify(
                db,
                (row.sha_code, row.member_id),
                NotificationKind.DATA_EXPORT_READY,
                "Your data export is ready",
                "Download it from your profile page before the link expires.",
                subject_id=encode_id("DataExport", row.sha_code, row.id),
            )
            built += 1
    return built


async def read_document(engine: AsyncEngine, settings: Settings, sha: str, export_id: str) -> Any:
    async with system_transaction(engine, settings, "exports", frozenset({sha})) as db:
        row = await db.first(_DOCUMENT, {"sha": sha, "id": uuid.UUID(export_id)})
    return None if row is None else row.document
