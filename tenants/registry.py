"""The SHA registry as the API sees it: a short-lived in-process snapshot of `shas`.

Every request needs the status of each SHA to decide what the caller may see;
reading it per request would cost a round trip, so it is cached for a few
seconds and refreshed at once after a lifecycle change made by this process.
The same snapshot carries the host -> SHA map of the front ends (`sha_hosts`).

While the database is out of reach the last good snapshot keeps serving (region
resolution goes on; the request's own statements answer SERVICE_UNAVAILABLE), and a
refresh is tried again every `retry_s`. With no snapshot yet there is nothing to
fall back on: `DatabaseUnavailable`. A request never waits behind another's refresh
when a snapshot exists: it takes the one there is.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from foundation.availability import DatabaseUnavailable, is_unavailable
from tenants.to_the_end import run_to_the_end

log = logging.getLogger(__name__)


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
        retry_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock  # seconds, never going back (a test passes its own)
        self.engine = engine
        self.schema = schema
        self.ttl_s = ttl_s
        self.retry_s = retry_s
        self._records: dict[str, ShaRecord] = {}
        self._hosts: dict[str, str] = {}
        self._loaded = False
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
        if self._loaded and self._lock.locked():
            return self._records  # another request is refreshing it
        async with self._lock:
            if self.clock() - self._loaded_at < self.ttl_s:
                return self._records
            try:
                # to its end even if this request is cancelled: the next one uses it
                await run_to_the_end(self._load())
            except Exception as error:
                if not is_unavailable(error):
                    raise
                if not self._loaded:
                    raise DatabaseUnavailable("the SHA registry cannot be read") from error
                log.warning("SHA registry unreachable; serving the last good snapshot")
                # try again in retry_s, not on every request
                self._loaded_at = self.clock() - self.ttl_s + self.retry_s
        return self._records

    async def _load(self) -> None:
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
        self._loaded = True
        self._loaded_at = self.clock()
