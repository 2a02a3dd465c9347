"""Who may do what with consultations (strawberry permission classes).

* Policy leads are SHA admins (the SHA's policy team), national leads and platform
  admins. They open consultations, close them, and read responses and summaries.
* A NATIONAL consultation may be opened only by a national lead or platform admin;
  an SHA admin opens REGIONAL ones for its own SHA.
* Any member with a member record (token claim `cln_member_id`) may respond.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from auth.permissions import RolePermission, authenticated, require_roles
from auth.principal import NATIONAL_ROLES, Role

IsPolicyLead = require_roles(Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)
IsMember = require_roles(Role.MEMBER)


class CanOpenConsultation(RolePermission):
    """Policy leads; NATIONAL reach needs a national role."""

    roles = frozenset({Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN})
    message = "Only national leads open national consultations; SHA admins open regional ones"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if not super().has_permission(source, info, **kwargs):
            return False
        data = kwargs.get("input")
        reach = getattr(getattr(data, "reach", None), "value", None)
        if reach == "NATIONAL":
            return authenticated(info).has_role(*NATIONAL_ROLES)
        return True


__all__ = ["BasePermission", "CanOpenConsultation", "IsMember", "IsPolicyLead"]
