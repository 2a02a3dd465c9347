"""The status page reads every list to the end, a page at a time, through the API's
GraphQL documents: with pages of one or a few items it draws exactly what it draws with
the usual page sizes, and it did ask for the further pages."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from graphql import parse

from clngraph.status import queries
from foundation.settings import Settings
from schema import build_schema
from schema.cost import operation_cost
from tests.connect_sets.conftest import create_event
from tests.support import GraphQLClient


async def main_html(http: httpx.AsyncClient, token: str, path: str = "/status") -> str:
    response = await http.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, re.findall(r"role=\"alert\">([^<]*)", response.text)
    found = re.search(r"<main>.*</main>", response.text, re.S)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize("role", ["national_lead", "sha_admin"])
async def test_small_pages_draw_the_same_page(
    role: str,
    http: httpx.AsyncClient,
    gql: GraphQLClient,
    make_token: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for title in ("Paged Congress one", "Paged Congress two"):  # two at least, national
        await create_event(
            gql,
            "Q31",
            role="national_lead",
            title=title,
            kind="CLINICAL_CONGRESS",
            capacity=9,
            isNational=True,
            ownership="NATIONAL",
        )
    token = make_token(role, "Q31" if role == "sha_admin" else None)
    usual = await main_html(http, token)
    assert "Paged Congress two" in usual

    documents: list[str] = []
    execute = queries.execute

    async def counted(view: Any, request: Any, document: str, variables: Any) -> Any:
        documents.append(re.search(r"query (\w+)", document).group(1))  # type: ignore[union-attr]
        return await execute(view, request, document, variables)

    monkeypatch.setattr(queries, "execute", counted)
    monkeypatch.setattr(queries, "SETS_PAGE", 2)
    monkeypatch.setattr(queries, "EVENTS_PAGE", 1)
    monkeypatch.setattr(queries, "MEETINGS_PAGE", 2)
    paged = await main_html(http, token)
    for more in ("StatusSetsMore", "StatusCongressMore", "StatusMeetingsMore"):
        assert more in documents, (more, sorted(set(documents)))
    assert paged == usual


def test_every_status_document_is_within_the_cost_limit(settings: Settings) -> None:
    schema = build_schema().graphql_schema
    documents = [
        queries.status_query(),
        queries.sha_query(),
        queries.sets_more(),
        queries.congress_more(),
        queries.meetings_query(queries.MEETING_BATCH),
        queries.meetings_more(),
    ]
    for document in documents:
        assert operation_cost(schema, parse(document)) <= settings.max_query_cost, document
