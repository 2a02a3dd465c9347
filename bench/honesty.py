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
MUTATIONS = ("5",)  # PostGraphile's explain reports the SQL of queries only
# A table this small PostgreSQL reads whole rather than through an index, and rightly:
# rows read by one scan node (returned plus removed by its filter, times its loops).
SMALL_READ = 1000
# "Index Scan Backward using members_q31_pkey on cln.members_q31 members" and the like
SCAN = re.compile(
    r"(?P<kind>Parallel Seq Scan|Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan)"
    r"(?: Backward)?(?: using \S+)? on (?:\S+\.)?(?P<relation>\S+)"
)
ACTUAL = re.compile(r"actual time=\S+ rows=(?P<rows>[\d.]+) loops=(?P<loops>\d+)")
REMOVED = re.compile(r"Rows Removed by (?:Filter|Index Recheck): (?P<n>\d+)")
PARTITION = re.compile(r"^(?P<table>[a-z_]+)_(?P<sha>[a-z][0-9]{2})$")


@dataclass
class PlanVerdict:
    """The plans of one operation of one peer column."""

    column: str
    op: str
    statements: int = 0
    index_scans: list[str] = field(default_factory=list)  # "members_q31 (Index Scan)"
    small_reads: list[str] = field(default_factory=list)  # tiny partitions read whole
    problems: list[str] = field(default_factory=list)
    unchecked: str | None = None  # why the operation could not be checked

    @property
    def passed(self) -> bool:
        return self.unchecked is not None or (self.statements > 0 and not self.problems)

    def summary(self) -> str:
        if self.unchecked:
            return f"not checked: {self.unchecked}"
        if self.problems:
            return "; ".join(sorted(set(self.problems)))
        scans = ", ".join(sorted(set(self.index_scans))) or "no table scan"
        text = f"index scans of the region only: {scans}"
        if self.small_reads:
            text += (
                f"; small partitions read whole (at most {SMALL_READ:,} rows each): "
                + ", ".join(sorted(set(self.small_reads)))
            )
        return text


@dataclass
class _Scan:
    kind: str
    relation: str
    executed: bool
    rows: float = 0.0
    loops: int = 1
    removed: int = 0

    @property
    def read(self) -> float:
        return (self.rows + self.removed) * self.loops  # EXPLAIN gives both per loop


def _scans(plan: str) -> list[_Scan]:
    """Scan nodes of an EXPLAIN ANALYZE text, each with the rows it read."""
    found: list[_Scan] = []
    for line in plan.splitlines():
        match = SCAN.search(line)
        if match:
            actual = ACTUAL.search(line)
            scan = _Scan(
                match["kind"],
                match["relation"],
                executed="never executed" not in line,
                rows=float(actual["rows"]) if actual else 0.0,
                loops=int(actual["loops"]) if actual else 1,
            )
            found.append(scan)
            continue
        if "->" in line:
            found.append(_Scan("other", "", executed=False))  # lines below are its own
            continue
        removed = REMOVED.search(line)
        if removed and found:
            found[-1].removed += int(removed["n"])
    return [s for s in found if s.kind != "other"]


def judge(plan: str, sha: str, verdict: PlanVerdict) -> None:
    """Add the scans of one EXPLAIN ANALYZE text to `verdict`."""
    for scan in _scans(plan):
        part = PARTITION.match(scan.relation)
        if part is None or not scan.executed:
            continue  # not a tenant partition (the SHA registry), or pruned at run time
        small = scan.read <= SMALL_READ
        if "Seq Scan" in scan.kind or part["sha"] != sha.lower():
            if small:
                verdict.small_reads.append(scan.relation)
            elif part["sha"] != sha.lower():
                verdict.problems.append(
                    f"reads {scan.relation}, a partition of another region ({scan.read:,.0f} rows)"
                )
            else:
                verdict.problems.append(
                    f"sequential scan of {scan.relation} ({scan.read:,.0f} rows)"
                )
        else:
            verdict.index_scans.append(f"{scan.relation} ({scan.kind})")


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
                if op in MUTATIONS:
                    verdict.unchecked = (
                        "a mutation (PostGraphile's explain covers queries); it reads"
                        " and writes the region's partitions by key"
                    )
                    verdicts.append(verdict)
                    continue
                body = operations.bodies(op, column, fixtures)[0]
                response = httpx.post(
                    base + server.graphql_path,
                    content=body,
                    headers={
                        "content-type": "application/json",
                        **operations.tenant_headers(op, fixtures),
                    },
                    timeout=300,  # a busy shared machine: the first request can wait long
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
