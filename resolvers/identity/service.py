"""Partner organisations, their clients and data-sharing agreements: validate, write,
audit. Used by the platform-admin GraphQL mutations and by the CLI, so it takes any
executor with `rows(statement, params)` (the request's TenantDB, or `ConnExecutor`
around an operator's connection). Never commits.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import Executable, Row, text
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.oauth.scopes import UnknownScope, validate_scopes
from auth.oauth.secrets import hash_secret, new_client_id, new_client_secret
from foundation.request_id import current_request_id
from resolvers.common.errors import Conflict, FieldProblem, NotFound, ValidationFailed, require
from tenants.codes import InvalidShaCode, validate_sha_code

PARTNER_KINDS = (
    "NHS_BODY",
    "ROYAL_COLLEGE",
    "REGULATOR",
    "LOCAL_AUTHORITY",
    "TRAINING_PROVIDER",
    "OTHER",
)


class Executor(Protocol):
    actor: str

    async def rows(
        self, statement: Executable, params: Mapping[str, Any] | None = None
    ) -> Sequence[Row[Any]]: ...


class ConnExecutor:
    """An operator's connection (CLI), named in audit rows as `actor`."""

    def __init__(self, conn: AsyncConnection, actor: str) -> None:
        self.conn = conn
        self.actor = actor

    async def rows(
        self, statement: Executable, params: Mapping[str, Any] | None = None
    ) -> Sequence[Row[Any]]:
        result = await self.conn.execute(statement, params)
        return result.all() if result.returns_rows else []


@dataclass(frozen=True)
class NewClient:
    """A client as created: the secret is here once and never again."""

    client_id: str
    client_secret: str
    partner_id: str


_AUDIT = text(
    "INSERT INTO platform_audit_log (actor, action, entity_type, entity_id, request_id, detail)"
    " VALUES (:actor, :action, :entity_type, :entity_id, :request_id, CAST(:detail AS jsonb))"
)


async def audit(
    db: Executor, action: str, entity_type: str, entity_id: str, detail: dict[str, Any]
) -> None:
    """A platform audit row, in the same transaction as the change. Never a secret."""
    await db.rows(
        _AUDIT,
        {
            "actor": db.actor,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "request_id": current_request_id(),
            "detail": json.dumps(detail, default=str),
        },
    )


