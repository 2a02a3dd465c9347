"""The SHA registry as the API sees it: a short-lived in-process snapshot of `shas`.

Every request needs the status of each SHA to decide what the caller may see;
reading it per request would cost a round trip, so it is cached for a few
seconds and refreshed at once after a lifecycle change made by this process.
The same snapshot carries the host -> SHA map of the front ends (`sha_hosts`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


class RolloutStatus(StrEnum):
    PLANNED = "planned"
    PILOT = "pilot"
    LIVE = "live"
    SUSPENDED = "suspended"
    RETIRED = "retired"


@dataclass(frozen=True)
class ShaRecord:
    code: str
    name: str
    status: RolloutStatus
    status_changed_at: datetime | None


class ShaRegistry:
    """Snapshot of the registry with a time-to-live; safe to share across requests."""

    def __init__(
        self,
        engine: AsyncEngine,
        schema: str,
        ttl_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock  # seconds, never going back (a test passes its own)
        self.engine = engine
        self.schema = schema
        self.ttl_s = ttl_s
        self._records: dict[str, ShaRecord] = {}
        self._hosts: dict[str, str] = {}
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        self._loaded_at = 0.0

    @property
    def hosts(self) -> dict[str, str]:
        """Front-end host name -> SHA code, as of the last snapshot (see `sha_hosts`)."""
        return self._hosts

    async def snapshot(self) -> dict[str, ShaRecord]:
        if self.clock() - self._loaded_at < self.ttl_s:
            return self._records
        async with self._lock:
            if self.clock() - self._loaded_at < self.ttl_s:
                return self._records
            async with self.engine.connect() as conn:
                rows = (
                    await conn.execute(
                        text(
                            "/* cache:sha-registry */ SELECT code, name, status, status_changed_at,"
                            f" ARRAY(SELECT host FROM {self.schema}.sha_hosts h"
                            " WHERE h.sha_code = s.code) AS hosts"
                            f" FROM {self.schema}.shas s ORDER BY code"
                        )
                    )
                ).all()
                self._records = {
                    r.code: ShaRecord(r.code, r.name, RolloutStatus(r.status), r.status_changed_at)
                    for r in rows
                }
                self._hosts = {host: r.code for r in rows for host in r.hosts}
            self._loaded_at = self.clock()
        return self._records
