"""Alembic migrations. Tenant tables are registered through `tenants.partitions`."""
