"""Garbage-collector settings for the serving process.

A request allocates tens of thousands of short-lived objects (GraphQL execution,
result rows), so CPython's default thresholds (700, 10, 10) run a young collection
every few hundred allocations and a full one every ~70,000; each full collection walks
every object the process holds, most of them the schema, SQLAlchemy's metadata and
compiled caches that live as long as the process. Profiling the directory page
showed much of its CPU time in the collector (docs/benchmarks.md, round 3). So, once the app
has started: freeze what exists (the long-lived objects leave the collector's view)
and collect young objects less often. Reference counting still frees nearly
everything at once; only cycles wait for the collector.

History of the young threshold: a directory page used to leave hundreds of objects
in reference cycles (its executor and its DataLoaders each held bound methods of
themselves), and collecting a large young generation then paused long enough to set
the page's p99, so the threshold was lowered. A finished request now leaves few
objects in cycles (tests/test_request_garbage.py), so a collection finds little, and
the larger threshold runs far fewer collections for about none of the CPU
(docs/benchmarks.md, round 10, "The young generation back to 50,000").
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Collect now, move the survivors to the permanent generation, raise thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
