"""GraphQL types of the core queries."""

from __future__ import annotations

import strawberry


@strawberry.type(description="Who the request acts as, and the regions it reaches.")
class Viewer:
    subject: str | None = strawberry.field(description="The token subject; null when anonymous.")
    kind: str | None = strawberry.field(description="user or partner; null when anonymous.")
    roles: list[str] = strawberry.field(description="Roles granted by the token.")
    home_sha: str | None = strawberry.field(description="The caller's own SHA, if regional.")
    readable_shas: list[str] = strawberry.field(description="SHA codes this request may read.")
    writable_shas: list[str] = strawberry.field(description="SHA codes this request may change.")
