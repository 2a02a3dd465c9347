"""Demo data: the rollups from the rows the domains seeded before (seed_domains runs the
domains in alphabetical order; `rollups` comes after every domain whose rows it counts)."""

from __future__ import annotations

import random

import asyncpg

from resolvers.rollups.rebuild import refill


async def seed(conn: asyncpg.Connection, rng: random.Random) -> None:
    await refill(conn)
