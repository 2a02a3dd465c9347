"""Benchmarks: dataset, floor app, harness (see bench/README.md)."""
