"""Who sees a member's contact details (e-mail, phone) and registration number.

The member herself, the SHA administrators of her SHA and national leads always do;
other members only when she opted in (`contact_visible`, default off); partners only
with the `directory:contact` scope. Every time an administrator or a national lead is
shown another member's personal data, the read is noted on the request context and
written to the read audit after the operation (resolvers/privacy/audit.py).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Any

from auth.principal import Principal, Role
from resolvers.common.ids import decode_id

CONTACT_SCOPE = "directory:contact"
ADMIN_ROLES = frozenset({Role.SHA_ADMIN, Role.PLATFORM_ADMIN})


@functools.lru_cache(maxsize=4096)
def member_uuid(value: str, sha_code: str) -> uuid.UUID | None:
    """A token's member claim (a uuid, or a Member global id of `sha_code`) as a key."""
    try:
        return uuid.UUID(value)
    except ValueError:
        pass
    try:
        gid = decode_id(value, "Member")
        return uuid.UUID(gid.key) if gid.sha_code == sha_code else None
    except Exception:
        return None


def own_member(principal: Principal | None) -> uuid.UUID | None:
    """The caller's own member id in her home SHA, when her token names one."""
    if principal is None or principal.kind != "user":
        return None
    if not principal.member_id or not principal.home_sha:
        return None
    return member_uuid(principal.member_id, principal.home_sha)


def administers(principal: Principal, sha_code: str) -> bool:
    """A national lead (or platform admin) anywhere, an SHA admin in her own SHA."""
    if principal.is_national:
        return True
    return bool(principal.roles & ADMIN_ROLES) and principal.home_sha == sha_code


@dataclass(frozen=True, slots=True)
class ContactReach:
    """Whose contact details one caller sees beyond those who opted in, worked out
    once per caller: a page shows hundreds of members."""

    principal: Principal  # whose reach this is
    partner: bool  # a partner: its scope alone decides, for every member
    scoped: bool  # a partner holding `directory:contact`
    own: tuple[str, uuid.UUID] | None  # the caller's own member, by (SHA, id)
    every_sha: bool  # a national lead or platform admin: every member, read noted
    admin_sha: str | None  # an SHA administrator: the members of her SHA, read noted


def contact_reach(principal: Principal) -> ContactReach:
    own = own_member(principal)
    return ContactReach(
        principal=principal,
        partner=principal.kind == "partner",
        scoped=CONTACT_SCOPE in principal.scopes,
        own=None if own is None or principal.home_sha is None else (principal.home_sha, own),
        every_sha=principal.is_national,
        admin_sha=principal.home_sha if principal.roles & ADMIN_ROLES else None,
    )


def note_read(ctx: Any, sha_code: str, member_db_id: Any, field: str) -> None:
    reads = ctx.personal_reads
    if reads is None:
        reads = ctx.personal_reads = {}
    reads.setdefault((sha_code, member_db_id), set()).add(field)


def may_see_contact(ctx: Any, member: Any, field: str) -> bool:
    principal: Principal | None = ctx.principal
    if principal is None:
        return False
    reach: ContactReach | None = ctx.contact_reach
    if reach is None or reach.principal is not principal:
        reach = ctx.contact_reach = contact_reach(principal)
    if reach.partner:
        return reach.scoped
    sha_code = member.sha_code
    if reach.own is not None and reach.own == (sha_code, member.db_id):
        return True
    if reach.every_sha or reach.admin_sha == sha_code:
        note_read(ctx, sha_code, member.db_id, field)
        return True
    return member.shares_contact is True
