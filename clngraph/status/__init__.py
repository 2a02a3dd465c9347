"""The national status page (docs/observability.md)."""
