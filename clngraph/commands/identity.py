"""Operator commands for identity: signing-key rotation, partner organisations,
clients and data-sharing agreements. Changes are audited as `cli:<user>`."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from auth.config import IdentityConfig
from foundation.settings import Settings

T = TypeVar("T")


async def with_admin(
    admin_url: str, settings: Settings, action: Callable[[Any], Awaitable[T]]
) -> T:
    """Run `action(executor)` in one transaction as the operator; commit if it succeeds."""
    from foundation.db import make_engine
    from resolvers.identity.service import ConnExecutor

    engine = make_engine(admin_url, settings, pool_size=1)
    try:
        async with engine.begin() as conn:
            return await action(ConnExecutor(conn, f"cli:{getpass.getuser()}"))
    finally:
        await engine.dispose()


async def rotate_key(admin_url: str, settings: Settings, config: IdentityConfig) -> dict[str, Any]:
    from sqlalchemy import text

    from auth.oauth.keys import rotate_signing_key

    async def act(db: Any) -> dict[str, Any]:
        from resolvers.identity.service import audit

        kid, retired = await rotate_signing_key(
            db.conn, publish_margin_s=config.key_publish_margin_s
        )
        await audit(db, "signing_key.rotate", "SigningKey", kid, {"retired": retired})
        # Revoked tokens that have expired need no deny-list entry any more.
        await db.rows(text("DELETE FROM oauth_revoked_tokens WHERE expires_at < now()"))
        return {"kid": kid, "retired": retired, "published_for_s": config.key_publish_margin_s}

    return await with_admin(admin_url, settings, act)


def _parse_time(value: str) -> dt.datetime:
    stamp = dt.datetime.fromisoformat(value)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _run(args: argparse.Namespace, action: Callable[[Any], Awaitable[Any]]) -> int:
    from clngraph.cli import admin_url_for, settings_from_env
    from resolvers.common.errors import DomainError

    settings = settings_from_env()
    try:
        result = asyncio.run(with_admin(admin_url_for(settings), settings, action))
    except DomainError as exc:
        print(f"error: {exc}")
        return 1
    print(json.dumps(result, default=str, indent=2))
    return 0


def cmd_rotate_key(args: argparse.Namespace) -> int:
    from clngraph.cli import admin_url_for, settings_from_env

    settings = settings_from_env()
    result = asyncio.run(rotate_key(admin_url_for(settings), settings, IdentityConfig.from_env()))
    print(json.dumps(result, indent=2))
    return 0


def cmd_partner_create(args: argparse.Namespace) -> int:
    from resolvers.identity import service

    return _run(args, lambda db: service.create_partner(db, args.name, args.kind))


def cmd_client_create(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from resolvers.identity import service

    async def act(db: Any) -> dict[str, str]:
        return asdict(await service.create_client(db, args.partner, args.name))

    return _run(args, act)


def cmd_client_rotate(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from resolvers.identity import service

    async def act(db: Any) -> dict[str, str]:
        return asdict(await service.rotate_client_secret(db, args.client))

    return _run(args, act)


def cmd_client_disable(args: argparse.Namespace) -> int:
    from resolvers.identity import service

    async def act(db: Any) -> dict[str, str]:
        await service.disable_client(db, args.client)
        return {"disabled": args.client}

    return _run(args, act)


def cmd_client_keys(args: argparse.Namespace) -> int:
    from pathlib import Path

    from resolvers.identity import service

    document = Path(args.jwks_file).read_text()

    async def act(db: Any) -> dict[str, Any]:
        return {
            "client_id": args.client,
            "kids": await service.set_client_jwks(db, args.client, document),
        }

    return _run(args, act)


def cmd_agreement_create(args: argparse.Namespace) -> int:
    from resolvers.identity import service

    terms = service.AgreementTerms(
        reference=args.reference,
        scopes=args.scopes.split(","),
        sha_codes=args.shas.split(","),
        valid_from=_parse_time(args.valid_from),
        valid_until=_parse_time(args.valid_until),
    )
    return _run(args, lambda db: service.create_agreement(db, args.partner, terms))


def cmd_agreement_withdraw(args: argparse.Namespace) -> int:
    from resolvers.identity import service

    return _run(args, lambda db: service.withdraw_agreement(db, args.id))


def register(sub: Any) -> None:
    p = sub.add_parser("oauth-rotate-key", help="new OAuth signing key; old one stays published")
    p.set_defaults(func=cmd_rotate_key)

    p = sub.add_parser("partner-create", help="register a partner organisation")
    p.add_argument("--name", required=True)
    p.add_argument("--kind", required=True, help="NHS_BODY, ROYAL_COLLEGE, REGULATOR, ...")
    p.set_defaults(func=cmd_partner_create)

    p = sub.add_parser("partner-client-create", help="new OAuth client; prints its secret once")
    p.add_argument("--partner", required=True, help="partner organisation id")
    p.add_argument("--name", required=True)
    p.set_defaults(func=cmd_client_create)

    p = sub.add_parser("partner-client-rotate-secret", help="new secret; the old one stops")
    p.add_argument("--client", required=True)
    p.set_defaults(func=cmd_client_rotate)

    p = sub.add_parser("partner-client-disable", help="disable a client and its tokens")
    p.add_argument("--client", required=True)
    p.set_defaults(func=cmd_client_disable)

    p = sub.add_parser("partner-client-set-keys", help="register keys for private_key_jwt")
    p.add_argument("--client", required=True)
    p.add_argument("--jwks-file", required=True, help="a JWK Set of public keys (JSON)")
    p.set_defaults(func=cmd_client_keys)

    p = sub.add_parser("agreement-create", help="record a data-sharing agreement")
    p.add_argument("--partner", required=True)
    p.add_argument("--reference", required=True)
    p.add_argument("--scopes", required=True, help="comma-separated, e.g. directory:read")
    p.add_argument("--shas", required=True, help="comma-separated SHA codes, e.g. Q31,Q36")
    p.add_argument("--valid-from", required=True, help="ISO 8601; UTC if no zone")
    p.add_argument("--valid-until", required=True, help="ISO 8601; UTC if no zone")
    p.set_defaults(func=cmd_agreement_create)

    p = sub.add_parser("agreement-withdraw", help="withdraw an agreement; access stops at once")
    p.add_argument("--id", required=True)
    p.set_defaults(func=cmd_agreement_withdraw)
