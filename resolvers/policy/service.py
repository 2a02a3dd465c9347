"""Consultation writes. Policy leads open and close; members respond once each and may
edit their response until the closing time (checked here and by a database trigger)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from resolvers.common.audit import record_audit, update_audited
from resolvers.common.context import Context
from resolvers.common.errors import (
    Conflict,
    FieldProblem,
    NotAllowed,
    NotFound,
    require,
)
from resolvers.common.mutation import ensure_writable
from resolvers.directory.service import parse_id, pick_sha
from resolvers.escalator.service import check_text
from resolvers.policy.loaders import consultation_visible
from resolvers.policy.tables import consultations, responses
from resolvers.policy.types import (
    Consultation,
    ConsultationReach,
    ConsultationResponse,
    ResponsePosition,
)

MAX_DAYS_OPEN = 366


class ConsultationClosed(Exception):
    """Mapped to `ConsultationClosedError` by the mutation."""

    def __init__(self, closed_at: dt.datetime) -> None:
        super().__init__(f"the consultation closed at {closed_at.isoformat()}")
        self.closed_at = closed_at


@dataclass
class NewConsultation:
    sha_code: str | None
    reach: ConsultationReach
    title: str
    description: str
    closes_at: dt.datetime
    policy_area: str | None = None


async def open_consultation(ctx: Context, new: NewConsultation) -> Consultation:
    sha = pick_sha(ctx, new.sha_code)
    ensure_writable(ctx, sha)
    problems = check_text(new.title, "title", 200) + check_text(
        new.description, "description", 8000
    )
    now = dt.datetime.now(dt.UTC)
    closes = new.closes_at if new.closes_at.tzinfo else new.closes_at.replace(tzinfo=dt.UTC)
    if closes <= now:
        problems.append(FieldProblem("closesAt", "must be in the future"))
    elif closes > now + dt.timedelta(days=MAX_DAYS_OPEN):
        problems.append(FieldProblem("closesAt", f"must be within {MAX_DAYS_OPEN} days"))
    require(problems)
    values = {
        "sha_code": sha,
        "reach": new.reach.value,
        "title": new.title.strip(),
        "description": new.description.strip(),
        "policy_area": new.policy_area.strip().upper() if new.policy_area else None,
        "opened_by": ctx.db.actor,
        "closes_at": closes,
    }
    row = await ctx.db.first(insert(consultations).values(**values).returning(*consultations.c))
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="policy.consultation.open",
        entity_type="Consultation",
        entity_id=str(row.id),
        detail={k: v for k, v in values.items() if k not in ("sha_code", "description")},
    )
    from resolvers.notifications.hooks import consultation_opened

    await consultation_opened(ctx, row)
    return Consultation.from_row(row)


async def _visible_consultation(ctx: Context, id: str, field: str) -> Any:
    gid = parse_id(id, "Consultation", field)
    if not ctx.scope.read:
        raise NotFound("Consultation", id)
    row = await ctx.db.first(
        select(consultations).where(
            consultations.c.sha_code == gid.sha_code,
            consultations.c.id == uuid.UUID(gid.key),
            consultation_visible(sorted(ctx.scope.read)),
        )
    )
    if row is None:
        raise NotFound("Consultation", id)
    return row


async def close_consultation(ctx: Context, id: str) -> Consultation:
    """Close now (the closing date moves to the present); only the hosting SHA may."""
    gid = parse_id(id, "Consultation", "id")
    ensure_writable(ctx, gid.sha_code)
    current = await _visible_consultation(ctx, id, "id")
    if current.closes_at <= dt.datetime.now(dt.UTC):
        raise ConsultationClosed(current.closes_at)
    row = await update_audited(
        ctx.db,
        consultations,
        sha_code=current.sha_code,
        key=current.id,
        values=dict(closes_at=func.now(), updated_at=func.now()),
        action="policy.consultation.close",
        entity_type="Consultation",
    )
    return Consultation.from_row(row)


def _respondent(ctx: Context) -> tuple[str, uuid.UUID]:
    principal = ctx.principal
    if principal is None or not principal.member_id or principal.home_sha is None:
        raise NotAllowed("only members with a member record may respond")
    try:
        return principal.home_sha, uuid.UUID(principal.member_id)
    except ValueError:
        raise NotAllowed("your token names no valid member") from None


def _ensure_open(consultation: Any) -> None:
    if consultation.closes_at <= dt.datetime.now(dt.UTC):
        raise ConsultationClosed(consultation.closes_at)


async def respond(
    ctx: Context, consultation_id: str, position: ResponsePosition, body: str
) -> ConsultationResponse:
    sha, member = _respondent(ctx)
    ensure_writable(ctx, sha)
    require(check_text(body, "body", 8000))
    consultation = await _visible_consultation(ctx, consultation_id, "consultationId")
    _ensure_open(consultation)
    existing = await ctx.db.scalar(
        select(responses.c.id).where(
            responses.c.sha_code == sha,
            responses.c.member_id == member,
            responses.c.consultation_sha == consultation.sha_code,
            responses.c.consultation_id == consultation.id,
        )
    )
    if existing is not None:
        raise Conflict("you have already responded; edit your response instead")
    row = await ctx.db.first(
        insert(responses)
        .values(
            sha_code=sha,
            consultation_sha=consultation.sha_code,
            consultation_id=consultation.id,
            member_id=member,
            position=position.value,
            body=body.strip(),
        )
        .returning(*responses.c)
    )
    assert row is not None
    await record_audit(
        ctx.db,
        sha_code=sha,
        action="policy.response.create",
        entity_type="ConsultationResponse",
        entity_id=str(row.id),
        detail={"consultation": str(consultation.id), "position": position.value},
    )
    return ConsultationResponse.from_row(row)


async def edit_response(
    ctx: Context, id: str, position: ResponsePosition | None, body: str | None
) -> ConsultationResponse:
    gid = parse_id(id, "ConsultationResponse", "id")
    sha, member = _respondent(ctx)
    if gid.sha_code != sha:
        raise NotFound("ConsultationResponse", id)
    ensure_writable(ctx, sha)
    require(check_text(body, "body", 8000))
    current = await ctx.db.first(
        select(responses).where(responses.c.sha_code == sha, responses.c.id == uuid.UUID(gid.key))
    )
    if current is None:
        raise NotFound("ConsultationResponse", id)
    if current.member_id != member:
        raise NotAllowed("you may edit only your own response")
    consultation = await ctx.db.first(
        select(consultations).where(
            consultations.c.sha_code == current.consultation_sha,
            consultations.c.id == current.consultation_id,
        )
    )
    if consultation is None:
        raise NotFound("Consultation", str(current.consultation_id))
    _ensure_open(consultation)
    values: dict[str, Any] = {"updated_at": func.now()}
    if position is not None:
        values["position"] = position.value
    if body is not None:
        values["body"] = body.strip()
    row = await update_audited(
        ctx.db,
        responses,
        sha_code=sha,
        key=current.id,
        values=values,
        action="policy.response.update",
        entity_type="ConsultationResponse",
        detail={k: v for k, v in values.items() if k in ("position",)},
    )
    return ConsultationResponse.from_row(row)
