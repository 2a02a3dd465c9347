"""The authorization server's endpoints refuse text PostgreSQL cannot store (a NUL, an
unpaired surrogate) and Basic credentials that are not UTF-8 at the door, as
`invalid_request` (400), or, in an unverified client assertion, as an unknown client
(401): each was a 500 when the client was looked up (issue 21: an internal error a
client's input can cause is a defect)."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.identity.conftest import basic

# a lone surrogate cannot arrive in a form: Starlette decodes the bytes of one (and any
# other invalid UTF-8) as U+FFFD; in JSON (a client assertion's claims) it can
HOSTILE = ["\u0000", "a\u0000b", "\u0000" * 3]


def form(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode()


async def post(http: httpx.AsyncClient, path: str, body: bytes, **headers: str) -> httpx.Response:
    return await http.post(
        path,
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded", **headers},
    )


async def test_unstorable_form_parameters_are_invalid_requests(
    http: httpx.AsyncClient, make_partner: Any
) -> None:
    partner = await make_partner(["directory:read"], ["Q35"])
    for hostile in HOSTILE:
        for fields in (
            {"grant_type": "client_credentials", "client_id": hostile, "client_secret": "x"},
            {
                "grant_type": "client_credentials",
                "client_id": partner.client_id,
                "client_secret": hostile,
            },
            {"grant_type": "client_credentials", "scope": hostile},
            {"grant_type": hostile},
            {hostile: "x", "grant_type": "client_credentials"},
        ):
            response = await post(
                http,
                "/oauth/token",
                form(fields),
                **basic(partner.client_id, partner.client_secret),
            )
            assert response.status_code == 400, (fields, response.text)
            assert response.json()["error"] == "invalid_request"
        # revocation and introspection by an authenticated client, of a hostile token
        for path in ("/oauth/revoke", "/oauth/introspect"):
            response = await post(
                http,
                path,
                form({"token": hostile}),
                **basic(partner.client_id, partner.client_secret),
            )
            assert response.status_code == 400, (path, response.text)


async def test_basic_credentials_that_cannot_be_stored_or_decoded_are_invalid_requests(
    http: httpx.AsyncClient,
) -> None:
    body = form({"grant_type": "client_credentials"})
    for raw in (b"\x00:\x00", b"id\x00:secret", b"\xff\xfe:secret", b"\xed\xa0\x80:x"):
        header = "Basic " + base64.b64encode(raw).decode()
        response = await post(http, "/oauth/token", body, authorization=header)
        assert response.status_code == 400, (raw, response.text)
        assert response.json()["error"] == "invalid_request"


def assertion(claims: dict[str, Any]) -> str:
    """An unsigned-looking compact JWS: only its unverified claims are read first."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'ES256'})}.{part(claims)}.{part({'s': 1})}"


async def test_an_assertion_naming_an_unstorable_client_is_an_unknown_client(
    http: httpx.AsyncClient,
) -> None:
    for claims in ({"sub": "\u0000", "jti": "j"}, {"sub": "c", "jti": "\ud800"}):
        fields = {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion(claims),
        }
        response = await post(http, "/oauth/token", form(fields))
        assert response.status_code in (400, 401), (claims, response.text)
        assert response.json()["error"] in ("invalid_client", "invalid_request")
