"""docs/benchmarks.md: one generated section per run label, hand-written text kept.

A run replaces only the text between `<!-- bench:LABEL:begin -->` and
`<!-- bench:LABEL:end -->`, so the profile notes and earlier runs (e.g. a
`before` run next to an `after` run) stay in the page.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench import operations


@dataclass(frozen=True)
class Measurement:
    server: str
    op: str
    concurrency: int
    rps: float
    p50: float
    p99: float
    mean: float
    requests: int
    failed: int
    cpu_ms: float = 0.0  # the server process's CPU time per request
    db_cpu_ms: float = 0.0  # PostgreSQL's CPU time per request, all its processes
    round: int = 0  # which round of an interleaved run (`cln-graph bench --rounds`)


# Targets of issue 27, judged against the tuned peer (the tenant condition an expert
# front end sends): req/s at least the peer's on operations 1, 3, 4 and 5; every
# operation's mean latency within 1.5x the floor's (node_tools/bench/loadgen.mjs times every
# response to the microsecond). The RLS-only peer is shown, not judged.
PEER_TARGET = {"1": 1.0, "3": 1.0, "4": 1.0, "5": 1.0}
FLOOR_LATENCY_LIMIT = 1.5


@dataclass(frozen=True)
class Cell:
    """One server, operation and concurrency over every round: the median of each
    figure (a single sample on a shared machine is as likely an outlier as not), the
    samples themselves kept for ratios and ranges."""

    median: Measurement
    samples: tuple[Measurement, ...]

    @property
    def rounds(self) -> int:
        return len(self.samples)


_MEDIAN_FIELDS = ("rps", "p50", "p99", "mean", "cpu_ms", "db_cpu_ms")


def cell(ms: list[Measurement], server: str, op: str, c: int) -> Cell | None:
    samples = tuple(m for m in ms if (m.server, m.op, m.concurrency) == (server, op, c))
    if not samples:
        return None
    medians: dict[str, float] = {
        f: statistics.median(getattr(m, f) for m in samples) for f in _MEDIAN_FIELDS
    }
    median = replace(
        samples[0],
        requests=sum(m.requests for m in samples),
        failed=sum(m.failed for m in samples),
        **medians,  # type: ignore[arg-type]  # the float fields named in _MEDIAN_FIELDS
    )
    return Cell(median, samples)


def ratios(a: Cell, b: Cell, figure: Callable[[Measurement], float]) -> list[float]:
    """a/b for each round both were measured in: the two columns measured minutes apart,
    so drifts of the machine's speed between rounds cancel out."""
    of_b = {m.round: figure(m) for m in b.samples}
    return [figure(m) / of_b[m.round] for m in a.samples if of_b.get(m.round)]


def _ratio_text(values: list[float]) -> str:
    if not values:
        return "n/a"
    text = f"{statistics.median(values):.2f}"
    return f"{text} ({min(values):.2f}-{max(values):.2f})" if len(values) > 1 else text


def _rps_text(c: Cell) -> str:
    text = f"{c.median.rps:,.0f} req/s"
    if c.rounds > 1:
        low, high = (f(m.rps for m in c.samples) for f in (min, max))
        text += f" ({low:,.0f}-{high:,.0f})"
    return text


def _cell_text(c: Cell | None) -> str:
    if c is None:
        return "-"
    m = c.median
    failed = f" ({m.failed} failed)" if m.failed else ""
    cpu = f" · CPU {m.cpu_ms:.2f}+{m.db_cpu_ms:.2f}" if m.cpu_ms else ""
    return f"{_rps_text(c)} · p50 {m.p50:.1f} · p99 {m.p99:.1f}{cpu}{failed}"


def _verdicts(op: str, latency: list[float] | None, throughput: list[float] | None) -> list[str]:
    """The targets judged on the median of the rounds' ratios: ours/floor mean latency,
    ours/peer req/s."""
    verdicts = []
    if latency is not None:
        lat = statistics.median(latency) if latency else 0
        verdicts.append(
            f"latency ≤{FLOOR_LATENCY_LIMIT:g}x floor: "
            + ("met" if lat <= FLOOR_LATENCY_LIMIT else f"missed ({lat:.2f}x)")
        )
    if throughput is not None and op in PEER_TARGET:
        want = PEER_TARGET[op]
        got = statistics.median(throughput) if throughput else 0
        verdicts.append(
            f"req/s ≥{want:g}x peer: {'met' if got >= want else f'missed ({got:.2f}x)'}"
        )
    return verdicts


