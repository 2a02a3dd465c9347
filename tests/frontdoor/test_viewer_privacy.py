"""`viewer.member` is the caller's own record; contact details follow the privacy rules
and every administrator's read of them is in the read audit."""

from __future__ import annotations

from typing import Any

from resolvers.common.ids import decode_id
from tests.frontdoor.conftest import new_member

VIEWER = """{ viewer { homeSha member { id displayName email registration { number } } } }"""

MEMBER = """query($id: ID!) { node(id: $id) { ... on Member { id email phone
  registration { number } contactVisible } } }"""


async def test_viewer_member_is_the_callers_own_record(gql: Any, member_token: Any) -> None:
    member = await new_member(gql, "Q31", email="own@nhs.example")
    data = await gql.data(VIEWER, token=member_token(member))
    got = data["viewer"]["member"]
    assert got["id"] == member["id"]
    assert got["email"] == "own@nhs.example"
    assert got["registration"]["number"]


async def test_viewer_member_is_null_for_national_roles_and_partners(gql: Any) -> None:
    data = await gql.data(VIEWER, as_role=("national_lead", None))
    assert data["viewer"]["member"] is None


async def test_a_token_naming_another_shas_member_finds_nobody(gql: Any, make_token: Any) -> None:
    london = await new_member(gql, "Q36")
    token = make_token("member", "Q31", member_id=london["id"])
    data = await gql.data(VIEWER, token=token)
    assert data["viewer"]["member"] is None
    # a bare uuid of another SHA's member: the home SHA's RLS finds nothing
    token = make_token("member", "Q31", member_id=decode_id(london["id"]).key)
    data = await gql.data(VIEWER, token=token)
    assert data["viewer"]["member"] is None


async def test_other_members_see_contact_details_only_when_opted_in(
    gql: Any, member_token: Any
) -> None:
    shy = await new_member(gql, "Q31", email="shy@nhs.example")
    other = await new_member(gql, "Q31")
    data = await gql.data(MEMBER, {"id": shy["id"]}, token=member_token(other))
    node = data["node"]
    assert node["email"] is None and node["registration"] is None
    assert node["contactVisible"] is False
    opt_in = """mutation { updateMyProfile(input: {contactVisible: true, phone: "0161 555 0100"}) {
      __typename ... on MyProfilePayload { member { contactVisible phone } } } }"""
    result = (await gql.data(opt_in, token=member_token(shy)))["updateMyProfile"]
    assert result["member"] == {"contactVisible": True, "phone": "0161 555 0100"}
    data = await gql.data(MEMBER, {"id": shy["id"]}, token=member_token(other))
    assert data["node"]["email"] == "shy@nhs.example"
    assert data["node"]["phone"] == "0161 555 0100"


async def test_admin_reads_of_personal_data_are_audited(gql: Any, owner_sql: Any) -> None:
    member = await new_member(gql, "Q31", email="audited@nhs.example")
    key = decode_id(member["id"]).key
    data = await gql.data(MEMBER, {"id": member["id"]}, as_role=("sha_admin", "Q31"))
    assert data["node"]["email"] == "audited@nhs.example"
    rows = await owner_sql(
        "SELECT actor, member_sha, fields FROM personal_data_reads"
        " WHERE $1::uuid = ANY(member_ids)",
        key,
    )
    assert len(rows) == 1
    assert rows[0]["member_sha"] == "Q31"
    assert set(rows[0]["fields"]) >= {"email", "registration"}
    # a London admin sees nothing of a North West member, so nothing is recorded
    data = await gql.data(MEMBER, {"id": member["id"]}, as_role=("sha_admin", "Q36"))
    assert data["node"] is None
    rows = await owner_sql(
        "SELECT count(*) AS n FROM personal_data_reads WHERE $1::uuid = ANY(member_ids)", key
    )
    assert rows[0]["n"] == 1


async def test_a_read_across_regions_is_audited_once_per_sha(gql: Any, owner_sql: Any) -> None:
    """A national lead shown the e-mail of members of two SHAs in one request: one row
    for each SHA, naming only its own members, in the order she was shown them."""
    north_west = [await new_member(gql, "Q31", email=f"nw{i}@nhs.example") for i in range(2)]
    london = await new_member(gql, "Q36", email="london@nhs.example")
    shown = [north_west[0], london, north_west[1]]
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Member { id email } } }"
    data = await gql.data(query, {"ids": [m["id"] for m in shown]}, as_role=("national_lead", None))
    emails = ["nw0@nhs.example", "london@nhs.example", "nw1@nhs.example"]
    assert [n["email"] for n in data["nodes"]] == emails
    keys = [decode_id(m["id"]).key for m in shown]
    rows = await owner_sql(
        "SELECT member_sha, member_ids::text[] AS ids, fields, actor_roles"
        " FROM personal_data_reads WHERE member_ids && $1::uuid[] ORDER BY member_sha",
        keys,
    )
    assert [(r["member_sha"], r["ids"], r["fields"]) for r in rows] == [
        ("Q31", [keys[0], keys[2]], ["email"]),
        ("Q36", [keys[1]], ["email"]),
    ]
    assert all(r["actor_roles"] == ["national_lead"] for r in rows)


async def test_directory_page_hides_contacts_from_members(gql: Any, member_token: Any) -> None:
    viewer = await new_member(gql, "Q31")
    query = "{ members(first: 50) { nodes { id contactVisible registration { number } } } }"
    data = await gql.data(query, token=member_token(viewer))
    for node in data["members"]["nodes"]:
        if node["id"] != viewer["id"] and not node["contactVisible"]:
            assert node["registration"] is None
