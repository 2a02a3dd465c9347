"""Members' privacy on the real stack: a member's contact details (e-mail, phone) and
registration number are visible to herself, the SHA administrators of her SHA and
national leads; other members (moderators included) see them only once she opts in
(`contactVisible`, off by default); an SHA administrator of another region reaches
neither her record nor, by the rule itself, her details. Checked through `node` and
the directory page; every path reads the same `Member` fields
(resolvers/directory/types.py, through `may_see_contact`)."""

from __future__ import annotations

from typing import Any

from auth.principal import Principal, Role
from resolvers.directory.privacy import administers
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient

DETAILS = "id email phone registration { number } contactVisible"
BY_NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on Member {{ {DETAILS} }} }} }}"
PAGE = f"""query($org: ID!) {{
  members(first: 50, filter: {{organisationId: $org}}) {{ nodes {{ {DETAILS} }} }} }}"""
SET_PHONE = """mutation($visible: Boolean!) {
  updateMyProfile(input: {phone: "0161 555 0199", contactVisible: $visible}) {
    __typename ... on MyProfilePayload { member { contactVisible phone } } } }"""


def member_token(make_token: Any, member: dict[str, Any], role: str = "member") -> str:
    from resolvers.common.ids import decode_id

    roles = ["member"] if role == "member" else ["member", role]
    token: str = make_token(
        "member", member["shaCode"], roles=roles, member_id=decode_id(member["id"]).key
    )
    return token


def shown(node: dict[str, Any] | None) -> tuple[Any, Any, Any]:
    assert node is not None
    registration = node["registration"]["number"] if node["registration"] else None
    return node["email"], node["phone"], registration


async def test_contact_details_are_shown_to_the_member_her_admins_and_national_leads_only(
    gql: GraphQLClient, make_token: Any
) -> None:
    organisation = await create_organisation(gql, "Q31")
    shy = await create_member(gql, "Q31", organisation["id"], email="shy.member@nhs.example")
    # she gives a phone number but does not opt in: the default stays off
    changed = await gql.data(SET_PHONE, {"visible": False}, token=member_token(make_token, shy))
    assert changed["updateMyProfile"]["member"] == {
        "contactVisible": False,
        "phone": "0161 555 0199",
    }
    as_admin = await gql.data(BY_NODE, {"id": shy["id"]}, as_role=("sha_admin", "Q31"))
    number = as_admin["node"]["registration"]["number"]
    assert number
    full = ("shy.member@nhs.example", "0161 555 0199", number)
    hidden = (None, None, None)
    colleague = await create_member(gql, "Q31", organisation["id"])
    readers = {
        "herself": (member_token(make_token, shy), full),
        "an SHA admin of her SHA": (make_token("sha_admin", "Q31"), full),
        "a national lead": (make_token("national_lead", None), full),
        "a member of her SHA": (member_token(make_token, colleague), hidden),
        "a moderator of her SHA": (member_token(make_token, colleague, "moderator"), hidden),
    }
    for who, (token, expected) in readers.items():
        node = (await gql.data(BY_NODE, {"id": shy["id"]}, token=token))["node"]
        assert shown(node) == expected, who
        page = await gql.data(PAGE, {"org": organisation["id"]}, token=token)
        [listed] = [m for m in page["members"]["nodes"] if m["id"] == shy["id"]]
        assert shown(listed) == expected, who
    # an SHA admin of another region does not reach her at all
    london = make_token("sha_admin", "Q36")
    assert (await gql.data(BY_NODE, {"id": shy["id"]}, token=london))["node"] is None

    # once she opts in, members of her SHA see them too
    await gql.data(SET_PHONE, {"visible": True}, token=member_token(make_token, shy))
    node = (await gql.data(BY_NODE, {"id": shy["id"]}, token=member_token(make_token, colleague)))[
        "node"
    ]
    assert shown(node) == full
    assert node["contactVisible"] is True


async def test_a_new_member_shares_nothing_by_default(gql: GraphQLClient, make_token: Any) -> None:
    fresh = await create_member(gql, "Q31", email="fresh@nhs.example")
    other = await create_member(gql, "Q31")
    node = (await gql.data(BY_NODE, {"id": fresh["id"]}, token=member_token(make_token, other)))[
        "node"
    ]
    assert node["contactVisible"] is False
    assert shown(node) == (None, None, None)


def test_only_the_members_own_sha_admins_administer_her() -> None:
    """The rule itself, for the day a path shows a member of another region to an SHA
    administrator (RLS hides her record from one today)."""

    def staff(role: Role, home: str | None) -> Principal:
        return Principal(subject="s", kind="user", roles=frozenset({role}), home_sha=home)

    assert administers(staff(Role.SHA_ADMIN, "Q31"), "Q31")
    assert not administers(staff(Role.SHA_ADMIN, "Q36"), "Q31")
    assert administers(staff(Role.NATIONAL_LEAD, None), "Q31")
    assert not administers(staff(Role.MODERATOR, "Q31"), "Q31")
    assert not administers(staff(Role.MEMBER, "Q31"), "Q31")
