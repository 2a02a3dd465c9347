"""`cln-graph rollout ...`: onboard a region, change its status, export, import, retire.

Every command runs through the owner-role path (tenants/admin.py) on the admin
URL, the same code the platform-admin mutations use, while the API keeps serving.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from foundation.settings import Settings


def _actor() -> str:
    return f"operator:{getpass.getuser()}"


def _run(job: Callable[[AsyncEngine, Settings], Awaitable[Any]]) -> int:
    from clngraph.cli import admin_url_for, settings_from_env
    from tenants.admin import make_admin_engine
    from tenants.codes import InvalidShaCode
    from tenants.lifecycle import InvalidTransition, NotRetired, UnknownSha
    from tenants.onboarding import OnboardingRefused
    from tenants.transfer import TransferError

    settings = settings_from_env()

    async def main() -> Any:
        engine = make_admin_engine(admin_url_for(settings), settings)
        try:
            return await job(engine, settings)
        finally:
            await engine.dispose()

    try:
        result = asyncio.run(main())
    except (
        InvalidShaCode,
        InvalidTransition,
        NotRetired,
        UnknownSha,
        OnboardingRefused,
        TransferError,
    ) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, default=str))
    return 0


def cmd_onboard(args: argparse.Namespace) -> int:
    from tenants.onboarding import onboard_sha

    async def job(engine: AsyncEngine, settings: Settings) -> Any:
        result = await onboard_sha(
            engine, settings, args.code, args.name, actor=_actor(), hosts=args.host or []
        )
        return vars(result)

    return _run(job)


def cmd_status(args: argparse.Namespace) -> int:
    from tenants.lifecycle import change_status
    from tenants.registry import RolloutStatus

    async def job(engine: AsyncEngine, settings: Settings) -> Any:
        changed = await change_status(
            engine, settings, args.code, RolloutStatus(args.status), actor=_actor(), note=args.note
        )
        return {"code": changed.code, "from": changed.previous, "to": changed.status}

    return _run(job)


def cmd_export(args: argparse.Namespace) -> int:
    from tenants.transfer import export_sha

    async def job(engine: AsyncEngine, settings: Settings) -> Any:
        manifest = await export_sha(engine, settings, args.code, Path(args.directory), args.format)
        return {t["table"]: t["rows"] for t in manifest["tables"]}

    return _run(job)


def cmd_import(args: argparse.Namespace) -> int:
    from tenants.transfer import import_sha

    async def job(engine: AsyncEngine, settings: Settings) -> Any:
        return await import_sha(engine, settings, Path(args.directory), actor=_actor())

    return _run(job)


def cmd_retire(args: argparse.Namespace) -> int:
    """Export first, then retire, then detach: the data leaves only once it is on disk."""
    from tenants.lifecycle import InvalidTransition, change_status, detach_partitions
    from tenants.registry import RolloutStatus
    from tenants.transfer import export_sha

    async def job(engine: AsyncEngine, settings: Settings) -> Any:
        manifest = await export_sha(engine, settings, args.code, Path(args.export), args.format)
        try:
            await change_status(
                engine, settings, args.code, RolloutStatus.RETIRED, actor=_actor(), note=args.note
            )
        except InvalidTransition as exc:
            if exc.current != RolloutStatus.RETIRED:
                raise
        detached = await detach_partitions(engine, settings, args.code, actor=_actor())
        return {
            "exported": {t["table"]: t["rows"] for t in manifest["tables"]},
            "detached": detached,
        }

    return _run(job)


def register(sub: Any) -> None:
    rollout = sub.add_parser("rollout", help="onboard, change status, export, import, retire SHAs")
    commands = rollout.add_subparsers(dest="rollout_command", required=True)

    onboard = commands.add_parser("onboard", help="bring a new region in (status planned)")
    onboard.add_argument("code", help="new SHA code, e.g. Y01")
    onboard.add_argument("--name", required=True)
    onboard.add_argument("--host", action="append", help="front-end host name (repeatable)")
    onboard.set_defaults(func=cmd_onboard)

    status = commands.add_parser("status", help="change a region's rollout status")
    status.add_argument("code")
    status.add_argument("status", choices=["pilot", "live", "suspended", "retired"])
    status.add_argument("--note", default=None)
    status.set_defaults(func=cmd_status)

    export = commands.add_parser("export", help="export one region's rows with a manifest")
    export.add_argument("code")
    export.add_argument("directory", help="an empty or new folder")
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.set_defaults(func=cmd_export)

    load = commands.add_parser("import", help="import an export into this database")
    load.add_argument("directory")
    load.set_defaults(func=cmd_import)

    retire = commands.add_parser("retire", help="export, retire and detach a region")
    retire.add_argument("code")
    retire.add_argument("--export", required=True, help="folder for the export")
    retire.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    retire.add_argument("--note", default=None)
    retire.set_defaults(func=cmd_retire)
