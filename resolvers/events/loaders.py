"""DataLoaders of events: one SQL statement per batch, whatever the batch size."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import String, Uuid

from resolvers.common.loaders import RequestLoader, group_by_columns
from resolvers.common.sql import by_key
from resolvers.events.tables import event_registrations, event_sessions, events
from resolvers.events.types import Event, EventRegistration, EventSession

Key = tuple[str, uuid.UUID]


class EventByIdLoader(RequestLoader[Key, Event | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[Event | None]:
        rows = await self.ctx.db.rows(*by_key(events, keys))
        found = {(r.sha_code, r.id): Event.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


class SessionsByEventLoader(RequestLoader[Key, list[EventSession]]):
    async def load_batch(self, keys: list[Key]) -> Sequence[list[EventSession]]:
        order = ("starts_at", "id")
        rows = await self.ctx.db.rows(
            *by_key(event_sessions, keys, key_col="event_id", order_by=order)
        )
        grouped = group_by_columns(rows, "sha_code", "event_id")
        return [[EventSession.from_row(r) for r in grouped.get(k, [])] for k in keys]


class RegistrationByIdLoader(RequestLoader[Key, EventRegistration | None]):
    async def load_batch(self, keys: list[Key]) -> Sequence[EventRegistration | None]:
        rows = await self.ctx.db.rows(*by_key(event_registrations, keys))
        found = {(r.sha_code, r.id): EventRegistration.from_row(r) for r in rows}
        return [found.get(k) for k in keys]


_POSITIONS = text(
    "SELECT r_sha, r_id, r_position FROM event_waitlist_positions(:shas, :ids)"
).bindparams(
    bindparam("shas", type_=ARRAY(String)),
    bindparam("ids", type_=ARRAY(Uuid)),
)


class WaitlistPositionLoader(RequestLoader[Key, int | None]):
    """Positions count every SHA's waiting registrations, which RLS hides from the
    caller: a SECURITY DEFINER function does only that counting."""

    async def load_batch(self, keys: list[Key]) -> Sequence[int | None]:
        rows = await self.ctx.db.rows(
            _POSITIONS, {"shas": [k[0] for k in keys], "ids": [k[1] for k in keys]}
        )
        found = {(r.r_sha, r.r_id): r.r_position for r in rows}
        return [found.get(k) for k in keys]
