"""`cln-graph run-jobs [--once]` (notification e-mail, data exports, reminders,
retention), `cln-graph enforce-retention` and `cln-graph link-identity` (link an
identity provider's subject to a member, so `viewer.member` finds her)."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from foundation.settings import Settings


async def _with_engine(settings: Settings, admin_url: str, work: Any) -> Any:
    from foundation.db import api_url, make_engine

    engine = make_engine(api_url(settings, admin_url), settings, pool_size=2)
    try:
        return await work(engine)
    finally:
        await engine.dispose()


def cmd_run_jobs(args: argparse.Namespace) -> int:
    from clngraph.cli import admin_url_for, settings_from_env
    from clngraph.jobs import run_forever, run_once

    settings = settings_from_env()

    async def work(engine: Any) -> Any:
        if args.once:
            return await run_once(engine, settings)
        await run_forever(engine, settings)
        return None

    report = asyncio.run(_with_engine(settings, admin_url_for(settings), work))
    print(json.dumps(report, indent=2, default=str))
    return 0


def cmd_enforce_retention(args: argparse.Namespace) -> int:
    from clngraph.cli import admin_url_for, settings_from_env
    from resolvers.gdpr.retention import enforce

    settings = settings_from_env()
    removed = asyncio.run(
        _with_engine(settings, admin_url_for(settings), lambda e: enforce(e, settings))
    )
    print(json.dumps(removed, indent=2))
    return 0


async def link_identity(
    settings: Settings, admin_url: str, sha: str, member: str, subject: str
) -> None:
    """As the owner (the operator's command line): one subject, one member of `sha`."""
    import uuid

    import asyncpg

    from resolvers.common.ids import decode_id
    from tenants.codes import validate_sha_code

    code = validate_sha_code(sha)
    try:
        key = uuid.UUID(member)
    except ValueError:
        gid = decode_id(member, "Member")
        if gid.sha_code != code:
            raise SystemExit(f"member {member} is not of SHA {code}") from None
        key = uuid.UUID(gid.key)
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        await conn.execute(
            "INSERT INTO member_identities (sha_code, subject, member_id) VALUES ($1, $2, $3)"
            " ON CONFLICT (sha_code, subject) DO UPDATE SET member_id = excluded.member_id",
            code,
            subject,
            key,
        )
    finally:
        await conn.close()


def cmd_link_identity(args: argparse.Namespace) -> int:
    from clngraph.cli import admin_url_for, settings_from_env

    settings = settings_from_env()
    asyncio.run(
        link_identity(settings, admin_url_for(settings), args.sha, args.member, args.subject)
    )
    print(f"{args.subject} -> member {args.member} of {args.sha}")
    return 0


def register(sub: Any) -> None:
    jobs = sub.add_parser("run-jobs", help="notification e-mail, exports, reminders, retention")
    jobs.add_argument("--once", action="store_true", help="one round, then exit")
    jobs.set_defaults(func=cmd_run_jobs)
    retention = sub.add_parser("enforce-retention", help="remove records past their period")
    retention.set_defaults(func=cmd_enforce_retention)
    link = sub.add_parser("link-identity", help="link an identity subject to a member")
    link.add_argument("--sha", required=True, help="SHA code, e.g. Q31")
    link.add_argument("--member", required=True, help="member id (uuid or global id)")
    link.add_argument(
        "--subject", required=True, help="the subject as the service names it: '<issuer>#<sub>'"
    )
    link.set_defaults(func=cmd_link_identity)
