"""Before measuring: does each peer operation's plan use an index of its own region?

A peer handed a question PostgreSQL can only answer by scanning every partition RLS
lets through (the RLS-only spelling of the pages) measures the question, not the
engine. So the harness starts PostGraphile once more with explain on
(`servers.peer(..., explain=True)`), asks every regional operation (1, 3, 4, 5) and
reads, from each response, the SQL PostGraphile ran and PostgreSQL's EXPLAIN ANALYZE of
it, taken on the request's own connection with its tenant context. A plan passes when
every scan of a tenant partition is an index scan, and only of the region's partitions.
The tuned peer must pass (the run stops otherwise); the RLS-only spelling is checked
too, and its verdict printed in the report beside its column.

Operation 2 (the national dashboard) is left out: it reads every region by design,
and the peer's aggregates run inside SQL functions whose inner plans EXPLAIN does not
show.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import operations, servers
from clngraph.nodejs import NodeProject

REGIONAL_OPS = ("1", "3", "4", "5")
# "Index Scan Backward using members_q31_pkey on cln.members_q31 members" and the like
SCAN = re.compile(
    r"(?P<kind>Parallel Seq Scan|Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan)"
    r"(?: Backward)?(?: using \S+)? on (?:\S+\.)?(?P<relation>\S+)"
)
PARTITION = re.compile(r"^(?P<table>[a-z_]+)_(?P<sha>[a-z][0-9]{2})$")


@dataclass
class PlanVerdict:
    """The plans of one operation of one peer column."""

    column: str
    op: str
    statements: int = 0
    index_scans: list[str] = field(default_factory=list)  # "members_q31 (Index Scan)"
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.statements > 0 and not self.problems

    def summary(self) -> str:
        if not self.problems:
            scans = ", ".join(sorted(set(self.index_scans))) or "no table scan (insert)"
            return f"index scans of the region only: {scans}"
        return "; ".join(sorted(set(self.problems)))


def judge(plan: str, sha: str, verdict: PlanVerdict) -> None:
    """Add the scans of one EXPLAIN text to `verdict`."""
    for match in SCAN.finditer(plan):
        kind, relation = match["kind"], match["relation"]
        part = PARTITION.match(relation)
        if part is None:
            continue  # not a tenant partition (the SHA registry, a function scan)
        if part["sha"] != sha.lower():
            verdict.problems.append(f"reads {relation}, a partition of another region")
        elif "Seq Scan" in kind:
            verdict.problems.append(f"sequential scan of {relation}")
        else:
            verdict.index_scans.append(f"{relation} ({kind})")


def explained(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """(SQL, EXPLAIN text) of every statement a PostGraphile response reports."""
    ops = ((payload.get("extensions") or {}).get("explain") or {}).get("operations") or []
    return [(o.get("query", ""), o.get("explain") or "") for o in ops if o.get("type") == "sql"]


def check_plans(
    node: NodeProject,
    api_url: str,
    schema: str,
    fixtures: operations.Fixtures,
    ops: list[str],
    columns: list[str],
    log_dir: Path,
) -> list[PlanVerdict]:
    """Ask each peer column's regional operations once through an explaining peer."""
    server = servers.peer(node, api_url, schema, name="peer_explain", explain=True)
    verdicts = []
    with _running(server, log_dir) as base:
        for column in columns:
            for op in (o for o in ops if o in REGIONAL_OPS):
                verdict = PlanVerdict(column, op)
                body = operations.bodies(op, column, fixtures)[0]
                response = httpx.post(
                    base + server.graphql_path,
                    content=body,
                    headers={
                        "content-type": "application/json",
                        **operations.tenant_headers(op, fixtures),
                    },
                    timeout=60,
                )
                payload = response.json()
                if payload.get("errors"):
                    raise RuntimeError(f"{column} op {op}: {json.dumps(payload)[:500]}")
                for _sql, plan in explained(payload):
                    verdict.statements += 1
                    if not plan:
                        verdict.problems.append("PostGraphile returned no plan")
                    judge(plan, fixtures.sha, verdict)
                if verdict.statements == 0:
                    verdict.problems.append("no SQL reported (is explain on?)")
                verdicts.append(verdict)
    return verdicts


@contextlib.contextmanager
def _running(server: servers.Server, log_dir: Path) -> Iterator[str]:
    with servers.running(server, [], log_dir / f"{server.name}.log") as (base, _pid):
        yield base
