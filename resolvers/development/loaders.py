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


_MATCHES = text(
    f"""
    SELECT k.need_sha, k.need_code, p.*
    FROM unnest(CAST(:shas AS text[]), CAST(:codes AS text[])) AS k(need_sha, need_code)
    CROSS JOIN LATERAL (
        SELECT * FROM training_programmes p
        WHERE (p.sha_code = k.need_sha OR p.published_nationally)
          AND p.competency_codes @> ARRAY[k.need_code]
        ORDER BY (p.sha_code = k.need_sha) DESC, p.title, p.sha_code, p.id
        LIMIT {MATCHES_PER_NEED}
    ) p
    """
)


class MatchedProgrammesLoader(RequestLoader[tuple[str, str], list[TrainingProgramme]]):
    """Programmes developing a competency, own SHA first then national: one lateral join."""

    async def load_batch(self, keys: list[tuple[str, str]]) -> Sequence[list[TrainingProgramme]]:
        rows = await self.ctx.db.rows(
            _MATCHES, {"shas": [k[0] for k in keys], "codes": [k[1] for k in keys]}
        )
        grouped = group_by_columns(rows, "need_sha", "need_code")
        return [[TrainingProgramme.from_row(r) for r in grouped.get(k, [])] for k in keys]
