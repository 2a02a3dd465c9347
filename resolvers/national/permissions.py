"""Who may see national aggregates: national leads, platform admins, and partners whose
data-sharing agreement grants the aggregate scope (for their granted SHAs only)."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from auth.areas import AREAS
from auth.permissions import authenticated
from auth.principal import Principal

AGGREGATE_SCOPE: str = AREAS["national"].read or "national:read"


def may_read_aggregates(principal: Principal) -> bool:
    if principal.kind == "partner":
        return AGGREGATE_SCOPE in principal.scopes
    return principal.is_national


class CanReadAggregates(BasePermission):
    message = "National aggregates need a national role or the national:read scope"

    def __init__(self) -> None:
        self.error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return may_read_aggregates(authenticated(info))
