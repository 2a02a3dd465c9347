"""Rollup tables of the national dashboard (migration 1300): written by the domain
services in their own transactions (`counts`), read by `resolvers/national`, rebuilt
from the live tables by `cln-graph rollups rebuild` (`rebuild`).

No GraphQL types of its own, and no imports of other domains, so every domain service
can call it without an import cycle."""
