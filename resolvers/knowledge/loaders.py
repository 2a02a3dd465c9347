"""DataLoader of case studies by key, applying the visibility rule (one statement)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, tuple_

from resolvers.common.loaders import RequestLoader
from resolvers.knowledge.tables import CASE_STUDY_COLUMNS, case_studies, contributors, versions
from resolvers.knowledge.types import CaseStudy, CaseStudyVersion
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


class ContributorsByCaseStudyLoader(RequestLoader[Key, list[uuid.UUID]]):
    async def load_batch(self, keys: list[Key]) -> Sequence[list[uuid.UUID]]:
        k = contributors.c
        rows = await self.ctx.db.rows(
            select(k.sha_code, k.case_study_id, k.member_id)
            .where(k.sha_code.in_(sorted({key[0] for key in keys})))
            .where(tuple_(k.sha_code, k.case_study_id).in_(keys))
            .order_by(k.added_at, k.member_id)
        )
        found: dict[Key, list[uuid.UUID]] = {key: [] for key in keys}
        for r in rows:
            found[(r.sha_code, r.case_study_id)].append(r.member_id)
        return [found[key] for key in keys]


class VersionsByCaseStudyLoader(RequestLoader[Key, list[CaseStudyVersion]]):
    async def load_batch(self, keys: list[Key]) -> Sequence[list[CaseStudyVersion]]:
        v = versions.c
        rows = await self.ctx.db.rows(
            select(versions)
            .where(v.sha_code.in_(sorted({key[0] for key in keys})))
            .where(tuple_(v.sha_code, v.case_study_id).in_(keys))
            .order_by(v.version.desc())
        )
        found: dict[Key, list[CaseStudyVersion]] = {key: [] for key in keys}
        for r in rows:
            found[(r.sha_code, r.case_study_id)].append(CaseStudyVersion.from_row(r))
        return [found[key] for key in keys]
