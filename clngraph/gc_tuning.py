"""Garbage-collector settings for the serving process.

A request allocates tens of thousands of short-lived objects (GraphQL execution,
result rows), so CPython's default thresholds (700, 10, 10) run a young collection
every few hundred allocations and a full one every ~70,000; each full collection walks
every object the process holds, most of them the schema, SQLAlchemy's metadata and
compiled caches that live as long as the process. Profiling the directory page
showed a third of its CPU time in the collector (bench/README.md). So, once the app
has started: freeze what exists (the long-lived objects leave the collector's view)
and collect young objects less often. Reference counting still frees nearly
everything at once; only cycles wait for the collector.

Not too seldom either: a directory page leaves ~800 objects in cycles (DataLoader
futures and graphql-core's list completion), and a young generation of 50,000
took 25-75 ms to collect, every ~50 pages, which set the page's p99 (36-45 ms
in-process); at 10,000 the pauses are a few ms and p99 fell to 15-21 ms.
"""

from __future__ import annotations

import gc

THRESHOLDS = (10_000, 20, 100)


def tune_gc() -> None:
    """Collect now, move the survivors to the permanent generation, raise thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
