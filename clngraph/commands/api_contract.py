"""API contract commands: partner allow-lists and the schema release snapshot.

`cln-graph allow-operation` registers the operations a partner client may run:

    cln-graph allow-operation --client nhs-institute ops/*.graphql
    cln-graph allow-operation --client nhs-institute --list
    cln-graph allow-operation --client nhs-institute --clear

Each file is one operation document; it is stored with the sha256 of its exact
text (what APQ clients send as `sha256Hash`). Once a client has one registered
operation it may run only registered ones (schema/persisted.py).

`cln-graph check-breaking` / `cln-graph release-schema`: see schema/contract.py.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import asyncpg
from graphql import OperationDefinitionNode, parse

from foundation.settings import Settings
from schema.persisted import sha256_hex


def _operation_name(document: str) -> str | None:
    for definition in parse(document).definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name:
            return definition.name.value
    return None


async def register_operations(
    admin_url: str, settings: Settings, client_id: str, documents: list[str]
) -> list[str]:
    """Store each document for `client_id`; returns their sha256 hashes."""
    hashes = []
    conn = await asyncpg.connect(admin_url)
    try:
        async with conn.transaction():
            for document in documents:
                digest = sha256_hex(document)
                await conn.execute(
                    f"INSERT INTO {settings.db_schema}.persisted_operations "
                    "(client_id, sha256, operation_name, document) VALUES ($1, $2, $3, $4) "
                    "ON CONFLICT (client_id, sha256) DO NOTHING",
                    client_id,
                    digest,
                    _operation_name(document),
                    document,
                )
                hashes.append(digest)
    finally:
        await conn.close()
    return hashes


async def _list_or_clear(admin_url: str, settings: Settings, client_id: str, clear: bool) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        table = f"{settings.db_schema}.persisted_operations"
        if clear:
            await conn.execute(f"DELETE FROM {table} WHERE client_id = $1", client_id)
            print(f"cleared the allow-list of {client_id}: it is no longer restricted")
            return
        for row in await conn.fetch(
            f"SELECT sha256, operation_name FROM {table} WHERE client_id = $1 ORDER BY 2, 1",
            client_id,
        ):
            print(row["sha256"], row["operation_name"] or "(anonymous)")
    finally:
        await conn.close()


def cmd_allow_operation(args: argparse.Namespace) -> int:
    from clngraph.cli import admin_url_for, settings_from_env

    settings = settings_from_env()
    url = admin_url_for(settings)
    if args.list or args.clear:
        asyncio.run(_list_or_clear(url, settings, args.client, args.clear))
        return 0
    documents = [Path(f).read_text() for f in args.files]
    for digest in asyncio.run(register_operations(url, settings, args.client, documents)):
        print(digest)
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "allow-operation", help="register operations a partner client may run (allow-list)"
    )
    parser.add_argument("--client", required=True, help="the partner's OAuth client_id")
    parser.add_argument("--list", action="store_true", help="print the registered operations")
    parser.add_argument("--clear", action="store_true", help="remove every registration")
    parser.add_argument("files", nargs="*", help="operation documents (.graphql)")
    parser.set_defaults(func=cmd_allow_operation)
    register_contract_commands(sub)


def cmd_check_breaking(args: argparse.Namespace) -> int:
    from schema import build_schema
    from schema.contract import RELEASED_FILE, compare, released_schema

    breaking, dangerous = compare(released_schema(), build_schema().graphql_schema)
    for warning in dangerous:
        print(f"warning: {warning.type.name}: {warning.description}")
    for change in breaking:
        print(f"BREAKING: {change.type.name}: {change.description}", file=sys.stderr)
    if breaking:
        print(
            f"{len(breaking)} breaking change(s) against {RELEASED_FILE.name}: keep the old "
            "field/type (deprecate it) or, for a new major release, cut a new snapshot",
            file=sys.stderr,
        )
        return 1
    print(f"no breaking change against {RELEASED_FILE.name}")
    return 0


def cmd_release_schema(args: argparse.Namespace) -> int:
    from schema import build_schema
    from schema.contract import RELEASED_FILE

    RELEASED_FILE.write_text(str(build_schema()) + "\n")
    print(f"wrote {RELEASED_FILE}: commit it with the release")
    return 0


def register_contract_commands(sub: Any) -> None:
    sub.add_parser(
        "check-breaking", help="fail on breaking changes against schema/released.graphql"
    ).set_defaults(func=cmd_check_breaking)
    sub.add_parser(
        "release-schema", help="snapshot the current schema as schema/released.graphql"
    ).set_defaults(func=cmd_release_schema)
