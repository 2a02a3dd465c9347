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

History of the young threshold: a directory page used to leave ~800 objects in
reference cycles (its executor and its DataLoaders each held bound methods of
themselves), and a young generation of 50,000 then took 25-75 ms to collect, every
~50 pages, which set the page's p99; 10,000 kept the pauses to a few ms. A finished
request now leaves ~25 objects in cycles (tests/test_request_garbage.py), so a
collection finds little: at 16 requests at a time in-process, 50,000 ran one young
collection in ~1,000 requests where 10,000 ran 30-70, and the collector's CPU per
request fell from 0.1 ms (directory page) and 0.3 ms (wide page) to about nothing.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Collect now, move the survivors to the permanent generation, raise thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
