"""Who may call the Escalator's fields (built from `auth.permissions.require_roles`).

* Recording and correcting assessments: the organisation's named Escalator lead
  (a member), its SHA admins, platform admins. Fields admit members; the service
  checks the lead (`resolvers.escalator.leads`).
* Policy areas, clinical engagement plans, naming leads: SHA admins.
* The collation (distribution, trends, early-support flags): whoever may record:
  SHA admins and national leads over the SHAs of their scope, Escalator leads over
  their home SHA.
"""

from __future__ import annotations

from auth.permissions import require_roles
from auth.principal import Role

CanAssess = require_roles(Role.MEMBER, Role.SHA_ADMIN, Role.PLATFORM_ADMIN)
CanManageEngagement = require_roles(Role.SHA_ADMIN, Role.PLATFORM_ADMIN)
CanCollate = require_roles(Role.MEMBER, Role.SHA_ADMIN, Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN)
