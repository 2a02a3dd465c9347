"""Who is calling: the result of authentication, independent of how the token was issued."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    SHA_ADMIN = "sha_admin"
    NATIONAL_LEAD = "national_lead"
    PLATFORM_ADMIN = "platform_admin"


NATIONAL_ROLES = frozenset({Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN})


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    `home_sha` is set for staff of one region; `granted_shas` is set for partner
    clients, whose data-sharing agreement names the regions they may reach.
    """

    subject: str
    kind: str = "user"  # "user" or "partner"
    roles: frozenset[Role] = frozenset()
    home_sha: str | None = None
    member_id: str | None = None
    scopes: frozenset[str] = frozenset()
    granted_shas: frozenset[str] | None = None
    client_id: str | None = None
    token_id: str | None = None
    claims: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_national(self) -> bool:
        return bool(self.roles & NATIONAL_ROLES)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @property
    def audit_name(self) -> str:
        """How the principal is named in audit rows and logs (never a token)."""
        if self.kind == "partner":
            return f"partner:{self.client_id or self.subject}"
        return f"user:{self.subject}"
