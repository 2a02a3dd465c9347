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


def _optional_int(value: str | None) -> int | None:
    """An integer, or None for an empty value (no limit)."""
    return None if value is None or value.strip() == "" else int(value)


def _host_map(value: str | None) -> dict[str, str]:
    """Parse `host=Q31,host2=Q36` into a host -> SHA code map."""
    result: dict[str, str] = {}
    for part in (value or "").split(","):
        if "=" in part:
            host, code = part.split("=", 1)
            result[host.strip().lower()] = code.strip().upper()
    return result


def _tracing_requested(e: os._Environ[str] | dict[str, str]) -> bool:
    """Traces are off unless the standard OTEL_* variables name an OTLP destination."""
    if _bool(e.get("OTEL_SDK_DISABLED"), False):
        return False
    exporter = (e.get("OTEL_TRACES_EXPORTER") or "").strip().lower()
    if exporter:
        return exporter != "none"
    return bool(e.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or e.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


# Retention periods by kind of record, in days (CLN_RETENTION_DAYS overrides any of
# them: `notifications=90,data_exports=30`). Enforced by `cln-graph enforce-retention`
# and the in-process jobs (resolvers/gdpr/retention.py).
DEFAULT_RETENTION_DAYS: dict[str, int] = {
    "notifications": 365,
    "data_exports": 30,
    "personal_data_reads": 6 * 365,
    "decided_requests": 2 * 365,
}


def _retention(value: str | None) -> dict[str, int]:
    periods = dict(DEFAULT_RETENTION_DAYS)
    for part in (value or "").split(","):
        if not part.strip():
            continue
        kind, _, days = part.partition("=")
        kind = kind.strip()
        if kind not in periods or not days.strip().isdigit():
            raise ValueError(f"CLN_RETENTION_DAYS: unknown kind or bad days in {part!r}")
        periods[kind] = int(days)
    return periods


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
    # citus mode only: the owner role logs in on the workers (Citus connects as the
    # current role); the coordinator keeps it in pg_dist_authinfo
    owner_role_password: str = "cln_owner_dev_password"
    db_schema: str = "cln"
    tenancy_mode: TenancyMode = "postgres"
    # shards per distributed table in citus mode (docs/scale-out.md: one per worker
    # slot is enough, since each SHA's rows sit in one shard of its own partition)
    citus_shard_count: int = 4
    # connections kept open per process: overflow ones (as many again) are closed after
    # each use, and opening one costs more than a request (measured, docs/benchmarks.md)
    pool_size: int = 20
    statement_timeout_ms: int = 5000
    # Generic plans: the API's statements run on partitioned tables under RLS, where a
    # custom plan is re-planned on every execution, at a cost comparable to running
    # it; a generic plan still prunes partitions when it starts (docs/benchmarks.md).
    plan_cache_mode: PlanCacheMode = "force_generic_plan"
    environment: str = "development"
    issuer: str = "http://127.0.0.1:8000"
    audience: str = "cln-graph"
    dev_tokens: bool = True
    host_map: dict[str, str] = field(default_factory=dict)
    graphiql: bool = True
    introspection: bool = True
    # Defaults of the per-SHA settings (each SHA may override them: sha_settings).
    # The 2009 launch article: 60-120 clinicians per SHA, working in sets.
    set_min_members: int = 6
    set_max_members: int = 120
    participation_target_min: int = 60
    participation_target_max: int = 120
    # Healthy Ambitions capped Yorkshire and the Humber at 30 leads, two per pathway:
    # the cap is that SHA's own setting; no cap by default.
    senior_lead_cap: int | None = None
    senior_leads_per_pathway: int | None = 2
    log_level: str = "INFO"
    log_json: bool = True
    # API contract limits (docs/api-contract.md)
    max_query_cost: int = 25_000
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_fields: int = 2000
    rate_limit_per_minute: int = 600
    rate_limit_burst: int = 120
    # callers with no token (the public portal), per client address, separate buckets
    public_rate_limit_per_minute: int = 120
    public_rate_limit_burst: int = 60
    apq_cache_size: int = 2000
    # request bodies over this are refused with 413 before the rest is read
    # (docs/operations.md)
    max_body_bytes: int = 1_048_576
    db_connect_timeout_s: float = 5.0
    # observability (docs/observability.md)
    metrics: bool = True
    metrics_token: str | None = None
    tracing: bool = False
    status_page: bool = True
    graphiql_assets: Path = PROJECT_ROOT / "node_tools" / "graphiql" / "node_modules"
    # notifications by e-mail (resolvers/notifications/mailer.py); no host: not sent
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "cln@nhs.example"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_s: float = 10.0
    email_max_attempts: int = 5
    email_backoff_s: float = 30.0
    # the in-process periodic jobs (mail delivery, exports, retention, reminders)
    jobs_interval_s: float = 60.0
    jobs_in_process: bool = True
    # GDPR: how long an export link works, and retention periods by kind (days)
    export_link_ttl_s: int = 7 * 24 * 3600
    retention_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_RETENTION_DAYS))
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
            owner_role_password=e.get("CLN_DB_OWNER_PASSWORD", "cln_owner_dev_password"),
            db_schema=e.get("CLN_DB_SCHEMA", "cln"),
            tenancy_mode=mode,  # type: ignore[arg-type]
            citus_shard_count=int(e.get("CLN_CITUS_SHARD_COUNT", "4")),
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
            max_fields=int(e.get("CLN_MAX_FIELDS", "2000")),
            rate_limit_per_minute=int(e.get("CLN_RATE_LIMIT_PER_MINUTE", "600")),
            rate_limit_burst=int(e.get("CLN_RATE_LIMIT_BURST", "120")),
            public_rate_limit_per_minute=int(e.get("CLN_PUBLIC_RATE_LIMIT_PER_MINUTE", "120")),
            public_rate_limit_burst=int(e.get("CLN_PUBLIC_RATE_LIMIT_BURST", "60")),
            apq_cache_size=int(e.get("CLN_APQ_CACHE_SIZE", "2000")),
            max_body_bytes=int(e.get("CLN_MAX_BODY_BYTES", "1048576")),
            db_connect_timeout_s=float(e.get("CLN_DB_CONNECT_TIMEOUT_S", "5")),
            metrics=_bool(e.get("CLN_METRICS"), True),
            metrics_token=e.get("CLN_METRICS_TOKEN") or None,
            tracing=_tracing_requested(e),
            status_page=_bool(e.get("CLN_STATUS_PAGE"), True),
            graphiql_assets=Path(
                e.get("CLN_GRAPHIQL_ASSETS")
                or str(PROJECT_ROOT / "node_tools" / "graphiql" / "node_modules")
            ),
            set_min_members=int(e.get("CLN_SET_MIN_MEMBERS", "6")),
            set_max_members=int(e.get("CLN_SET_MAX_MEMBERS", "120")),
            participation_target_min=int(e.get("CLN_SET_PARTICIPATION_MIN", "60")),
            participation_target_max=int(e.get("CLN_SET_PARTICIPATION_MAX", "120")),
            senior_lead_cap=_optional_int(e.get("CLN_SENIOR_LEAD_CAP")),
            senior_leads_per_pathway=_optional_int(e.get("CLN_SENIOR_LEADS_PER_PATHWAY", "2")),
            smtp_host=e.get("CLN_SMTP_HOST") or None,
            smtp_port=int(e.get("CLN_SMTP_PORT", "25")),
            smtp_from=e.get("CLN_SMTP_FROM", "cln@nhs.example"),
            smtp_starttls=_bool(e.get("CLN_SMTP_STARTTLS"), False),
            smtp_username=e.get("CLN_SMTP_USERNAME") or None,
            smtp_password=e.get("CLN_SMTP_PASSWORD") or None,
            smtp_timeout_s=float(e.get("CLN_SMTP_TIMEOUT_S", "10")),
            email_max_attempts=int(e.get("CLN_EMAIL_MAX_ATTEMPTS", "5")),
            email_backoff_s=float(e.get("CLN_EMAIL_BACKOFF_S", "30")),
            jobs_interval_s=float(e.get("CLN_JOBS_INTERVAL_S", "60")),
            jobs_in_process=_bool(e.get("CLN_JOBS_IN_PROCESS"), True),
            export_link_ttl_s=int(e.get("CLN_EXPORT_LINK_TTL_S", str(7 * 24 * 3600))),
            retention_days=_retention(e.get("CLN_RETENTION_DAYS")),
            fast_path=_bool(e.get("CLN_FAST_PATH"), True),
        )
