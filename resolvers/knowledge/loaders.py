"""DataLoader of case studies by key, applying the visibility rule (one statement)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, tuple_

from resolvers.common.loaders import RequestLoader
from resolvers.knowledge.tables import CASE_STUDY_COLUMNS, case_studies
from resolvers.knowledge.types import CaseStudy
from resolvers.knowledge.visibility import visible

Key = tuple[str, uuid.UUID]


class CaseStudyByIdLoader(RequestLoader[Key, CaseStudy | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[CaseStudy | None]:
        shas = sorted({k[0] for k in keys})
        c = case_studies.c
        query = select(*CASE_STUDY_COLUMNS).where(
            c.sha_code.in_(shas),
            tuple_(c.sha_code, c.id).in_(keys),
            visible(self.ctx, sorted(self.ctx.scope.read)),
        )
        found = {(r.sha_code, r.id): CaseStudy.from_row(r) for r in await self.ctx.db.rows(query)}
        return [found.get(k) for k in keys]
