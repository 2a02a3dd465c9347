"""Public front-end settings: what an SHA's site needs before anyone signs in."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.common.context import Context, Info
from resolvers.common.errors import BadUserInput
from resolvers.directory.enums import ShaStatus
from resolvers.rollout.types import ShaFrontEnd
from tenants.codes import InvalidShaCode, validate_sha_code
from tenants.registry import RolloutStatus

PUBLIC_STATUSES = frozenset({RolloutStatus.PILOT, RolloutStatus.LIVE, RolloutStatus.SUSPENDED})


def host_index(ctx: Context) -> dict[str, str]:
    """host -> SHA: the registry's hosts, with the configured map as the fallback."""
    return {**ctx.settings.host_map, **ctx.registry.hosts}


def visible(ctx: Context, code: str) -> bool:
    """Public for pilot, live and suspended SHAs; planned ones only to those who prepare them."""
    record = ctx.shas.get(code)
    if record is None:
        return False
    return record.status in PUBLIC_STATUSES or code in ctx.scope.read


def front_end(ctx: Context, code: str, hosts: dict[str, str]) -> ShaFrontEnd:
    record = ctx.shas[code]
    return ShaFrontEnd(
        code=code,
        name=record.name,
        status=ShaStatus(record.status.value),
        host_names=sorted(h for h, c in hosts.items() if c == code),
    )


@strawberry.type
class Query:
    @strawberry.field(
        description="One SHA's public front-end settings, by host name or code (no token needed)."
    )
    def sha_front_end(
        self,
        info: Info,
        host: Annotated[
            str | None, strawberry.argument(description="A front end's host name.")
        ] = None,
        code: Annotated[str | None, strawberry.argument(description="An SHA code.")] = None,
    ) -> ShaFrontEnd | None:
        ctx = info.context
        if (host is None) == (code is None):
            raise BadUserInput("give exactly one of `host` or `code`", argument="host")
        hosts = host_index(ctx)
        if host is not None:
            found = hosts.get(host.strip().lower())
        else:
            try:
                found = validate_sha_code(code or "")
            except InvalidShaCode as exc:
                raise BadUserInput(str(exc), argument="code") from None
        if found is None or not visible(ctx, found):
            return None
        return front_end(ctx, found, hosts)

    @strawberry.field(description="Public front-end settings of every SHA that is open.")
    def sha_front_ends(self, info: Info) -> list[ShaFrontEnd]:
        ctx = info.context
        hosts = host_index(ctx)
        return [front_end(ctx, c, hosts) for c in sorted(ctx.shas) if visible(ctx, c)]
