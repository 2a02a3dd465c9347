"""Global ids: `base64url("Type:SHA:key")`. The SHA is part of the id so that a node
lookup names its partition, and so an id from another region is refused before SQL."""

from __future__ import annotations

import base64
import binascii
import uuid as uuid_module
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry

from resolvers.common.errors import BadUserInput
from tenants.codes import InvalidShaCode, validate_sha_code


def id_argument(what: str) -> Any:
    """A described argument holding the global id of one kind of object."""
    return strawberry.argument(description=f"The {what}'s global id.")


MemberIdArg = Annotated[strawberry.ID, id_argument("member")]


@dataclass(frozen=True)
class GlobalId:
    type_name: str
    sha_code: str
    key: str

    def encode(self) -> str:
        return encode_id(self.type_name, self.sha_code, self.key)

    @property
    def uuid(self) -> uuid_module.UUID:
        """The row key of a uuid-keyed type; a malformed one is BAD_USER_INPUT."""
        try:
            return uuid_module.UUID(self.key)
        except ValueError:
            raise BadUserInput(f"{self.encode()!r} is not a valid id", argument="id") from None

    @property
    def row_key(self) -> tuple[str, uuid_module.UUID]:
        """`(sha_code, id)`: the primary key of a tenant row and its DataLoader key."""
        return self.sha_code, self.uuid


def encode_id(type_name: str, sha_code: str, key: object) -> str:
    """`base64url("Type:SHA:key")`, without its padding."""
    raw = f"{type_name}:{sha_code}:{key}".encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_id(value: str, expected_type: str | None = None) -> GlobalId:
    """Decode a global id, raising BAD_USER_INPUT for anything malformed."""
    try:
        padded = value + "=" * (-len(value) % 4)
        type_name, sha_code, key = base64.urlsafe_b64decode(padded).decode().split(":", 2)
        sha_code = validate_sha_code(sha_code)
    except (binascii.Error, UnicodeDecodeError, ValueError, InvalidShaCode):
        raise BadUserInput(f"{value!r} is not a valid id", argument="id") from None
    if expected_type is not None and type_name != expected_type:
        raise BadUserInput(f"id {value!r} is not a {expected_type} id", argument="id")
    return GlobalId(type_name, sha_code, key)
