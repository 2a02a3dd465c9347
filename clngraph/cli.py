"""`cln-graph`: the operator's command line (serve, migrate, seed, tokens, schema)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from foundation.settings import PROJECT_ROOT, Settings

SCHEMA_FILE = PROJECT_ROOT / "schema" / "schema.graphql"


def settings_from_env() -> Settings:
    return Settings.from_env()


def admin_url_for(settings: Settings) -> str:
    from clngraph.bootstrap import resolve_target

    return resolve_target(settings).admin_url


def cmd_migrate(args: argparse.Namespace) -> int:
    from clngraph.bootstrap import prepare_database

    settings = settings_from_env()
    asyncio.run(prepare_database(admin_url_for(settings), settings))
    print("database migrated")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from clngraph.seed import seed_demo

    settings = settings_from_env()
    loaded = asyncio.run(seed_demo(admin_url_for(settings), settings, force=args.force))
    print("demo data loaded" if loaded else "directory not empty: demo data left as it is")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from clngraph.dev_access import dev_token
    from clngraph.served_issuer import recorded_issuer

    settings = settings_from_env()
    if args.issuer:
        settings = replace(settings, issuer=args.issuer)
    elif "CLN_ISSUER" not in os.environ:
        # sign for the issuer the last `serve` derived from its host and port
        settings = replace(settings, issuer=recorded_issuer(settings) or settings.issuer)
    if not settings.dev_tokens:
        print("development tokens are disabled (CLN_DEV_TOKENS=false)", file=sys.stderr)
        return 2
    token = asyncio.run(dev_token(settings, admin_url_for(settings), args.role, args.sha))
    print(token)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from clngraph.bootstrap import prepare_database, resolve_target
    from clngraph.logging_setup import configure_logging
    from clngraph.seed import seed_demo
    from clngraph.served_issuer import issuer_for, record_issuer

    if not os.environ.get("CLN_ISSUER"):
        # RFC 8414: the metadata's issuer is where clients reach us, so derive it from
        # the address served; the workers uvicorn starts inherit the environment
        os.environ["CLN_ISSUER"] = issuer_for(args.host, args.port)
    settings = settings_from_env()
    configure_logging(settings.log_level, json_logs=settings.log_json)
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # several workers: each writes its metrics to a shared folder and any one's
        # /metrics sums them all (else a scrape sees one worker's figures)
        from foundation.metrics import prepare_multiprocess_dir

        prepare_multiprocess_dir(settings.data_dir / "metrics")
    if settings.dev_tokens:
        record_issuer(settings)
    if not args.no_bootstrap:
        target = resolve_target(settings)
        asyncio.run(prepare_database(target.admin_url, settings))
        if not args.no_seed and asyncio.run(seed_demo(target.admin_url, settings)):
            print("Loaded demo data for all ten SHAs.")
        base = settings.issuer
        print(
            f"\nCLN Graph on {base}/graphql (GraphiQL in a browser)\n"
            "Development tokens (send as `Authorization: Bearer <token>`):\n"
            "  member of the North West:  ./dev token --sha Q31 --role member\n"
            "  SHA administrator:         ./dev token --sha Q36 --role sha_admin\n"
            "  national lead:             ./dev token --role national_lead\n",
            flush=True,
        )
    uvicorn.run(
        "clngraph.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        proxy_headers=True,
    )
    return 0


def cmd_export_schema(args: argparse.Namespace) -> int:
    from schema import build_schema

    printed = str(build_schema()) + "\n"
    if args.check:
        current = SCHEMA_FILE.read_text() if SCHEMA_FILE.exists() else ""
        if current != printed:
            print(
                f"{SCHEMA_FILE} is stale: run `.venv/bin/cln-graph export-schema` and commit it",
                file=sys.stderr,
            )
            return 1
        print("schema.graphql is current")
        return 0
    Path(args.output or SCHEMA_FILE).write_text(printed)
    print(f"wrote {args.output or SCHEMA_FILE}")
    return 0


def cmd_db_url(args: argparse.Namespace) -> int:
    print(admin_url_for(settings_from_env()))
    return 0


def cmd_stop_db(args: argparse.Namespace) -> int:
    from foundation.embedded import EmbeddedPostgres

    settings = settings_from_env()
    EmbeddedPostgres(settings.data_dir / "pg", settings.embedded_port).stop()
    print("embedded PostgreSQL stopped")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cln-graph", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="set up the database (unless --no-bootstrap) and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-bootstrap", action="store_true", help="production: skip migrate/seed")
    serve.add_argument("--no-seed", action="store_true")
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="create roles and schema, apply migrations").set_defaults(
        func=cmd_migrate
    )
    seed = sub.add_parser("seed", help="load demo data into an empty directory")
    seed.add_argument("--force", action="store_true", help="load even if members exist")
    seed.set_defaults(func=cmd_seed)

    token = sub.add_parser("token", help="print a development token")
    token.add_argument(
        "--role",
        default="member",
        choices=["member", "moderator", "sha_admin", "national_lead", "platform_admin"],
    )
    token.add_argument("--sha", default=None, help="home SHA code (regional roles)")
    token.add_argument(
        "--issuer",
        default=None,
        help="`iss` to sign for (default: CLN_ISSUER, else the address `serve` last used)",
    )
    token.set_defaults(func=cmd_token)

    export = sub.add_parser("export-schema", help="write schema/schema.graphql")
    export.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    export.add_argument("--output", default=None)
    export.set_defaults(func=cmd_export_schema)

    sub.add_parser("db-url", help="print the admin database URL").set_defaults(func=cmd_db_url)
    sub.add_parser("stop-db", help="stop the embedded PostgreSQL").set_defaults(func=cmd_stop_db)
    register_plugin_commands(sub)
    return parser


def register_plugin_commands(sub: Any) -> None:
    """Commands of other areas live in `clngraph/commands/<area>.py`, each with
    `register(subparsers)`; they are discovered so areas never edit this file."""
    import importlib
    import pkgutil

    import clngraph.commands as commands

    for module in sorted(m.name for m in pkgutil.iter_modules(commands.__path__)):
        importlib.import_module(f"clngraph.commands.{module}").register(sub)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