def _uuid(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed([FieldProblem(field, "is not a valid id")]) from None


async def _partner_exists(db: Executor, partner_id: uuid.UUID) -> None:
    found = await db.rows(
        text("SELECT 1 FROM partner_organisations WHERE id = :id"), {"id": partner_id}
    )
    if not found:
        raise NotFound("PartnerOrganisation", str(partner_id))


async def create_partner(db: Executor, name: str, kind: str) -> dict[str, Any]:
    name = name.strip()
    problems = []
    if not 1 <= len(name) <= 200:
        problems.append(FieldProblem("name", "must be 1 to 200 characters"))
    if kind not in PARTNER_KINDS:
        problems.append(FieldProblem("kind", f"must be one of {', '.join(PARTNER_KINDS)}"))
    require(problems)
    existing = await db.rows(
        text("SELECT 1 FROM partner_organisations WHERE lower(name) = lower(:name)"),
        {"name": name},
    )
    if existing:
        raise Conflict(f"a partner organisation named {name!r} already exists")
    rows = await db.rows(
        text(
            "INSERT INTO partner_organisations (name, kind) VALUES (:name, :kind)"
            " RETURNING id, name, kind, created_at"
        ),
        {"name": name, "kind": kind},
    )
    partner = dict(rows[0]._mapping)
    await audit(db, "partner.create", "PartnerOrganisation", str(partner["id"]), {"name": name})
    return partner


async def create_client(db: Executor, partner_id: str, name: str) -> NewClient:
    pid = _uuid(partner_id, "partnerId")
    name = name.strip()
    require([] if 1 <= len(name) <= 200 else [FieldProblem("name", "must be 1 to 200 characters")])
    await _partner_exists(db, pid)
    client_id, secret = new_client_id(), new_client_secret()
    await db.rows(
        text(
            "INSERT INTO partner_clients (client_id, partner_id, name, secret_hash)"
            " VALUES (:client_id, :partner_id, :name, :hash)"
        ),
        {"client_id": client_id, "partner_id": pid, "name": name, "hash": hash_secret(secret)},
    )
    await audit(db, "client.create", "PartnerClient", client_id, {"partner_id": str(pid)})
    return NewClient(client_id=client_id, client_secret=secret, partner_id=str(pid))


async def rotate_client_secret(db: Executor, client_id: str) -> NewClient:
    """A new secret (the old one stops working at once); also clears a lockout."""
    secret = new_client_secret()
    rows = await db.rows(
        text(
            "UPDATE partner_clients SET secret_hash = :hash, secret_rotated_at = now(),"
            " failed_attempts = 0, locked_until = NULL"
            " WHERE client_id = :client_id AND disabled_at IS NULL RETURNING partner_id"
        ),
        {"client_id": client_id, "hash": hash_secret(secret)},
    )
    if not rows:
        raise NotFound("PartnerClient", client_id)
    await audit(db, "client.rotate_secret", "PartnerClient", client_id, {})
    return NewClient(client_id=client_id, client_secret=secret, partner_id=str(rows[0].partner_id))


async def disable_client(db: Executor, client_id: str) -> None:
    rows = await db.rows(
        text(
            "UPDATE partner_clients SET disabled_at = now()"
            " WHERE client_id = :client_id AND disabled_at IS NULL RETURNING client_id"
        ),
        {"client_id": client_id},
    )
    if not rows:
        raise NotFound("PartnerClient", client_id)
    await audit(db, "client.disable", "PartnerClient", client_id, {})


PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "k", "oth"})


def public_jwks(document: str) -> dict[str, Any]:
    """A client's key set for `private_key_jwt`: asymmetric public keys with a `kid`."""
    try:
        data = json.loads(document)
        keys = data["keys"] if isinstance(data, dict) else None
    except (ValueError, KeyError):
        keys = None
    if not isinstance(keys, list) or not keys or len(keys) > 10:
        raise ValidationFailed([FieldProblem("jwks", "must be a JWK Set with 1 to 10 keys")])
    for key in keys:
        if not isinstance(key, dict) or key.get("kty") not in ("RSA", "EC", "OKP"):
            raise ValidationFailed([FieldProblem("jwks", "keys must be RSA, EC or OKP")])
        if PRIVATE_MEMBERS & set(key):
            raise ValidationFailed([FieldProblem("jwks", "send public keys only")])
        if not isinstance(key.get("kid"), str) or not key["kid"]:
            raise ValidationFailed([FieldProblem("jwks", "every key needs a kid")])
    try:
        KeySet.import_key_set({"keys": keys})
    except (JoseError, ValueError, TypeError):
        raise ValidationFailed([FieldProblem("jwks", "a key could not be read")]) from None
    return {"keys": keys}


async def set_client_jwks(db: Executor, client_id: str, document: str) -> list[str]:
    """Register the keys a client signs `private_key_jwt` assertions with."""
    jwks = public_jwks(document)
    rows = await db.rows(
        text(
            "UPDATE partner_clients SET jwks = CAST(:jwks AS jsonb)"
            " WHERE client_id = :client_id AND disabled_at IS NULL RETURNING client_id"
        ),
        {"client_id": client_id, "jwks": json.dumps(jwks)},
    )
    if not rows:
        raise NotFound("PartnerClient", client_id)
    kids = [str(k["kid"]) for k in jwks["keys"]]
    await audit(db, "client.set_jwks", "PartnerClient", client_id, {"kids": kids})
    return kids


