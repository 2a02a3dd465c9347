"""Global ids (resolvers/common/ids.py): `encode_id` writes exactly what the base64
module writes for "Type:SHA:key" without padding, for every kind of key an id holds,
and `decode_id` reads it back."""

from __future__ import annotations

import base64
import random
import uuid

from asyncpg.pgproto.pgproto import UUID as AsyncpgUUID

from resolvers.common.ids import decode_id, encode_id

SHAS = [f"Q{n}" for n in range(30, 40)]
TYPES = ["Member", "Organisation", "Sha", "ForumThread", "EventRegistration"]


def _reference(type_name: str, sha_code: str, key: object) -> str:
    """The formula ids were first written with."""
    return base64.urlsafe_b64encode(f"{type_name}:{sha_code}:{key}".encode()).decode().rstrip("=")


def test_encode_id_is_the_base64_formula_for_uuid_keys() -> None:
    rng = random.Random(20240607)
    for _ in range(3000):
        raw = rng.randbytes(16)
        type_name, sha_code = rng.choice(TYPES), rng.choice(SHAS)
        for key in (uuid.UUID(bytes=raw), AsyncpgUUID(raw)):
            assert encode_id(type_name, sha_code, key) == _reference(type_name, sha_code, key)


def test_encode_id_is_the_base64_formula_for_text_and_int_keys() -> None:
    rng = random.Random(7)
    alphabet = "abcXYZ019:-_+/=?~ é€"  # bytes that base64 writes as + and /, non-ASCII
    for length in range(40):  # every padding: none, one and two '='
        for _ in range(20):
            key = "".join(rng.choice(alphabet) for _ in range(length))
            sha_code = rng.choice(SHAS)
            assert encode_id("Sha", sha_code, key) == _reference("Sha", sha_code, key)
    for key in (0, 7, -1, 2**70, True):
        assert encode_id("Member", "Q35", key) == _reference("Member", "Q35", key)
    assert encode_id("", "", "") == _reference("", "", "")


def test_an_encoded_id_decodes_to_its_parts() -> None:
    key = uuid.uuid4()
    gid = decode_id(encode_id("Member", "Q35", AsyncpgUUID(key.bytes)), "Member")
    assert (gid.type_name, gid.sha_code, gid.uuid) == ("Member", "Q35", key)
    assert gid.encode() == encode_id("Member", "Q35", key)
