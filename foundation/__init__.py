"""The bottom layer: configuration and database plumbing (settings, engines and URLs,
embedded PostgreSQL, the request id). It imports nothing of the project, and every
other package may import it (tests/test_layers.py)."""
