"""The growth section of docs/benchmarks.md and its plot (bench/growth.py measures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import operations
from bench.report import replace_section


def _row(p: Any, first: str) -> str:
    return f"| {first} | {p.mean_ms:.2f} | {p.p50_ms:.2f} | {p.cpu_ms:.2f} | {p.statements} |"


def lines(result: Any, *, scales: list[float], requests: int, duration: int) -> list[str]:
    out = [
        "### How cost grows (`cln-graph bench --growth`)",
        "",
        f"In-process, one request at a time, {requests} requests a figure (the dashboard a"
        " tenth of that); latency in ms; CPU: this process's CPU per request (ms);"
        " statements: SQL statements one request sends. Scales measured: "
        + ", ".join(f"{s:g}" for s in sorted(scales))
        + ". Plot: [benchmarks-growth.png](benchmarks-growth.png).",
        "",
    ]
    if result.pages:
        out += [
            "**Against page size** (scale 1, `first:` 10, 100, 500):",
            "",
            "| operation, page | mean | p50 | CPU | statements |",
            "|---|---|---|---|---|",
        ]
        out += [_row(p, f"{p.op}. {operations.op_name(p.op)}, {p.page}") for p in result.pages]
        out.append("")
    if result.scales:
        out += [
            "**Against dataset scale** (scale 1 = 500,000 members):",
            "",
            "| operation, scale | mean | p50 | CPU | statements |",
            "|---|---|---|---|---|",
        ]
        ordered = sorted(result.scales, key=lambda p: (p.op, p.scale))
        out += [_row(p, f"{p.op}. {operations.op_name(p.op)}, {p.scale:g}") for p in ordered]
        out.append("")
    if result.memory:
        m = result.memory
        out += [
            f"**Memory of one worker under sustained load** (directory page, c=16,"
            f" {m['seconds']:.0f} s, {m['requests']:,.0f} requests): RSS"
            f" {m['after_warmup_mb']:.0f} MB after warm-up, peak {m['peak_mb']:.0f} MB,"
            f" {m['end_mb']:.0f} MB at the end.",
            "",
        ]
    if result.throughput:
        out += [
            f"**Throughput with 1 and 2 workers** (c=16, {duration} s a cell, unpinned:"
            " two workers need both cores, which the load generator and PostgreSQL share):",
            "",
            "| operation | 1 worker | 2 workers |",
            "|---|---|---|",
        ]
        for op in sorted({op for _, op, _ in result.throughput}):
            by = {w: rps for w, o, rps in result.throughput if o == op}
            out.append(
                f"| {op}. {operations.op_name(op)} | {by.get(1, 0):,.0f} req/s"
                f" | {by.get(2, 0):,.0f} req/s |"
            )
        out.append("")
    out += [f"- {n}" for n in result.notes]
    return out


def write_growth(path: Path, result: Any, **kwargs: Any) -> None:
    replace_section(path, "growth", lines(result, **kwargs))


def plot(result: Any, path: Path) -> None:
    """Mean latency against page size (left) and against scale (right), log axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for op in sorted({p.op for p in result.pages}):
        pts = sorted((p for p in result.pages if p.op == op), key=lambda p: p.page)
        left.plot(
            [p.page for p in pts],
            [p.mean_ms for p in pts],
            marker="o",
            label=f"{op}. {operations.op_name(op)}",
        )
    left.set(
        xscale="log",
        xlabel="page size (first:)",
        ylabel="mean latency (ms)",
        title="Against page size (scale 1)",
    )
    for op in sorted({p.op for p in result.scales}):
        pts = sorted((p for p in result.scales if p.op == op), key=lambda p: p.scale)
        right.plot(
            [p.scale for p in pts],
            [p.mean_ms for p in pts],
            marker="o",
            label=f"{op}. {operations.op_name(op)}",
        )
    right.set(
        xscale="log",
        yscale="log",
        xlabel="dataset scale (1 = 500,000 members)",
        ylabel="mean latency (ms)",
        title="Against dataset scale",
    )
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
