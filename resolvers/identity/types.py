"""GraphQL types of partner organisations, clients and data-sharing agreements.
Not tenant data (an agreement spans SHAs), so no SHA-scoped node ids."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import strawberry


@strawberry.enum(description="What kind of body a partner organisation is.")
class PartnerKind(Enum):
    NHS_BODY = "NHS_BODY"
    ROYAL_COLLEGE = "ROYAL_COLLEGE"
    REGULATOR = "REGULATOR"
    LOCAL_AUTHORITY = "LOCAL_AUTHORITY"
    TRAINING_PROVIDER = "TRAINING_PROVIDER"
    OTHER = "OTHER"


@strawberry.type(
    description="An organisation outside the NHS regions that reaches the API by OAuth."
)
class PartnerOrganisation:
    id: strawberry.ID = strawberry.field(description="The partner's id.")
    name: str = strawberry.field(description="Unique name, e.g. `Royal College of Nursing`.")
    kind: PartnerKind = strawberry.field(description="What kind of body it is.")
    created_at: dt.datetime = strawberry.field(description="When it was registered.")

    @classmethod
    def from_row(cls, row: Any) -> PartnerOrganisation:
        return cls(
            id=strawberry.ID(str(row["id"])),
            name=row["name"],
            kind=PartnerKind(row["kind"]),
            created_at=row["created_at"],
        )


@strawberry.type(description="What a partner may reach, and for how long.")
class DataSharingAgreement:
    id: strawberry.ID = strawberry.field(description="The agreement's id.")
    partner_id: strawberry.ID = strawberry.field(description="The partner it binds.")
    reference: str = strawberry.field(description="The agreement's reference, unique per partner.")
    scopes: list[str] = strawberry.field(description="Scopes granted (see docs/identity.md).")
    sha_codes: list[str] = strawberry.field(description="SHAs the partner may reach.")
    valid_from: dt.datetime = strawberry.field(description="Start of validity.")
    valid_until: dt.datetime = strawberry.field(description="End of validity; access stops then.")
    withdrawn_at: dt.datetime | None = strawberry.field(
        description="When it was withdrawn; access stopped at once."
    )

    @classmethod
    def from_row(cls, row: Any) -> DataSharingAgreement:
        return cls(
            id=strawberry.ID(str(row["id"])),
            partner_id=strawberry.ID(str(row["partner_id"])),
            reference=row["reference"],
            scopes=list(row["scopes"]),
            sha_codes=list(row["sha_codes"]),
            valid_from=row["valid_from"],
            valid_until=row["valid_until"],
            withdrawn_at=row["withdrawn_at"],
        )


@strawberry.type(description="A client's credentials. The secret is shown this once only.")
class PartnerClientCredentials:
    client_id: str = strawberry.field(description="The OAuth client id.")
    client_secret: str = strawberry.field(
        description="The client secret; store it now: only its hash is kept."
    )
    partner_id: strawberry.ID = strawberry.field(description="The partner that owns the client.")
