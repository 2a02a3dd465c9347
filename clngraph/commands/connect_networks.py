"""`cln-graph network-gaps --sha Q31 [--lacking GP_PRACTICE]`: the network map's gap
analysis for one SHA, read as the API role with that SHA's tenant context (RLS applies)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from foundation.settings import Settings


async def network_gaps(
    settings: Settings, admin_url: str, sha: str, lacking: str | None
) -> tuple[list[str], list[str]]:
    """(policy areas with no network, networks with no member from `lacking`)."""
    from sqlalchemy import select

    from foundation.db import api_url, make_engine
    from resolvers.directory.enums import OrganisationType
    from resolvers.networks.policy_areas import uncovered_policy_areas
    from resolvers.networks.queries import lacking_member_from
    from resolvers.networks.tables import networks
    from tenants.codes import validate_sha_code
    from tenants.scope import TenantScope
    from tenants.transaction import tenant_transaction

    code = validate_sha_code(sha)
    engine = make_engine(api_url(settings, admin_url), settings, pool_size=1)
    try:
        async with tenant_transaction(
            engine,
            TenantScope(frozenset({code})),
            actor="cli:network-gaps",
            statement_timeout_ms=settings.statement_timeout_ms,
            mode=settings.tenancy_mode,
            prepared=settings.fast_path,
        ) as db:
            areas = [r.code for r in await uncovered_policy_areas(db, code)]
            missing_teams: list[str] = []
            if lacking:
                query = (
                    select(networks.c.name)
                    .where(networks.c.sha_code == code)
                    .where(lacking_member_from(OrganisationType(lacking)))
                    .order_by(networks.c.name)
                )
                missing_teams = [r.name for r in await db.rows(query)]
    finally:
        await engine.dispose()
    return areas, missing_teams


def cmd_network_gaps(args: argparse.Namespace) -> int:
    from clngraph.cli import admin_url_for, settings_from_env

    settings = settings_from_env()
    areas, lacking = asyncio.run(
        network_gaps(settings, admin_url_for(settings), args.sha, args.lacking)
    )
    print("Policy areas with no network:", ", ".join(areas) or "none")
    if args.lacking:
        print(f"Networks with no member from a {args.lacking}:", ", ".join(lacking) or "none")
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser("network-gaps", help="gap analysis of an SHA's network map")
    parser.add_argument("--sha", required=True, help="SHA code, e.g. Q31")
    parser.add_argument("--lacking", help="organisation type, e.g. GP_PRACTICE")
    parser.set_defaults(func=cmd_network_gaps)
