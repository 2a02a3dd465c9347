"""DataLoaders of leadership development: one SQL statement per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, text, tuple_

from resolvers.common.loaders import RequestLoader, group_by_columns
from resolvers.common.sql import by_key
from resolvers.development.tables import (
    competencies,
    competency_frameworks,
    self_assessment_scores,
    self_assessments,
    training_programmes,
    training_providers,
)
from resolvers.development.types import (
    Competency,
    CompetencyFramework,
    CompetencyScore,
    SelfAssessment,
    TrainingProgramme,
    TrainingProvider,
)

Key = tuple[str, uuid.UUID]
MATCHES_PER_NEED = 10


class FrameworkByCodeLoader(RequestLoader[str, CompetencyFramework | None]):
    async def load_batch(self, keys: list[str]) -> Sequence[CompetencyFramework | None]:
        rows = await self.ctx.db.rows(
            select(competency_frameworks).where(competency_frameworks.c.code.in_(keys))
        )
        found = {r.code: CompetencyFramework.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class CompetencyByCodeLoader(RequestLoader[str, Competency | None]):
    async def load_batch(self, keys: list[str]) -> Sequence[Competency | None]:
        rows = await self.ctx.db.rows(select(competencies).where(competencies.c.code.in_(keys)))
        found = {r.code: Competency.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class CompetenciesByFrameworkLoader(RequestLoader[str, list[Competency]]):
    async def load_batch(self, keys: list[str]) -> Sequence[list[Competency]]:
        rows = await self.ctx.db.rows(
            select(competencies)
            .where(competencies.c.framework_code.in_(keys))
            .order_by(competencies.c.framework_code, competencies.c.position)
        )
        grouped = group_by_columns(rows, "framework_code")
        return [[Competency.from_row(r) for r in grouped.get(k, [])] for k in keys]


class ProviderByIdLoader(RequestLoader[Key, TrainingProvider | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[TrainingProvider | None]:
        rows = await self.ctx.db.rows(*by_key(training_providers, keys))
        found = {(r.sha_code, r.id): TrainingProvider.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class TrainingProgrammeByIdLoader(RequestLoader[Key, TrainingProgramme | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[TrainingProgramme | None]:
        rows = await self.ctx.db.rows(*by_key(training_programmes, keys))
        found = {(r.sha_code, r.id): TrainingProgramme.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class SelfAssessmentByIdLoader(RequestLoader[Key, SelfAssessment | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[SelfAssessment | None]:
        rows = await self.ctx.db.rows(*by_key(self_assessments, keys))
        found = {(r.sha_code, r.id): SelfAssessment.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class ScoresByAssessmentLoader(RequestLoader[Key, list[CompetencyScore]]):
    async def load_batch(self, keys: list[Key]) -> Sequence[list[CompetencyScore]]:
        s = self_assessment_scores.c
        query = (
            select(self_assessment_scores)
            .join(competencies, competencies.c.code == s.competency_code)
            .where(
                s.sha_code.in_(sorted({k[0] for k in keys})),
                tuple_(s.sha_code, s.assessment_id).in_(keys),
            )
            .order_by(s.sha_code, s.assessment_id, competencies.c.position)
        )
        grouped = group_by_columns(await self.ctx.db.rows(query), "sha_code", "assessment_id")
        return [
            [
                CompetencyScore(competency_code=r.competency_code, score=r.score)
                for r in grouped.get(k, [])
            ]
            for k in keys
        ]


# Every programme that can match one of the batch's needs, in title order. The ranking
# per need (own SHA first) is done here rather than by a LIMIT in a lateral join, which
# Citus cannot push down to the shards.
_CANDIDATES = text(
    """
    SELECT p.* FROM training_programmes p
    WHERE (p.sha_code = ANY (CAST(:shas AS text[])) OR p.published_nationally)
      AND p.competency_codes && CAST(:codes AS text[])
    ORDER BY p.title, p.sha_code, p.id
    """
)


class MatchedProgrammesLoader(RequestLoader[tuple[str, str], list[TrainingProgramme]]):
    """Programmes developing a competency, own SHA first then national, by title."""

    async def load_batch(self, keys: list[tuple[str, str]]) -> Sequence[list[TrainingProgramme]]:
        rows = await self.ctx.db.rows(
            _CANDIDATES,
            {"shas": sorted({k[0] for k in keys}), "codes": sorted({k[1] for k in keys})},
        )
        programmes = [TrainingProgramme.from_row(r) for r in rows]
        return [_matches(programmes, sha, code) for sha, code in keys]


def _matches(programmes: list[TrainingProgramme], sha: str, code: str) -> list[TrainingProgramme]:
    """Those of `sha` or national that develop `code`: own SHA first, then title order
    (a stable sort keeps the database's order within each group)."""
    found = [
        p
        for p in programmes
        if (p.sha_code == sha or p.published_nationally) and code in p.competency_codes
    ]
    found.sort(key=lambda p: p.sha_code != sha)
    return found[:MATCHES_PER_NEED]
