"""The growth section and its plot (bench/growth_report.py) from measured points: one
row per page size and scale, memory and workers, and a PNG that is a real image."""

from __future__ import annotations

from pathlib import Path

from bench.growth import GrowthResult, Point, database_for
from bench.growth_report import lines, plot, write_growth


def result() -> GrowthResult:
    r = GrowthResult()
    r.pages = [Point("1", 1, n, n / 10, n / 12, n / 20, 2) for n in (10, 100, 500)]
    r.scales = [Point(op, s, None, s * 3, s * 2, 1.5, 2) for op in ("1", "2") for s in (0.1, 1)]
    r.memory = {
        "after_warmup_mb": 120,
        "peak_mb": 131,
        "end_mb": 128,
        "requests": 9000,
        "seconds": 60,
    }
    r.throughput = [(1, "1", 80), (2, "1", 130), (1, "4", 700), (2, "4", 1100)]
    return r


def test_the_section_lists_every_figure() -> None:
    text = "\n".join(lines(result(), scales=[0.1, 1], requests=200, duration=20))
    assert "| 1. directory page, 500 | 50.00 | 41.67 | 25.00 | 2 |" in text
    assert "| 2. national dashboard, 0.1 | 0.30 | 0.20 | 1.50 | 2 |" in text
    assert "RSS 120 MB after warm-up, peak 131 MB, 128 MB at the end" in text
    assert "| 4. node lookup | 700 req/s | 1,100 req/s |" in text


def test_the_plot_is_a_png_and_the_page_keeps_its_prose(tmp_path: Path) -> None:
    png = tmp_path / "growth.png"
    plot(result(), png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\nNotes.\n\n<!-- bench:runs -->\n")
    write_growth(page, result(), scales=[0.1, 1], requests=200, duration=20)
    write_growth(page, result(), scales=[0.1, 1], requests=200, duration=20)
    text = page.read_text()
    assert "Notes." in text and text.count("<!-- bench:growth:begin -->") == 1


def test_each_scale_has_its_own_database() -> None:
    assert database_for(1) == "cln_bench"
    assert database_for(0.1) == "cln_bench_s0_1"
    assert database_for(4) == "cln_bench_s4"
