"""Permission classes for fields and mutations (strawberry `BasePermission`).

Errors carry `extensions.code`: UNAUTHENTICATED when there is no caller, FORBIDDEN
when the caller lacks the role. Region checks are the database's job (RLS) plus the
tenant scope; these classes decide *who* may call a field at all. Instances are
shared by every request, so they keep no per-request state.
"""

from __future__ import annotations

from typing import Any, ClassVar

from graphql import GraphQLError
from strawberry.permission import BasePermission
from strawberry.types import Info

from auth.principal import Principal, Role


class NotAuthenticatedError(GraphQLError):
    def __init__(self) -> None:
        super().__init__("Authentication required", extensions={"code": "UNAUTHENTICATED"})


def authenticated(info: Info) -> Principal:
    principal: Principal | None = info.context.principal
    if principal is None:
        raise NotAuthenticatedError()
    return principal


class IsAuthenticated(BasePermission):
    message = "Authentication required"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        authenticated(info)
        return True


class RolePermission(BasePermission):
    """Admit users holding any of `roles`; subclasses set the roles."""

    roles: ClassVar[frozenset[Role]] = frozenset()
    message = "You do not have permission to do this"

    def __init__(self) -> None:
        self.error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = authenticated(info)
        return principal.kind == "user" and principal.has_role(*self.roles)


def require_roles(*roles: Role) -> type[BasePermission]:
    """A permission class that admits any of `roles`."""
    name = "Requires" + "Or".join(r.value.title().replace("_", "") for r in roles)
    return type(name, (RolePermission,), {"roles": frozenset(roles)})


IsShaAdmin = require_roles(Role.SHA_ADMIN, Role.PLATFORM_ADMIN)
IsModerator = require_roles(Role.MODERATOR, Role.SHA_ADMIN, Role.PLATFORM_ADMIN)
IsNationalLead = require_roles(Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)
IsPlatformAdmin = require_roles(Role.PLATFORM_ADMIN)
