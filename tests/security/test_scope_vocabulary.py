"""One vocabulary: every scope a field demands is grantable, the token endpoint knows
exactly those scopes, and docs/identity.md lists exactly them. A type (or a root
field) without a scope area, or a personal-looking field nobody classified, fails the
schema build."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import strawberry

from auth.areas import DOMAIN_AREAS, PERSONAL_FIELDS, MissingArea
from auth.oauth.scopes import SCOPES
from foundation.settings import PROJECT_ROOT
from schema import build_schema
from schema.partner_access import TypeAreas


def demanded_scopes() -> set[str]:
    graphql_schema = build_schema().graphql_schema
    areas = TypeAreas.of(graphql_schema)
    mutation = graphql_schema.mutation_type
    scopes = {a.read for a in areas.types.values() if a.read}
    for (root, _field), area in areas.root_fields.items():
        if mutation is not None and root == mutation.name:
            scopes |= {area.write} if area.write else set()
        elif area.read:
            scopes.add(area.read)
    scopes |= set(PERSONAL_FIELDS.values())
    return scopes


def documented_scopes() -> set[str]:
    text = (PROJECT_ROOT / "docs" / "identity.md").read_text()
    section = text.split("## Scope vocabulary", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z-]+:[a-z]+)` \|", section, flags=re.MULTILINE))


def test_every_demanded_scope_is_grantable_and_documented() -> None:
    assert demanded_scopes() == set(SCOPES)
    assert documented_scopes() == set(SCOPES)
    assert "national:read" in SCOPES and "directory:contact" in SCOPES


async def test_the_token_endpoint_grants_each_scope_of_the_vocabulary(
    http: httpx.AsyncClient, make_partner: Any
) -> None:
    metadata = (await http.get("/.well-known/oauth-authorization-server")).json()
    assert metadata["scopes_supported"] == sorted(SCOPES)
    partner = await make_partner(sorted(SCOPES), ["Q31"])
    from tests.identity.conftest import request_token

    for scope in sorted(SCOPES):
        response = await request_token(http, partner, scope)
        assert response.status_code == 200, (scope, response.text)
        assert response.json()["scope"] == scope
    unknown = await request_token(http, partner, "national:aggregates")
    assert unknown.json()["error"] == "invalid_scope"


def test_a_domain_without_an_area_fails_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(DOMAIN_AREAS, "events")
    with pytest.raises(MissingArea) as refused:
        build_schema()
    message = str(refused.value)
    assert "type Event (resolvers.events.types)" in message
    assert "field Query.events (resolvers.events.queries)" in message


@strawberry.type
class Contact:
    name: str
    mobile_phone: str


@strawberry.type
class OutsideQuery:
    @strawberry.field
    def contact(self) -> Contact:
        return Contact(name="x", mobile_phone="0")


def test_types_outside_the_tables_and_unclassified_personal_fields_fail() -> None:
    with pytest.raises(MissingArea) as refused:
        TypeAreas.of(strawberry.Schema(query=OutsideQuery)._schema)
    message = str(refused.value)
    assert "type Contact" in message
    assert "Contact.mobilePhone looks personal" in message
