"""Who may call the Escalator's fields (built from `auth.permissions.require_roles`).

* Recording and correcting assessments: members of the SHA (the assessor is a
  member), its SHA admins, platform admins.
* Policy areas and clinical engagement plans: SHA admins (the SHA's engagement team).
* The collation (distribution, trends, early-support flags): SHA admins and national
  leads, each over the SHAs of their scope.
"""

from __future__ import annotations

from auth.permissions import require_roles
from auth.principal import Role

CanAssess = require_roles(Role.MEMBER, Role.SHA_ADMIN, Role.PLATFORM_ADMIN)
CanManageEngagement = require_roles(Role.SHA_ADMIN, Role.PLATFORM_ADMIN)
CanCollate = require_roles(Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)
