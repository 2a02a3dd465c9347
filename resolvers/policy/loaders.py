"""DataLoaders of consultations and responses: one SQL statement per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_

from resolvers.common.loaders import RequestLoader, group_by_columns
from resolvers.directory.enums import Profession
from resolvers.directory.tables import members
from resolvers.policy.tables import consultations, responses
from resolvers.policy.types import (
    Consultation,
    ConsultationResponse,
    ResponsePosition,
    ResponseSummary,
    ResponseSummaryRow,
)

Key = tuple[str, uuid.UUID]


def consultation_visible(read: list[str]) -> Any:
    """Own SHAs' consultations, plus national ones (RLS says the same)."""
    return or_(consultations.c.sha_code.in_(read), consultations.c.published_nationally.is_(True))


class ConsultationByIdLoader(RequestLoader[Key, Consultation | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[Consultation | None]:
        c = consultations.c
        query = select(consultations).where(
            c.sha_code.in_(sorted({k[0] for k in keys})),
            tuple_(c.sha_code, c.id).in_(keys),
            consultation_visible(sorted(self.ctx.scope.read)),
        )
        found = {
            (r.sha_code, r.id): Consultation.from_row(r) for r in await self.ctx.db.rows(query)
        }
        return [found.get(k) for k in keys]


class ResponseByIdLoader(RequestLoader[Key, ConsultationResponse | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[ConsultationResponse | None]:
        r = responses.c
        query = select(responses).where(
            r.sha_code.in_(sorted({k[0] for k in keys})), tuple_(r.sha_code, r.id).in_(keys)
        )
        found = {
            (x.sha_code, x.id): ConsultationResponse.from_row(x)
            for x in await self.ctx.db.rows(query)
        }
        return [found.get(k) for k in keys]


class MyResponseLoader(RequestLoader[Key, ConsultationResponse | None]):
    """The caller's response to each consultation (the caller's member id and home SHA)."""

    async def load_batch(self, keys: list[Key]) -> Sequence[ConsultationResponse | None]:
        principal = self.ctx.principal
        if principal is None or not principal.member_id or principal.home_sha is None:
            return [None for _ in keys]
        try:
            member = uuid.UUID(principal.member_id)
        except ValueError:
            return [None for _ in keys]
        r = responses.c
        query = select(responses).where(
            r.sha_code == principal.home_sha,
            r.member_id == member,
            tuple_(r.consultation_sha, r.consultation_id).in_(keys),
        )
        found = {
            (x.consultation_sha, x.consultation_id): ConsultationResponse.from_row(x)
            for x in await self.ctx.db.rows(query)
        }
        return [found.get(k) for k in keys]


class SummaryLoader(RequestLoader[Key, ResponseSummary]):
    """Counts by respondent SHA, profession and position, over the SHAs the caller reads."""

    async def load_batch(self, keys: list[Key]) -> Sequence[ResponseSummary]:
        r, m = responses.c, members.c
        query = (
            select(
                r.consultation_sha,
                r.consultation_id,
                r.sha_code,
                m.profession,
                r.position,
                func.count().label("n"),
            )
            .join(members, and_(m.sha_code == r.sha_code, m.id == r.member_id))
            .where(
                r.sha_code.in_(sorted(self.ctx.scope.read)),
                tuple_(r.consultation_sha, r.consultation_id).in_(keys),
            )
            .group_by(r.consultation_sha, r.consultation_id, r.sha_code, m.profession, r.position)
            .order_by(r.sha_code, m.profession, r.position)
        )
        grouped = group_by_columns(
            await self.ctx.db.rows(query), "consultation_sha", "consultation_id"
        )
        found = []
        for key in keys:
            rows = [
                ResponseSummaryRow(
                    sha_code=x.sha_code,
                    profession=Profession(x.profession),
                    position=ResponsePosition(x.position),
                    count=x.n,
                )
                for x in grouped.get(key, [])
            ]
            found.append(ResponseSummary(total=sum(x.count for x in rows), rows=rows))
        return found