@dataclass(frozen=True)
class AgreementTerms:
    reference: str
    scopes: list[str]
    sha_codes: list[str]
    valid_from: dt.datetime
    valid_until: dt.datetime


async def _check_terms(db: Executor, terms: AgreementTerms) -> tuple[list[str], list[str]]:
    problems: list[FieldProblem] = []
    if not 1 <= len(terms.reference.strip()) <= 100:
        problems.append(FieldProblem("reference", "must be 1 to 100 characters"))
    scopes: list[str] = []
    try:
        scopes = validate_scopes(terms.scopes)
        if not scopes:
            problems.append(FieldProblem("scopes", "name at least one scope"))
    except UnknownScope as exc:
        problems.append(FieldProblem("scopes", str(exc)))
    shas: list[str] = []
    try:
        shas = sorted({validate_sha_code(c) for c in terms.sha_codes})
    except InvalidShaCode as exc:
        problems.append(FieldProblem("shaCodes", str(exc)))
    if not shas and not any(p.field == "shaCodes" for p in problems):
        problems.append(FieldProblem("shaCodes", "name at least one SHA"))
    for stamp, field in ((terms.valid_from, "validFrom"), (terms.valid_until, "validUntil")):
        if stamp.tzinfo is None:
            problems.append(FieldProblem(field, "must carry a time zone"))
    if not problems and terms.valid_until <= terms.valid_from:
        problems.append(FieldProblem("validUntil", "must be after validFrom"))
    require(problems)
    known = await db.rows(text("SELECT code FROM shas WHERE code = ANY(:codes)"), {"codes": shas})
    missing = sorted(set(shas) - {r.code for r in known})
    require([FieldProblem("shaCodes", f"unknown SHA {', '.join(missing)}")] if missing else [])
    return scopes, shas


async def create_agreement(db: Executor, partner_id: str, terms: AgreementTerms) -> dict[str, Any]:
    pid = _uuid(partner_id, "partnerId")
    scopes, shas = await _check_terms(db, terms)
    await _partner_exists(db, pid)
    rows = await db.rows(
        text(
            "INSERT INTO data_sharing_agreements"
            " (partner_id, reference, scopes, sha_codes, valid_from, valid_until)"
            " VALUES (:partner_id, :reference, :scopes, :shas, :valid_from, :valid_until)"
            " ON CONFLICT (partner_id, reference) DO NOTHING"
            " RETURNING id, partner_id, reference, scopes, sha_codes, valid_from, valid_until,"
            " withdrawn_at, created_at"
        ),
        {
            "partner_id": pid,
            "reference": terms.reference.strip(),
            "scopes": scopes,
            "shas": shas,
            "valid_from": terms.valid_from,
            "valid_until": terms.valid_until,
        },
    )
    if not rows:
        raise Conflict(f"this partner already has an agreement {terms.reference.strip()!r}")
    agreement = dict(rows[0]._mapping)
    await audit(
        db,
        "agreement.create",
        "DataSharingAgreement",
        str(agreement["id"]),
        {"partner_id": str(pid), "scopes": scopes, "sha_codes": shas},
    )
    return agreement


async def withdraw_agreement(db: Executor, agreement_id: str) -> dict[str, Any]:
    """Withdraw at once: tokens already issued under it stop on their next request."""
    aid = _uuid(agreement_id, "id")
    rows = await db.rows(
        text(
            "UPDATE data_sharing_agreements SET withdrawn_at = now()"
            " WHERE id = :id AND withdrawn_at IS NULL"
            " RETURNING id, partner_id, reference, scopes, sha_codes, valid_from, valid_until,"
            " withdrawn_at, created_at"
        ),
        {"id": aid},
    )
    if not rows:
        raise NotFound("DataSharingAgreement", agreement_id)
    await audit(db, "agreement.withdraw", "DataSharingAgreement", str(aid), {})
    return dict(rows[0]._mapping)
