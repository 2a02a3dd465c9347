"""Evaluation of issue 25: SHAs ranked per measure and month (the Choose and Book story
of the 2009 launch article, from the demo data), organisations with and without CLN
activity, corrections with history; corrections across tenants."""

from __future__ import annotations

from typing import Any

import pytest

from tests.develop_training.helpers import admin
from tests.develop_training.test_evaluation import record
from tests.factories import create_organisation
from tests.support import GraphQLClient, error_codes

RANKING = """
query($from: Date!, $to: Date!, $shas: [String!]) {
  impactRanking(measure: CHOOSE_AND_BOOK_UPTAKE, periodFrom: $from, periodTo: $to, shas: $shas) {
    periodStart ranks { shaCode mean organisations rank }
  }
}"""

WITH_WITHOUT = """
query { impactWithAndWithoutCln(measure: CHOOSE_AND_BOOK_UPTAKE, activityDate: "2008-06-01",
  months: 3) { group organisations beforeMean afterMean change } }"""

CORRECT = """
mutation($input: CorrectImpactMeasureInput!) {
  correctImpactMeasure(input: $input) {
    __typename
    ... on CorrectImpactMeasurePayload { measure { id value source
        corrections { oldValue newValue oldSource newSource reason } } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""


def place(period: dict[str, Any], sha: str) -> int:
    rank: int = next(r["rank"] for r in period["ranks"] if r["shaCode"] == sha)
    return rank


async def test_choose_and_book_north_west_fourth_then_first(gql: GraphQLClient) -> None:
    data = await gql.data(
        RANKING, {"from": "2008-01-01", "to": "2008-12-01"}, as_role=("national_lead", None)
    )
    by_month = {p["periodStart"]: p for p in data["impactRanking"]}
    assert len(by_month["2008-02-01"]["ranks"]) == 10
    assert place(by_month["2008-02-01"], "Q31") == 4
    assert place(by_month["2008-11-01"], "Q31") == 1
    ranks = [r["rank"] for r in by_month["2008-11-01"]["ranks"]]
    assert ranks == list(range(1, 11))
    # an SHA's own staff rank only what they may read: their own SHA
    own = await gql.data(
        RANKING, {"from": "2008-02-01", "to": "2008-02-01"}, as_role=("member", "Q31")
    )
    assert [[r["shaCode"] for r in p["ranks"]] for p in own["impactRanking"]] == [["Q31"]]
    body = await gql(
        RANKING,
        {"from": "2008-02-01", "to": "2008-02-01", "shas": ["Q36"]},
        as_role=("member", "Q31"),
    )
    assert error_codes(body) == ["FORBIDDEN"]
    backwards = await gql(
        RANKING, {"from": "2008-05-01", "to": "2008-01-01"}, as_role=("national_lead", None)
    )
    assert error_codes(backwards) == ["BAD_USER_INPUT"]


async def test_with_and_without_cln_groups_cover_every_organisation(gql: GraphQLClient) -> None:
    data = await gql.data(WITH_WITHOUT, as_role=("national_lead", None))
    groups = {g["group"]: g for g in data["impactWithAndWithoutCln"]}
    assert set(groups) == {"WITH_CLN", "WITHOUT_CLN"}
    total = sum(g["organisations"] for g in groups.values())
    assert total >= 10  # every demo PCT with values on both sides
    for g in groups.values():
        if g["organisations"]:
            assert abs(g["change"] - (g["afterMean"] - g["beforeMean"])) <= 0.011


async def test_corrections_keep_the_history(gql: GraphQLClient) -> None:
    org = await create_organisation(gql, "Q33")
    made = await record(gql, "Q33", org["id"], "2007-03-01", 7.5)
    mid = made["measure"]["id"]
    again = await record(gql, "Q33", org["id"], "2007-03-01", 75)
    assert again["__typename"] == "ConflictError"
    assert "correctImpactMeasure" in again["message"] and mid in again["message"]
    no_reason = await gql.data(
        CORRECT, {"input": {"id": mid, "value": 75, "reason": " "}}, as_role=admin("Q33")
    )
    assert no_reason["correctImpactMeasure"]["fields"][0]["field"] == "reason"
    fixed = await gql.data(
        CORRECT,
        {"input": {"id": mid, "value": 75, "reason": "keyed as 7.5 in the return"}},
        as_role=admin("Q33"),
    )
    measure = fixed["correctImpactMeasure"]["measure"]
    assert measure["value"] == 75.0
    await gql.data(
        CORRECT,
        {"input": {"id": mid, "source": "Choose and Book monthly (revised)", "reason": "revised"}},
        as_role=admin("Q33"),
    )
    seen = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on ImpactMeasure { value source"
        " corrections { oldValue newValue reason newSource } } } }",
        {"id": mid},
        as_role=("member", "Q33"),
    )
    assert seen["node"]["corrections"] == [
        {
            "oldValue": 7.5,
            "newValue": 75.0,
            "reason": "keyed as 7.5 in the return",
            "newSource": "Choose and Book monthly",
        },
        {
            "oldValue": 75.0,
            "newValue": 75.0,
            "reason": "revised",
            "newSource": "Choose and Book monthly (revised)",
        },
    ]
    # across tenants: another SHA's admin can neither correct nor read the history
    other = await gql.data(
        CORRECT, {"input": {"id": mid, "value": 1, "reason": "x"}}, as_role=admin("Q36")
    )
    assert other["correctImpactMeasure"]["__typename"] == "NotFoundError"
    hidden = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": mid}, as_role=admin("Q36")
    )
    assert hidden["node"] is None
    member = await gql(
        CORRECT, {"input": {"id": mid, "value": 1, "reason": "x"}}, as_role=("member", "Q33")
    )
    assert error_codes(member) == ["FORBIDDEN"]


async def test_organisations_with_cln_activity_do_better(gql: GraphQLClient) -> None:
    """The demo tells the story: PCTs with members in learning sets (seeded before the
    measures) gain more after the activity than PCTs the CLN has not reached yet. The
    SHAs where other tests record measures of their own (Q31, Q33) are left out."""
    shas = ["Q30", "Q32", "Q34", "Q35", "Q36", "Q37", "Q38", "Q39"]
    query = WITH_WITHOUT.replace("months: 3)", "months: 3, shas: $shas)").replace(
        "query {", "query($shas: [String!]) {"
    )
    data = await gql.data(query, {"shas": shas}, as_role=("national_lead", None))
    groups = {g["group"]: g for g in data["impactWithAndWithoutCln"]}
    with_cln, without = groups["WITH_CLN"], groups["WITHOUT_CLN"]
    assert with_cln["organisations"] > 0 and without["organisations"] > 0
    assert with_cln["change"] > without["change"] + 1.0, groups
    assert with_cln["afterMean"] > without["afterMean"], groups


def test_seed_modules_run_after_those_they_name() -> None:
    from clngraph.seed import seed_order

    order = seed_order({"evaluation": ("learning_sets",), "events": (), "learning_sets": ()})
    assert order == ["events", "learning_sets", "evaluation"]
    with pytest.raises(ValueError):
        seed_order({"a": ("b",), "b": ("a",)})
