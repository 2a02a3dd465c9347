"""Which SHAs a request may read and write: the principal's reach, intersected with
the region the front end asked for.

National reach is a wider set, never a bypass: the result is always a finite list
of codes that the database policies check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from auth.principal import Principal, Role
from tenants.registry import RolloutStatus, ShaRecord

READABLE_BY_MEMBERS = {RolloutStatus.PILOT, RolloutStatus.LIVE, RolloutStatus.SUSPENDED}
WRITABLE = {RolloutStatus.PILOT, RolloutStatus.LIVE}
NATIONAL_READABLE = {
    RolloutStatus.PLANNED,
    RolloutStatus.PILOT,
    RolloutStatus.LIVE,
    RolloutStatus.SUSPENDED,
}


@dataclass(frozen=True)
class TenantScope:
    """The SHAs a request reads and writes; empty means no tenant data at all."""

    read: frozenset[str] = frozenset()
    write: frozenset[str] = frozenset()
    requested: frozenset[str] | None = None

    def narrowed(self, codes: Iterable[str]) -> TenantScope:
        wanted = frozenset(codes)
        return TenantScope(self.read & wanted, self.write & wanted, wanted)

    @property
    def read_list(self) -> list[str]:
        return sorted(self.read)


class RegionForbidden(Exception):
    """The caller asked for a region it may not see."""

    def __init__(self, codes: Iterable[str]) -> None:
        self.codes = sorted(codes)
        super().__init__(f"you may not access SHA {', '.join(self.codes)}")


def reach(principal: Principal | None, registry: Mapping[str, ShaRecord]) -> TenantScope:
    """Everything a principal may read and write, before any narrowing."""
    if principal is None:
        return TenantScope()
    status = {code: rec.status for code, rec in registry.items()}
    if principal.kind == "partner":
        granted = principal.granted_shas or frozenset()
        readable = {
            c for c in granted if status.get(c) in (RolloutStatus.PILOT, RolloutStatus.LIVE)
        }
        writable = readable if any(s.endswith(":write") for s in principal.scopes) else set()
        return TenantScope(frozenset(readable), frozenset(writable))
    if principal.is_national:
        read = {c for c, s in status.items() if s in NATIONAL_READABLE}
        write = {c for c, s in status.items() if s in WRITABLE}
        if principal.has_role(Role.PLATFORM_ADMIN):
            write |= {c for c, s in status.items() if s == RolloutStatus.PLANNED}
        return TenantScope(frozenset(read), frozenset(write))
    home = principal.home_sha
    if home is None or home not in status:
        return TenantScope()
    home_status = status[home]
    if home_status == RolloutStatus.PLANNED and principal.has_role(Role.SHA_ADMIN):
        return TenantScope(frozenset({home}), frozenset({home}))
    read = {home} if home_status in READABLE_BY_MEMBERS else set()
    write = {home} if home_status in WRITABLE else set()
    return TenantScope(frozenset(read), frozenset(write))


PUBLISHED = {RolloutStatus.PILOT, RolloutStatus.LIVE}


def public_reach(registry: Mapping[str, ShaRecord]) -> frozenset[str]:
    """The SHAs whose public content (portal, public events, national case studies)
    anyone may read with no token: the regions running the service (pilot and live);
    not planned, suspended or retired ones."""
    return frozenset(code for code, rec in registry.items() if rec.status in PUBLISHED)


def resolve_scope(
    principal: Principal | None,
    registry: Mapping[str, ShaRecord],
    requested: Iterable[str] | None,
) -> TenantScope:
    """The scope for one request; raises RegionForbidden for a region out of reach."""
    full = reach(principal, registry)
    if requested is None:
        return full
    wanted = frozenset(requested)
    if principal is None:
        # a visitor of a regional portal: no tenant data, the region kept for the
        # public fields (resolvers/portal/public.py), which read only its public content
        missing = wanted - public_reach(registry)
        if missing:
            raise RegionForbidden(missing)
        return TenantScope(requested=wanted)
    missing = wanted - full.read
    if missing:
        raise RegionForbidden(missing)
    return full.narrowed(wanted)
