"""DataLoaders of shared leadership: one SQL statement per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, tuple_

from resolvers.common.loaders import RequestLoader, group_by_columns
from resolvers.common.sql import by_key
from resolvers.partnerships.tables import (
    declarations_of_interest,
    partnerships,
    senior_clinical_leads,
)
from resolvers.partnerships.types import DeclarationOfInterest, Partnership, SeniorClinicalLead

Key = tuple[str, uuid.UUID]
DECLARATIONS_PER_LEAD = 50


class PartnershipByIdLoader(RequestLoader[Key, Partnership | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[Partnership | None]:
        rows = await self.ctx.db.rows(*by_key(partnerships, keys))
        found = {(r.sha_code, r.id): Partnership.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class LeadByIdLoader(RequestLoader[Key, SeniorClinicalLead | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[SeniorClinicalLead | None]:
        rows = await self.ctx.db.rows(*by_key(senior_clinical_leads, keys))
        found = {(r.sha_code, r.id): SeniorClinicalLead.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class DeclarationByIdLoader(RequestLoader[Key, DeclarationOfInterest | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[DeclarationOfInterest | None]:
        rows = await self.ctx.db.rows(*by_key(declarations_of_interest, keys))
        found = {(r.sha_code, r.id): DeclarationOfInterest.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class DeclarationsByLeadLoader(RequestLoader[Key, list[DeclarationOfInterest]]):
    """The newest declarations of each lead: one windowed query for the whole batch."""

    async def load_batch(self, keys: list[Key]) -> Sequence[list[DeclarationOfInterest]]:
        d = declarations_of_interest.c
        ranked = (
            select(
                declarations_of_interest,
                func.row_number()
                .over(
                    partition_by=(d.sha_code, d.lead_id),
                    order_by=(d.declared_on.desc(), d.created_at.desc(), d.id),
                )
                .label("rank"),
            )
            .where(
                d.sha_code.in_(sorted({k[0] for k in keys})),
                tuple_(d.sha_code, d.lead_id).in_(keys),
            )
            .subquery()
        )
        query = (
            select(ranked)
            .where(ranked.c.rank <= DECLARATIONS_PER_LEAD)
            .order_by(ranked.c.sha_code, ranked.c.lead_id, ranked.c.rank)
        )
        grouped = group_by_columns(await self.ctx.db.rows(query), "sha_code", "lead_id")
        return [[DeclarationOfInterest.from_row(r) for r in grouped.get(k, [])] for k in keys]
