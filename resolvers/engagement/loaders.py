"""DataLoader of medical engagement scores: one SQL statement per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, tuple_

from resolvers.common.loaders import RequestLoader
from resolvers.engagement.tables import scores
from resolvers.engagement.types import MedicalEngagementScore

Key = tuple[str, uuid.UUID]


class ScoreByIdLoader(RequestLoader[Key, MedicalEngagementScore | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[MedicalEngagementScore | None]:
        shas = sorted({k[0] for k in keys})
        rows = await self.ctx.db.rows(
            select(scores).where(
                scores.c.sha_code.in_(shas), tuple_(scores.c.sha_code, scores.c.id).in_(keys)
            )
        )
        found = {(r.sha_code, r.id): MedicalEngagementScore.from_row(r) for r in rows}
        return [found.get(k) for k in keys]
