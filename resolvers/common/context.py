"""The typed per-request context that every resolver reads through `Info[Context, ...]`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as _Info

from auth.principal import Principal
from foundation.settings import Settings
from tenants.registry import ShaRecord, ShaRegistry
from tenants.scope import TenantScope
from tenants.transaction import TenantDB

L = TypeVar("L")


@dataclass
class Context:
    """Built once per HTTP request (or WebSocket connection) by the GraphQL view."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    settings: Settings
    engine: AsyncEngine
    registry: ShaRegistry
    shas: dict[str, ShaRecord]
    principal: Principal | None
    scope: TenantScope
    db: TenantDB
    request_id: str
    app_state: Any = None
    scope_error: Any = None
    # personal data an administrator read in this request: (member SHA, member id) ->
    # fields; written to the read audit after the operation (resolvers/privacy)
    personal_reads: dict[tuple[str, Any], set[str]] | None = None
    # whose contact details the caller sees, worked out on first use for its principal
    # (resolvers/directory/privacy.py)
    contact_reach: Any = None
    _loaders: dict[type, Any] = field(default_factory=dict)

    def release(self) -> None:
        """Drop the request's DataLoaders once the response is built. Each loader holds
        the context, so the request's whole object graph (loaders, their cached futures,
        every row object) is a reference cycle that only the garbage collector would
        free, in long pauses (docs/benchmarks.md). Clearing the caches here lets reference counting free them.
        A loader also holds its own bound `_load` as its batch function, a cycle that
        kept its last batch (tasks, futures, rows) for the collector: let go too."""
        for loader in self._loaders.values():
            loader.clear_all()
            loader.ctx = None
            loader.load_fn = _released
        self._loaders.clear()

    def loader(self, loader_class: type[L]) -> L:
        """The request's instance of a DataLoader class, created on first use."""
        found: Any = self._loaders.get(loader_class)
        if found is None:
            factory: Any = loader_class
            found = factory(self)
            self._loaders[loader_class] = found
        return found


async def _released(keys: list[Any]) -> list[Any]:
    raise RuntimeError("the request that owned this DataLoader has finished")


Info = _Info[Context, None]
