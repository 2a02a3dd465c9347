"""Settings read once from the environment, so every process is configured the same way."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

PROJECT_ROOT = Path(__file__).resolve().parent.parent

TenancyMode = Literal["postgres", "citus"]
PlanCacheMode = Literal["auto", "force_generic_plan", "force_custom_plan"]
PLAN_CACHE_MODES: tuple[str, ...] = get_args(PlanCacheMode)


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _host_map(value: str | None) -> dict[str, str]:
    """Parse `host=Q31,host2=Q36` into a host -> SHA code map."""
    result: dict[str, str] = {}
    for part in (value or "").split(","):
        if "=" in part:
            host, code = part.split("=", 1)
            result[host.strip().lower()] = code.strip().upper()
    return result


@dataclass(frozen=True)
class Settings:
    """Everything configurable; see README "Configuration" for each variable."""

    database_url: str | None = None
    api_database_url: str | None = None
    data_dir: Path = PROJECT_ROOT / ".data"
    embedded_port: int = 54329
    owner_role: str = "cln_owner"
    api_role: str = "cln_api"
    api_role_password: str = "cln_api_dev_password"
    db_schema: str = "cln"
    tenancy_mode: TenancyMode = "postgres"
    # connections kept open per process: overflow ones (as many again) are closed after
    # each use, and opening one costs more than a request (measured, docs/benchmarks.md)
    pool_size: int = 20
    statement_timeout_ms: int = 5000
    # Generic plans: the API's statements run on partitioned tables under RLS, where a
    # custom plan is re-planned on every execution (0.2-0.5 ms each, measured); a
    # generic plan still prunes partitions when it starts (docs/benchmarks.md).
    plan_cache_mode: PlanCacheMode = "force_generic_plan"
    environment: str = "development"
    issuer: str = "http://127.0.0.1:8000"
    audience: str = "cln-graph"
    dev_tokens: bool = True
    host_map: dict[str, str] = field(default_factory=dict)
    graphiql: bool = True
    introspection: bool = True
    log_level: str = "INFO"
    log_json: bool = True
    # API contract limits (docs/api-contract.md)
    max_query_cost: int = 25_000
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    rate_limit_per_minute: int = 600
    rate_limit_burst: int = 120
    apq_cache_size: int = 2000
    # the code that bypasses strawberry's, graphql-core's and SQLAlchemy's public API
    # for speed (schema/fastpath/); off runs stock strawberry and SQLAlchemy
    fast_path: bool = True

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        environment = e.get("CLN_ENV", "development")
        production = environment == "production"
        plan_cache_mode = e.get("CLN_PLAN_CACHE_MODE", "force_generic_plan")
        if plan_cache_mode not in PLAN_CACHE_MODES:
            raise ValueError(f"CLN_PLAN_CACHE_MODE must be one of {', '.join(PLAN_CACHE_MODES)}")
        mode = e.get("CLN_TENANCY_MODE", "postgres")
        if mode not in ("postgres", "citus"):
            raise ValueError(f"CLN_TENANCY_MODE must be postgres or citus, not {mode!r}")
        return cls(
            database_url=e.get("DATABASE_URL") or None,
            api_database_url=e.get("API_DATABASE_URL") or None,
            data_dir=Path(e.get("CLN_DATA_DIR", str(PROJECT_ROOT / ".data"))),
            embedded_port=int(e.get("CLN_EMBEDDED_PORT", "54329")),
            owner_role=e.get("CLN_DB_OWNER_ROLE", "cln_owner"),
            api_role=e.get("CLN_DB_API_ROLE", "cln_api"),
            api_role_password=e.get("CLN_DB_API_PASSWORD", "cln_api_dev_password"),
            db_schema=e.get("CLN_DB_SCHEMA", "cln"),
            tenancy_mode=mode,  # type: ignore[arg-type]
            pool_size=int(e.get("CLN_DB_POOL_SIZE", "20")),
            statement_timeout_ms=int(e.get("CLN_STATEMENT_TIMEOUT_MS", "5000")),
            plan_cache_mode=plan_cache_mode,  # type: ignore[arg-type]
            environment=environment,
            issuer=e.get("CLN_ISSUER", "http://127.0.0.1:8000"),
            audience=e.get("CLN_AUDIENCE", "cln-graph"),
            dev_tokens=_bool(e.get("CLN_DEV_TOKENS"), not production),
            host_map=_host_map(e.get("CLN_SHA_HOSTS")),
            graphiql=_bool(e.get("CLN_GRAPHIQL"), not production),
            introspection=_bool(e.get("CLN_INTROSPECTION"), not production),
            log_level=e.get("CLN_LOG_LEVEL", "INFO"),
            log_json=_bool(e.get("CLN_LOG_JSON"), True),
            max_query_cost=int(e.get("CLN_MAX_QUERY_COST", "25000")),
            max_query_depth=int(e.get("CLN_MAX_QUERY_DEPTH", "12")),
            max_aliases=int(e.get("CLN_MAX_ALIASES", "30")),
            max_tokens=int(e.get("CLN_MAX_TOKENS", "5000")),
            rate_limit_per_minute=int(e.get("CLN_RATE_LIMIT_PER_MINUTE", "600")),
            rate_limit_burst=int(e.get("CLN_RATE_LIMIT_BURST", "120")),
            apq_cache_size=int(e.get("CLN_APQ_CACHE_SIZE", "2000")),
            fast_path=_bool(e.get("CLN_FAST_PATH"), True),
        )
