"""Learning sets of issue 25: 60-120 clinicians per SHA (a target reported per SHA),
set size rules as each SHA's settings, and the settings table across tenants."""

from __future__ import annotations

from typing import Any

from foundation.settings import Settings
from tests.connect_sets.conftest import add_members, create_set, insert_members
from tests.support import GraphQLClient, error_codes

PARTICIPATION = """
query($shas: [String!]) {
  learningSetParticipation(shas: $shas) {
    shaCode participants activeSets targetMin targetMax status
  }
}"""

SETTINGS = """
mutation($input: UpdateShaRulesInput!) {
  updateShaRules(input: $input) {
    __typename
    ... on ShaRulesPayload { rules { shaCode setMinMembers setMaxMembers
        participationTargetMin participationTargetMax overridden } }
    ... on ValidationError { fields { field message } }
    ... on UserError { code message }
  }
}"""

SIZE = """query($id: ID!) { learningSet(id: $id) { memberCount size } }"""


async def change(gql: GraphQLClient, sha: str, **values: Any) -> dict[str, Any]:
    data = await gql.data(
        SETTINGS, {"input": {"shaCode": sha, **values}}, as_role=("sha_admin", sha)
    )
    result: dict[str, Any] = data["updateShaRules"]
    return result


async def test_participation_is_counted_per_sha_against_its_target(
    gql: GraphQLClient, admin_url: str, settings: Settings
) -> None:
    sha = "Q35"
    before = (await gql.data(PARTICIPATION, {"shas": [sha]}, as_role=("member", sha)))[
        "learningSetParticipation"
    ]
    [row] = before
    assert (row["targetMin"], row["targetMax"]) == (60, 120)
    one = await create_set(gql, sha, name="Stroke pathway set")
    two = await create_set(gql, sha, name="Maternity set")
    people = await insert_members(admin_url, settings.db_schema, sha, 8)
    await add_members(gql, sha, one["id"], people[:5])
    await add_members(gql, sha, two["id"], people[3:8])  # two people in both sets
    [after] = (await gql.data(PARTICIPATION, {"shas": [sha]}, as_role=("member", sha)))[
        "learningSetParticipation"
    ]
    assert after["participants"] == row["participants"] + 8
    assert after["activeSets"] == row["activeSets"] + 2
    expected = (
        "BELOW_TARGET"
        if after["participants"] < 60
        else "ON_TARGET"
        if after["participants"] <= 120
        else "ABOVE_TARGET"
    )
    assert after["status"] == expected
    # the SHA sets its own target
    try:
        changed = await change(
            gql,
            sha,
            participationTargetMin=after["participants"] - 1,
            participationTargetMax=after["participants"] + 1,
        )
        assert changed["rules"]["overridden"] == [
            "participationTargetMax",
            "participationTargetMin",
        ]
        [now] = (await gql.data(PARTICIPATION, {"shas": [sha]}, as_role=("member", sha)))[
            "learningSetParticipation"
        ]
        assert now["status"] == "ON_TARGET"
        await change(
            gql,
            sha,
            participationTargetMin=after["participants"] + 1,
            participationTargetMax=after["participants"] + 5,
        )
        [below] = (await gql.data(PARTICIPATION, {"shas": [sha]}, as_role=("member", sha)))[
            "learningSetParticipation"
        ]
        assert below["status"] == "BELOW_TARGET"
    finally:
        await change(gql, sha, participationTargetMin=None, participationTargetMax=None)


async def test_set_size_rules_are_the_shas_settings(
    gql: GraphQLClient, admin_url: str, settings: Settings
) -> None:
    sha = "Q37"
    lset = await create_set(gql, sha, name="Urgent care set")
    people = await insert_members(admin_url, settings.db_schema, sha, 5)
    await add_members(gql, sha, lset["id"], people[:3])
    size = await gql.data(SIZE, {"id": lset["id"]}, as_role=("member", sha))
    assert size["learningSet"] == {"memberCount": 3, "size": "BELOW_MINIMUM"}  # default 6
    try:
        await change(gql, sha, setMinMembers=2, setMaxMembers=4)
        size = await gql.data(SIZE, {"id": lset["id"]}, as_role=("member", sha))
        assert size["learningSet"]["size"] == "WITHIN_RANGE"
        full = await add_members(gql, sha, lset["id"], people[3:5])
        assert full["__typename"] == "LearningSetFullError"
        assert (full["maximum"], full["current"], full["requested"]) == (4, 3, 2)
        assert "updateShaRules" in full["message"]
        ok = await add_members(gql, sha, lset["id"], people[3:4])
        assert ok["learningSet"]["size"] == "FULL"
    finally:
        await change(gql, sha, setMinMembers=None, setMaxMembers=None)


async def test_cross_tenant_sha_rules(gql: GraphQLClient) -> None:
    body = await gql('{ shaRules(shas: ["Q35"]) { shaCode } }', as_role=("member", "Q31"))
    assert error_codes(body) == ["FORBIDDEN"]
    mine = await gql.data("{ shaRules { shaCode } }", as_role=("member", "Q31"))
    assert [s["shaCode"] for s in mine["shaRules"]] == ["Q31"]
    theirs = await gql.data(
        SETTINGS, {"input": {"shaCode": "Q35", "setMaxMembers": 1}}, as_role=("sha_admin", "Q36")
    )
    assert theirs["updateShaRules"]["__typename"] == "ForbiddenError"
    body = await gql(PARTICIPATION, {"shas": ["Q35"]}, as_role=("member", "Q31"))
    assert error_codes(body) == ["FORBIDDEN"]
    own = await gql.data(PARTICIPATION, {}, as_role=("member", "Q31"))
    assert [p["shaCode"] for p in own["learningSetParticipation"]] == ["Q31"]
    national = await gql.data("{ shaRules { shaCode } }", as_role=("national_lead", None))
    assert len(national["shaRules"]) >= 2
