"""Small helpers for tests: a GraphQL client over the real ASGI app, SQL statement log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class SqlLog:
    statements: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.statements.clear()

    @property
    def count(self) -> int:
        return len(self.statements)

    def queries(self) -> list[str]:
        """Statements of the request's own work: not the tenant context setter, nor a
        process-wide cache refreshed on a timer by whichever request finds it stale
        (those statements are tagged `/* cache:... */`)."""
        return [
            s
            for s in self.statements
            if "set_config" not in s and CONTEXT_SET not in s and CACHE_TAG not in s
        ]

    def data_queries(self) -> list[str]:
        """`queries()` less the read audits a national or admin request writes (the
        cross-region read, and the personal data shown: one INSERT each)."""
        return [s for s in self.queries() if not any(a in s for a in AUDIT_INSERTS)]


CACHE_TAG = "/* cache:"
CONTEXT_SET = "SET LOCAL app."  # the tenant context in citus mode (tenants/policy.py)
AUDIT_INSERT = "INSERT INTO cross_region_reads"
AUDIT_INSERTS = (AUDIT_INSERT, "INSERT INTO personal_data_reads")


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient
    make_token: Any

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        as_role: tuple[str, str | None] | None = None,
        path: str = "/graphql",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if as_role is not None:
            token = self.make_token(as_role[0], as_role[1])
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        return await self.http.post(
            path, json={"query": query, "variables": variables or {}}, headers=all_headers
        )

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        response = await self.post(query, variables, **kwargs)
        assert response.status_code < 500, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """The `data` of a response that must have no errors."""
        body = await self(query, variables, **kwargs)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code", "") for e in body.get("errors") or []]


def app_transaction(app: Any, read: tuple[str, ...], write: tuple[str, ...] = ()) -> Any:
    """A request transaction on the app's engine (`tenant_transaction`), reading `read`
    and writing `write`, for tests of the transaction itself."""
    from tenants.scope import TenantScope
    from tenants.transaction import tenant_transaction

    state = app.state.cln
    return tenant_transaction(
        state.engine,
        TenantScope(frozenset(read), frozenset(write)),
        actor="test",
        statement_timeout_ms=2000,
        mode=state.settings.tenancy_mode,
    )


def tenant_context(settings: Any, read: str, write: str = "") -> str:
    """The tenant context statements of the tenancy module (tenants/policy.py), for a raw
    asyncpg connection inside a transaction: `SET LOCAL` on Citus, so the context
    reaches the workers, `set_config` on PostgreSQL. `read`/`write`: `Q31,Q36`."""
    from tenants.policy import context_sql

    return context_sql(
        read=[c for c in read.split(",") if c],
        write=[c for c in write.split(",") if c],
        mode=settings.tenancy_mode,
    )
