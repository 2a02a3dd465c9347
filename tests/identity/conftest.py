"""Fixtures for identity tests: the app with a real OIDC issuer (oauth2-mock-server
from npm) configured, partner organisations with clients and agreements created
through the service as an operator would, and OAuth helpers over real HTTP."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from sqlalchemy import text
from starlette.applications import Starlette

from auth.config import IdentityConfig, OidcIssuer
from auth.principal import Role
from clngraph.app import create_app
from clngraph.commands.identity import with_admin
from clngraph.nodejs import ensure_node_project
from foundation.embedded import free_port
from foundation.settings import Settings
from resolvers.identity import service

STAFF_AUDIENCE = "cln-graph-staff"
ROLE_MAP = {
    "R8000": Role.MEMBER,
    "R8001": Role.MODERATOR,
    "R8002": Role.SHA_ADMIN,
    "R9000": Role.NATIONAL_LEAD,
}


@dataclass
class OidcServer:
    process: subprocess.Popen[str]
    issuer: str

    def rotate(self) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("rotate\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline().strip()
        assert line.startswith("ROTATED "), line
        return line.split(" ", 1)[1]


@pytest.fixture(scope="session")
def oidc_server() -> Iterator[OidcServer]:
    project = ensure_node_project("identity")
    process = subprocess.Popen(
        [str(project.node), "oidc-server.mjs", str(free_port())],
        cwd=project.directory,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("READY "), line
        yield OidcServer(process, line.split(" ", 1)[1])
    finally:
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def identity_config(oidc_server: OidcServer) -> IdentityConfig:
    issuer = OidcIssuer(
        issuer=oidc_server.issuer,
        audience=STAFF_AUDIENCE,
        discovery_url=oidc_server.issuer + "/.well-known/openid-configuration",
        subject_claim="uid",
        role_map=ROLE_MAP,
    )
    return IdentityConfig(
        key_cache_s=0.0,
        lockout_threshold=3,
        jwks_min_refresh_s=3600.0,
        oidc_issuers=(issuer,),
    )


@pytest.fixture(scope="session")
async def app(
    admin_url: str, settings: Settings, identity_config: IdentityConfig
) -> AsyncIterator[Starlette]:
    """The app as the shared fixture builds it, plus the staff issuer under test."""
    application = create_app(settings, admin_url=admin_url, identity_config=identity_config)
    async with application.router.lifespan_context(application):
        yield application


@dataclass
class Partner:
    partner_id: str
    client_id: str
    client_secret: str
    agreement_id: str


@pytest.fixture
def make_partner(admin_url: str, settings: Settings) -> Any:
    """make_partner(scopes, shas, valid_until=...) -> a partner with one client and agreement."""

    async def _make(
        scopes: list[str],
        shas: list[str],
        *,
        valid_from: dt.datetime | None = None,
        valid_until: dt.datetime | None = None,
    ) -> Partner:
        now = dt.datetime.now(dt.UTC)

        async def act(db: Any) -> Partner:
            partner = await service.create_partner(
                db, f"Partner {uuid.uuid4().hex[:8]}", "ROYAL_COLLEGE"
            )
            client = await service.create_client(db, str(partner["id"]), "reporting")
            terms = service.AgreementTerms(
                reference="DSA-1",
                scopes=scopes,
                sha_codes=shas,
                valid_from=valid_from or now - dt.timedelta(days=1),
                valid_until=valid_until or now + dt.timedelta(days=30),
            )
            agreement = await service.create_agreement(db, str(partner["id"]), terms)
            return Partner(
                str(partner["id"]), client.client_id, client.client_secret, str(agreement["id"])
            )

        return await with_admin(admin_url, settings, act)

    return _make


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


async def request_token(
    http: httpx.AsyncClient, partner: Partner, scope: str | None = None, *, post: bool = False
) -> httpx.Response:
    form = {"grant_type": "client_credentials"}
    if scope is not None:
        form["scope"] = scope
    if post:
        form |= {"client_id": partner.client_id, "client_secret": partner.client_secret}
        return await http.post("/oauth/token", data=form)
    return await http.post(
        "/oauth/token", data=form, headers=basic(partner.client_id, partner.client_secret)
    )


@pytest.fixture
def partner_token(http: httpx.AsyncClient) -> Any:
    async def _token(partner: Partner, scope: str | None = None) -> str:
        response = await request_token(http, partner, scope)
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    return _token


@pytest.fixture
def current_signing_key(admin_url: str, settings: Settings) -> Any:
    """The service's real signing key, read as the operator, to craft bad tokens."""

    async def _key() -> ECKey:
        async def act(db: Any) -> ECKey:
            rows = await db.rows(
                text(
                    "SELECT private_jwk FROM oauth_signing_keys WHERE retired_at IS NULL"
                    " ORDER BY created_at DESC LIMIT 1"
                )
            )
            value = rows[0].private_jwk
            return ECKey.import_key(json.loads(value) if isinstance(value, str) else value)

        return await with_admin(admin_url, settings, act)

    return _key


def sign(key: Any, claims: dict[str, Any], **header: Any) -> str:
    head = {"alg": "ES256", "typ": "at+jwt", "kid": key.kid} | header
    return jwt.encode(head, claims, key, algorithms=[head["alg"]])


async def staff_token(
    server: OidcServer, claims: dict[str, Any], *, audience: str = STAFF_AUDIENCE
) -> str:
    """An access token from the real OIDC server, with CIS2-style claims."""
    async with httpx.AsyncClient() as client:
        response = await client.post(
            server.issuer + "/token",
            data={
                "grant_type": "client_credentials",
                "aud": audience,
                "scope": "openid",
                "claims": json.dumps(claims),
            },
        )
    response.raise_for_status()
    return str(response.json()["access_token"])
