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


class ScopePermission(BasePermission):
    """Partners need `scope`; staff pass (their reach is decided by role and region).

    Reads need no such class: schema/partner_access.py checks every partner operation
    against the scope areas of the types it selects (auth/areas.py). This is for a
    field that must demand a scope beyond its types' areas."""

    scope: ClassVar[str] = ""
    message = "Your token lacks the scope this field needs"

    def __init__(self) -> None:
        self.error_extensions = {"code": "FORBIDDEN", "scope": self.scope}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return not partner_lacks_scope(authenticated(info), self.scope)


def partner_lacks_scope(principal: Principal | None, scope: str) -> bool:
    """True for a partner whose token does not carry `scope` (for paths such as
    `node(id:)` where no field-level permission applies)."""
    return principal is not None and principal.kind == "partner" and scope not in principal.scopes


def HasScope(scope: str) -> type[BasePermission]:
    """A permission class that admits staff, and partners whose token carries `scope`."""
    name = "HasScope" + "".join(p.title() for p in scope.replace(":", "_").split("_"))
    return type(name, (ScopePermission,), {"scope": scope})
