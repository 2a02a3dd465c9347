"""A Citus cluster on loopback: a coordinator and workers, each an embedded PostgreSQL.

For `./dev test-citus` and local trials of the Citus engine (CLN_TENANCY_MODE=citus);
production runs the official Citus image (docs/scale-out.md). Citus must be built into
the embedded PostgreSQL first (`citus/build.sh`, which `./dev test-citus` runs).

Every node has the same superuser password, stored once in `pg_dist_authinfo`, so the
coordinator can open connections to the workers (and to itself) over TCP with
scram-sha-256; the service's roles get their own rows there (clngraph/bootstrap.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from foundation.db import database_name, with_database
from foundation.embedded import SUPERUSER, EmbeddedPostgres, free_port

CITUS_OPTIONS = (
    "shared_preload_libraries=citus",
    # logical replication moves shards without blocking writes (citus_move_shard_placement)
    "wal_level=logical",
    "max_prepared_transactions=200",
    "max_worker_processes=32",
)


@dataclass
class CitusCluster:
    """`root/coordinator` and `root/worker-N` data folders, each its own server."""

    root: Path
    worker_count: int = 2
    fast_unsafe: bool = True
    coordinator: EmbeddedPostgres = field(init=False)
    workers: list[EmbeddedPostgres] = field(init=False)

    def __post_init__(self) -> None:
        self.coordinator = self._node("coordinator")
        self.workers = [self._node(f"worker-{n}") for n in range(1, self.worker_count + 1)]

    def _node(self, name: str) -> EmbeddedPostgres:
        pgdata = self.root / name
        port_file = self.root / f"{name}.port"
        if port_file.exists():
            port = int(port_file.read_text())
        else:
            self.root.mkdir(parents=True, exist_ok=True)
            port = free_port()
            port_file.write_text(str(port))
        return EmbeddedPostgres(
            pgdata,
            port,
            fast_unsafe=self.fast_unsafe,
            options=CITUS_OPTIONS,
            environment=(("PGPASSFILE", str(self.passfile)),),
        )

    @property
    def passfile(self) -> Path:
        """The superuser's password for the nodes' own libpq connections to each other
        that `pg_dist_authinfo` does not cover: the logical-replication subscriptions
        of a shard move."""
        return self.root / "pgpass"

    def _write_passfile(self) -> None:
        password = self.coordinator_password().replace("\\", "\\\\").replace(":", "\\:")
        self.passfile.write_text(f"127.0.0.1:*:*:{SUPERUSER}:{password}\n")
        self.passfile.chmod(0o600)
        self.coordinator._chown(self.passfile, self.coordinator._run_as())

    @property
    def nodes(self) -> list[EmbeddedPostgres]:
        return [self.coordinator, *self.workers]

    def start(self) -> str:
        """Start every node (initialising on first use); the coordinator's superuser URL."""
        self._write_passfile()
        for node in self.nodes:
            if not node.initialised():
                # one superuser password for the whole cluster (pg_dist_authinfo)
                node.init(password=self.coordinator_password())
            node.start()
        return self.coordinator.admin_url()

    def coordinator_password(self) -> str:
        if not self.coordinator.initialised():
            self.coordinator.init()
        return self.coordinator.password_file.read_text().strip()

    def stop(self) -> None:
        for node in reversed(self.nodes):
            node.stop()


async def create_distributed_database(cluster: CitusCluster, coordinator_url: str) -> None:
    """The database of `coordinator_url` on every node, with the citus extension, and the
    workers added to the coordinator's metadata (idempotent)."""
    name = database_name(coordinator_url)
    for node in cluster.nodes:
        conn = await asyncpg.connect(node.admin_url())
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        conn = await asyncpg.connect(with_database(node.admin_url(), name))
        try:
            await conn.execute("CREATE EXTENSION IF NOT EXISTS citus")
        finally:
            await conn.close()
    conn = await asyncpg.connect(coordinator_url)
    try:
        password = cluster.coordinator_password().replace("'", "''")
        await conn.execute(
            "INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo)"
            f" VALUES (0, '{SUPERUSER}', 'password={password}')"
            " ON CONFLICT (nodeid, rolename) DO UPDATE SET authinfo = EXCLUDED.authinfo"
        )
        # Every connection to it, the tools' and tests' raw ones too, sees the catalog
        # without Citus's shard filter, under which asyncpg's type introspection stalls
        # every new connection (docs/scale-out.md).
        await conn.execute(f'ALTER DATABASE "{name}" SET citus.override_table_visibility = off')
        await conn.execute(
            "SELECT citus_set_coordinator_host('127.0.0.1', $1)", cluster.coordinator.port
        )
        for worker in cluster.workers:
            await conn.execute("SELECT citus_add_node('127.0.0.1', $1)", worker.port)
    finally:
        await conn.close()
