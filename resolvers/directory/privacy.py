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


def is_self(principal: Principal | None, sha_code: str, member_db_id: Any) -> bool:
    return (
        principal is not None
        and principal.home_sha == sha_code
        and own_member(principal) == member_db_id
    )


def administers(principal: Principal, sha_code: str) -> bool:
    """A national lead (or platform admin) anywhere, an SHA admin in her own SHA."""
    if principal.is_national:
        return True
    return bool(principal.roles & ADMIN_ROLES) and principal.home_sha == sha_code


def note_read(ctx: Any, sha_code: str, member_db_id: Any, field: str) -> None:
    reads = ctx.personal_reads
    if reads is None:
        reads = ctx.personal_reads = {}
    reads.setdefault((sha_code, member_db_id), set()).add(field)


def may_see_contact(ctx: Any, member: Any, field: str) -> bool:
    principal: Principal | None = ctx.principal
    if principal is None:
        return False
    if principal.kind == "partner":
        return CONTACT_SCOPE in principal.scopes
    if is_self(principal, member.sha_code, member.db_id):
        return True
    if administers(principal, member.sha_code):
        note_read(ctx, member.sha_code, member.db_id, field)
        return True
    return member.shares_contact is True