def table(ms: list[Measurement], options: Any) -> list[str]:
    lines = [
        "| operation | c | ours | floor | peer (PostGraphile, tuned) | peer, RLS only"
        " | ours/floor req/s | ours/peer req/s | ours/peer RLS-only req/s"
        " | ours/floor mean latency | targets |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for op in options.operations:
        for c in options.concurrency:
            ours, floor, peer, peer_rls = (
                cell(ms, s, op, c) for s in ("ours", "floor", "peer", "peer_rls")
            )
            to_floor = ratios(ours, floor, lambda m: m.rps) if ours and floor else None
            to_peer = ratios(ours, peer, lambda m: m.rps) if ours and peer else None
            to_rls = ratios(ours, peer_rls, lambda m: m.rps) if ours and peer_rls else None
            latency = ratios(ours, floor, lambda m: m.mean) if ours and floor else None
            lines.append(
                f"| {op}. {operations.op_name(op)} | {c} | {_cell_text(ours)} | {_cell_text(floor)}"
                f" | {_cell_text(peer)} | {_cell_text(peer_rls)}"
                + "".join(
                    f" | {'-' if r is None else _ratio_text(r)}"
                    for r in (to_floor, to_peer, to_rls, latency)
                )
                + f" | {'; '.join(_verdicts(op, latency, to_peer))} |"
            )
    return lines


def plan_lines(plans: list[Any]) -> list[str]:
    """The EXPLAIN check of the peer's operations (bench/honesty.py), one line each."""
    if not plans:
        return []
    names = {"peer": "tuned peer", "peer_rls": "peer, RLS only"}
    lines = [
        "Plan check before measuring (PostGraphile's own SQL, EXPLAIN ANALYZE on the"
        " request's connection and tenant context; the run stops if the tuned peer's"
        " plan lacks an index of its region):",
        "",
    ]
    lines += [
        f"- {names.get(v.column, v.column)}, operation {v.op}: "
        + ("" if v.unchecked else ("passed: " if v.passed else "FAILED: "))
        + v.summary()
        for v in plans
    ]
    return [*lines, ""]


def section(
    *,
    measurements: list[Measurement],
    options: Any,
    started: dt.datetime,
    commands: dict[str, str],
    versions: dict[str, str],
    machine: dict[str, str],
    rows: dict[str, int],
    load_time: float | None,
    problems: list[str],
    size: Any,
    embedded: bool,
    plans: list[Any] | None = None,
) -> list[str]:
    label = options.label or "latest"
    mode = "quick mode" if options.quick else "full run"
    lines = [
        f"### Run `{label}`: {started:%Y-%m-%d %H:%M} UTC ({mode})",
        "",
        f"- Dataset: scale {options.scale:g} = {size.organisations_per_sha} organisations and "
        f"{size.members_per_sha:,} members per SHA; "
        + ", ".join(f"{n:,} {t}" for t, n in rows.items())
        + (f"; generated with COPY in {load_time:.0f} s" if load_time else " (already loaded)")
        + f"; {'embedded PostgreSQL under .data/bench' if embedded else 'DATABASE_URL'}.",
        f"- Load: autocannon, {options.duration} s per cell after a {2} s warm-up, "
        f"concurrency {', '.join(map(str, options.concurrency))}; "
        "p50/p99 in ms, from each response's own time (not autocannon's whole-ms "
        "histogram, which truncates); the latency target uses the mean of the same times; "
        "CPU a+b: milliseconds of CPU per request of the server process (a) and of "
        "PostgreSQL (b, all its processes), from /proc over the same seconds."
        + (
            f" {options.rounds} rounds, interleaved (each round measures every operation"
            " on every server in turn); each figure is the median over the rounds, with"
            " the lowest and highest req/s in brackets; each ratio is the median of the"
            " rounds' own ratios (the two columns measured minutes apart), with its range."
            if options.rounds > 1
            else ""
        ),
        "- Machine: " + "; ".join(f"{k} {v}" for k, v in machine.items()) + ".",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "- Commands:",
    ]
    lines += [f"  - {name}: `{cmd}`" for name, cmd in commands.items()]
    lines += ["", *table(measurements, options), "", *plan_lines(plans or [])]
    if problems:
        lines += ["**Answers differ:** " + "; ".join(problems), ""]
    else:
        lines += [
            "All servers answered every operation with the same rows (checked before loading).",
            "",
        ]
    return lines


def write_report(path: Path, **kwargs: Any) -> None:
    options = kwargs["options"]
    replace_section(path, options.label or "latest", section(**kwargs))


def replace_section(path: Path, label: str, lines: list[str]) -> None:
    """Put `lines` between this label's markers in `path` (after `<!-- bench:runs -->`
    the first time), keeping everything else."""
    begin, end = f"<!-- bench:{label}:begin -->", f"<!-- bench:{label}:end -->"
    body = "\n".join([begin, *lines, end])
    text = path.read_text() if path.exists() else _skeleton()
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + body + tail
    else:
        marker = "<!-- bench:runs -->"
        text = (
            text.replace(marker, marker + "\n\n" + body)
            if marker in text
            else text + "\n" + body + "\n"
        )
    path.write_text(text)


def _skeleton() -> str:
    return (
        "# Benchmarks\n\n"
        "Generated by `cln-graph bench` (see bench/README.md); the text outside the\n"
        "generated sections is kept between runs.\n\n"
        "## Runs\n\n<!-- bench:runs -->\n"
    )
