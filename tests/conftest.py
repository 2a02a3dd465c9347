"""Test harness: a real PostgreSQL (embedded, or DATABASE_URL), the real app over ASGI,
real signed JWTs. Plain async factory functions live in `tests/factories.py`."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from starlette.applications import Starlette

from auth.dev_tokens import issue_dev_token, load_or_create_key
from clngraph.app import create_app, dev_key_path
from clngraph.bootstrap import prepare_database
from clngraph.citus_cluster import CitusCluster, create_distributed_database
from clngraph.seed import DemoSize, seed_demo
from foundation.db import with_database
from foundation.embedded import EmbeddedPostgres, free_port
from foundation.settings import Settings
from tests.support import GraphQLClient, SqlLog

CITUS_MODE = os.environ.get("CLN_TENANCY_MODE") == "citus"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `citus` belong to the Citus run only (`./dev test-citus`, which
    `./dev test` runs after this one), and `postgres_only` ones to the PostgreSQL run:
    deselected, never skipped, so neither run reports a check it did not make."""
    unwanted = "postgres_only" if CITUS_MODE else "citus"
    keep = [item for item in items if item.get_closest_marker(unwanted) is None]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


@pytest.fixture(scope="session")
def test_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cln-data")


@pytest.fixture(scope="session")
def citus_cluster() -> Iterator[CitusCluster | None]:
    """In citus mode, a coordinator and two workers on loopback (None otherwise)."""
    if not CITUS_MODE or os.environ.get("DATABASE_URL"):
        yield None
        return
    # Not under pytest's numbered temp folders: a concurrent pytest session of the same
    # user may prune those, and three servers' data must outlive the whole run.
    root = Path(tempfile.mkdtemp(prefix="cln-citus-"))
    cluster = CitusCluster(root, worker_count=2)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def server_admin_url(test_data_dir: Path, citus_cluster: CitusCluster | None) -> Iterator[str]:
    """Superuser URL of the server under test: the embedded server, the Citus
    coordinator in citus mode, or DATABASE_URL when set."""
    external = os.environ.get("DATABASE_URL")
    if external:
        yield external.replace("postgresql+asyncpg://", "postgresql://")
        return
    if citus_cluster is not None:
        yield citus_cluster.coordinator.admin_url()
        return
    server = EmbeddedPostgres(test_data_dir / "pg", free_port(), fast_unsafe=True)
    server.start()
    try:
        yield server.admin_url()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def settings(test_data_dir: Path) -> Settings:
    base = Settings.from_env(
        {
            name: os.environ[name]
            for name in ("CLN_TENANCY_MODE", "CLN_CITUS_SHARD_COUNT")
            if name in os.environ
        }
    )
    return replace(
        base,
        data_dir=test_data_dir,
        database_url=None,
        issuer="https://cln-graph.test",
        audience="cln-graph-test",
        dev_tokens=True,
        log_json=True,
        host_map={"nw.cln.test": "Q31", "london.cln.test": "Q36"},
        pool_size=5,
        jobs_in_process=False,  # tests run the jobs themselves (clngraph.jobs.run_once)
        # the session's anonymous requests share one address; tests/portal tightens it
        public_rate_limit_per_minute=6000,
        public_rate_limit_burst=1000,
    )


@pytest.fixture(scope="session")
def new_database_url(
    server_admin_url: str, citus_cluster: CitusCluster | None
) -> Callable[[str], Awaitable[str]]:
    """`await new_database_url("cln_x")`: the admin URL of a new, uniquely named database,
    for `prepare_database`. On Citus the database is made on every node, with the
    extension and the workers added, before migrations distribute anything."""

    async def make(prefix: str) -> str:
        url = with_database(server_admin_url, f"{prefix}_{secrets.token_hex(4)}")
        if citus_cluster is not None:
            await create_distributed_database(citus_cluster, url)
        return url

    return make


@pytest.fixture(scope="session")
async def admin_url(new_database_url: Callable[[str], Awaitable[str]], settings: Settings) -> str:
    """A fresh database, migrated and seeded with a small demo directory."""
    url = await new_database_url("cln_test")
    await prepare_database(url, settings)
    await seed_demo(url, settings, DemoSize(organisations_per_sha=8, members_per_sha=30))
    return url


@pytest.fixture(scope="session")
async def app(admin_url: str, settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings, admin_url=admin_url)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def signing_key(settings: Settings) -> Any:
    return load_or_create_key(dev_key_path(settings))


def default_roles(role: str) -> list[str]:
    if role in ("national_lead", "platform_admin"):
        return [role]
    return ["member"] if role == "member" else ["member", role]


@pytest.fixture(scope="session")
def make_token(settings: Settings, signing_key: Any) -> Any:
    """make_token(role, sha=None, **claims) -> a real ES256 JWT the app accepts."""

    def _make(
        role: str = "member",
        sha: str | None = None,
        *,
        roles: list[str] | None = None,
        subject: str | None = None,
        **extra: Any,
    ) -> str:
        return issue_dev_token(
            signing_key,
            issuer=settings.issuer,
            audience=settings.audience,
            subject=subject or f"test-{role}-{uuid.uuid4().hex[:6]}",
            roles=roles or default_roles(role),
            sha=sha,
            **extra,
        )

    return _make


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient, make_token: Any) -> GraphQLClient:
    return GraphQLClient(http, make_token)


@pytest.fixture
def sql_log(app: Starlette) -> Iterator[SqlLog]:
    """Every SQL statement the API role's engine sends during the test."""
    engine = app.state.cln.engine.sync_engine
    log = SqlLog()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)
