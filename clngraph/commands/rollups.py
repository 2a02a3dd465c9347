"""`cln-graph rollups rebuild|check`: recompute the national dashboard's rollup tables
from the live tables (resolvers/national/rebuild.py) and say whether any row differed."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any


def cmd_rollups(args: argparse.Namespace) -> int:
    import asyncpg

    from clngraph.cli import admin_url_for, settings_from_env
    from resolvers.rollups.rebuild import describe, rebuild

    settings = settings_from_env()
    url = args.database_url or admin_url_for(settings)

    async def main() -> list[Any]:
        conn = await asyncpg.connect(url, server_settings={"search_path": settings.db_schema})
        try:
            return await rebuild(conn, settings.owner_role, write=args.action == "rebuild")
        finally:
            await conn.close()

    differences = asyncio.run(main())
    print(describe(differences))
    differed = any(d.any for d in differences)
    if args.action == "rebuild":
        print("rebuilt; " + ("some rows differed (above)" if differed else "nothing differed"))
        return 0
    return 1 if differed else 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "rollups", help="rebuild (or check) the national dashboard's rollup tables"
    )
    parser.add_argument(
        "action",
        choices=["rebuild", "check"],
        help="rebuild: recompute and replace; check: compare only (exit 1 if any differ)",
    )
    parser.add_argument(
        "--database-url", default=None, help="admin URL (default: the configured database)"
    )
    parser.set_defaults(func=cmd_rollups)
