"""Front-end settings by SHA: one statement per batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from resolvers.common.loaders import RequestLoader
from resolvers.rollout.tables import sha_settings


class SettingsByShaLoader(RequestLoader[str, Any]):
    async def load_batch(self, keys: list[str]) -> Sequence[Any]:
        rows = await self.ctx.db.rows(select(sha_settings).where(sha_settings.c.sha_code.in_(keys)))
        found = {r.sha_code: r for r in rows}
        return [found.get(k) for k in keys]
