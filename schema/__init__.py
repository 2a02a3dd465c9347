"""Builds the one strawberry Schema from every domain package under `resolvers/`."""

from schema.build import build_schema

__all__ = ["build_schema"]
