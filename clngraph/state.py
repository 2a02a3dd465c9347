"""Typed lifespan state: what the app opens at startup and every request shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from auth.authenticator import Authenticator
from foundation.settings import Settings
from tenants.connections import PooledConnections
from tenants.registry import ShaRegistry


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    admin_url: str
    registry: ShaRegistry
    authenticator: Authenticator
    connections: PooledConnections  # the request transactions' (tenants/connections.py)
    extras: dict[str, Any] = field(default_factory=dict)
