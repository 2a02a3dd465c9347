"""Network map: networks, members with roles, links, filters, gap analysis, Member.networks."""

from __future__ import annotations

import base64
from typing import Any

from tests.connect_networks.conftest import (
    CREATE_NETWORK,
    add_to_network,
    counted,
    create_network,
    unique,
)
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient, SqlLog, error_codes

NETWORK = """
query($id: ID!) {
  network(id: $id) {
    id name kind clinicalArea policyAreaCodes policyAreas { code name national } memberCount
    members { role member { id displayName } }
    links { id note outsideBody { name kind } organisation { id name } }
  }
}"""

ADD_LINK = """
mutation($input: AddNetworkLinkInput!) {
  addNetworkLink(input: $input) {
    __typename
    ... on NetworkLinkPayload { link { id note outsideBody { name kind } organisation { id } } }
    ... on UserError { message code }
    ... on ValidationError { fields { field message } }
  }
}"""


async def test_network_with_members_and_links(gql: GraphQLClient, audit_rows: Any) -> None:
    org = await create_organisation(gql, "Q31")
    chair = await create_member(gql, "Q31", org["id"])
    other = await create_member(gql, "Q31", org["id"])
    network = await create_network(
        gql, "Q31", policyAreas=["CHOOSE_AND_BOOK", "RTT_18_WEEKS"], clinicalArea="STROKE"
    )
    await add_to_network(gql, "Q31", network["id"], chair["id"], "CHAIR")
    await add_to_network(gql, "Q31", network["id"], other["id"], "MEMBER")
    await add_to_network(gql, "Q31", network["id"], other["id"], "CLINICAL_LEAD")  # role change
    for link in (
        {"organisationId": org["id"], "note": "host trust"},
        {"outsideBody": {"name": "Royal College of Physicians", "kind": "ROYAL_COLLEGE"}},
        {"outsideBody": {"name": "Care Quality Commission", "kind": "REGULATOR"}},
    ):
        data = await gql.data(
            ADD_LINK, {"input": {"networkId": network["id"], **link}}, as_role=("sha_admin", "Q31")
        )
        assert data["addNetworkLink"]["__typename"] == "NetworkLinkPayload", data

    data = await gql.data(NETWORK, {"id": network["id"]}, as_role=("member", "Q31"))
    found = data["network"]
    assert found["clinicalArea"] == "STROKE"
    assert found["policyAreaCodes"] == ["CHOOSE_AND_BOOK", "RTT_18_WEEKS"]
    assert found["policyAreas"] == [
        {"code": "CHOOSE_AND_BOOK", "name": "Choose and Book", "national": True},
        {"code": "RTT_18_WEEKS", "name": "18 weeks referral to treatment", "national": True},
    ]
    assert found["memberCount"] == 2
    assert {(m["role"], m["member"]["id"]) for m in found["members"]} == {
        ("CHAIR", chair["id"]),
        ("CLINICAL_LEAD", other["id"]),
    }
    assert [link["organisation"]["id"] for link in found["links"] if link["organisation"]] == [
        org["id"]
    ]
    assert {(link["outsideBody"] or {}).get("kind") for link in found["links"]} == {
        None,
        "ROYAL_COLLEGE",
        "REGULATOR",
    }
    link_id = next(link["id"] for link in found["links"] if link["organisation"])
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on NetworkLink { note } } }",
        {"id": link_id},
        as_role=("member", "Q31"),
    )
    assert node["node"] == {"note": "host trust"}
    too_many = await gql(
        "query($id: ID!) { network(id: $id) { members(first: 1000) { role } } }",
        {"id": network["id"]},
        as_role=("member", "Q31"),
    )
    assert error_codes(too_many) == ["COST_LIMIT_EXCEEDED"]
    network_key = base64.urlsafe_b64decode(network["id"] + "==").decode().split(":")[2]
    assert [r["entity_id"] for r in await audit_rows("network.create")].count(network_key) == 1
    assert (
        len([r for r in await audit_rows("network.link.add") if r["entity_id"] == network_key]) == 3
    )


async def test_validation_errors_are_typed_and_write_nothing(gql: GraphQLClient) -> None:
    name = unique("Invalid")
    bad = {"shaCode": "Q31", "name": name, "kind": "FORMAL_MANAGED"}  # no clinical area
    data = await gql.data(CREATE_NETWORK, {"input": bad}, as_role=("sha_admin", "Q31"))
    result = data["createNetwork"]
    assert result["__typename"] == "ValidationError"
    assert [f["field"] for f in result["fields"]] == ["clinicalArea"]
    repeated = {**bad, "clinicalArea": "CANCER", "policyAreas": ["PATIENT_SAFETY"] * 2}
    data = await gql.data(CREATE_NETWORK, {"input": repeated}, as_role=("sha_admin", "Q31"))
    assert data["createNetwork"]["__typename"] == "ValidationError"
    data = await gql.data(
        "query($f: NetworkFilter) { networks(filter: $f) { totalCount } }",
        {"f": {"search": name}},
        as_role=("member", "Q31"),
    )
    assert data["networks"]["totalCount"] == 0
    # duplicate names conflict; an unknown policy area is a typed error naming the field
    first = await create_network(gql, "Q31")
    dup = {"shaCode": "Q31", "name": first["name"], "kind": "ROLE_NETWORK"}
    data = await gql.data(CREATE_NETWORK, {"input": dup}, as_role=("sha_admin", "Q31"))
    assert data["createNetwork"]["__typename"] == "ConflictError"
    unknown_name = unique("x")
    data = await gql.data(
        CREATE_NETWORK,
        {"input": {**dup, "name": unknown_name, "policyAreas": ["NOT_A_POLICY"]}},
        as_role=("sha_admin", "Q31"),
    )
    result = data["createNetwork"]
    assert result["__typename"] == "ValidationError"
    assert [f["field"] for f in result["fields"]] == ["policyAreas"]
    assert "NOT_A_POLICY" in result["fields"][0]["message"]
    data = await gql.data(
        "query($f: NetworkFilter) { networks(filter: $f) { totalCount } }",
        {"f": {"search": unknown_name}},
        as_role=("member", "Q31"),
    )
    assert data["networks"]["totalCount"] == 0
    link = await gql.data(
        ADD_LINK,
        {"input": {"networkId": first["id"]}},
        as_role=("sha_admin", "Q31"),
    )
    assert link["addNetworkLink"]["__typename"] == "ValidationError"


async def test_members_may_not_map_networks(gql: GraphQLClient) -> None:
    body = await gql(
        CREATE_NETWORK,
        {"input": {"shaCode": "Q31", "name": unique("n"), "kind": "ROLE_NETWORK"}},
        as_role=("member", "Q31"),
    )
    assert error_codes(body) == ["FORBIDDEN"]


# The national list after migration 0820: the Escalator's six and the network map's six.
NATIONAL_POLICY_AREAS = [
    "RTT_18_WEEKS",
    "PRACTICE_BASED_COMMISSIONING",
    "HEALTHCARE_ACQUIRED_INFECTION",
    "PAY_FOR_QUALITY",
    "CHOOSE_AND_BOOK",
    "PATIENT_SAFETY",
    "MATERNITY_SERVICES",
    "YOUNG_PEOPLES_SERVICES",
    "LONG_TERM_CONDITIONS",
    "END_OF_LIFE_CARE",
    "URGENT_AND_EMERGENCY_CARE",
    "MENTAL_HEALTH_SERVICES",
]


async def test_filters_and_gap_analysis(gql: GraphQLClient) -> None:
    pct = await create_organisation(gql, "Q33", code="5Q3", type="PCT", name="Gap PCT")
    practice = await create_organisation(gql, "Q33")
    gp = await create_member(gql, "Q33", practice["id"])
    commissioner = await create_member(gql, "Q33", pct["id"])
    with_gp = await create_network(
        gql, "Q33", kind="COMMUNITY_OF_INTEREST", policyAreas=["PATIENT_SAFETY"]
    )
    without_gp = await create_network(
        gql, "Q33", kind="ROLE_NETWORK", clinicalArea=None, policyAreas=["CHOOSE_AND_BOOK"]
    )
    await add_to_network(gql, "Q33", with_gp["id"], gp["id"], "MEMBER")
    await add_to_network(gql, "Q33", without_gp["id"], commissioner["id"], "CHAIR")

    query = """
    query($f: NetworkFilter, $t: OrganisationType!) {
      networks(filter: $f, shas: ["Q33"]) { totalCount nodes { id } }
      networkGaps(shaCode: "Q33") {
        policyAreasWithoutNetwork { code }
        networksWithoutMemberFrom(organisationType: $t) { nodes { id } }
      }
      escalatorPolicyAreas(shas: ["Q33"]) { code }
    }"""

    async def ids(f: dict[str, Any]) -> set[str]:
        data = await gql.data(query, {"f": f, "t": "GP_PRACTICE"}, as_role=("member", "Q33"))
        return {n["id"] for n in data["networks"]["nodes"]}

    assert await ids({"kinds": ["ROLE_NETWORK"]}) >= {without_gp["id"]}
    assert with_gp["id"] not in await ids({"kinds": ["ROLE_NETWORK"]})
    assert await ids({"policyAreas": ["PATIENT_SAFETY"]}) >= {with_gp["id"]}
    assert without_gp["id"] not in await ids({"policyAreas": ["PATIENT_SAFETY"]})
    assert await ids({"memberId": gp["id"]}) == {with_gp["id"]}
    lacking = await ids({"withoutMemberFrom": "GP_PRACTICE"})
    assert without_gp["id"] in lacking and with_gp["id"] not in lacking

    data = await gql.data(query, {"f": None, "t": "GP_PRACTICE"}, as_role=("member", "Q33"))
    gaps = data["networkGaps"]
    served = await gql.data(
        '{ networks(first: 500, shas: ["Q33"]) { nodes { policyAreaCodes } } }',
        as_role=("member", "Q33"),
    )
    covered = {p for n in served["networks"]["nodes"] for p in n["policyAreaCodes"]}
    assert {"PATIENT_SAFETY", "CHOOSE_AND_BOOK"} <= covered
    vocabulary = {a["code"] for a in data["escalatorPolicyAreas"]}
    assert set(NATIONAL_POLICY_AREAS) <= vocabulary
    assert {a["code"] for a in gaps["policyAreasWithoutNetwork"]} == vocabulary - covered
    gap_ids = {n["id"] for n in gaps["networksWithoutMemberFrom"]["nodes"]}
    assert without_gp["id"] in gap_ids and with_gp["id"] not in gap_ids


MEMBERS_WITH_NETWORKS = """
query($n: Int!, $org: ID!) {
  members(first: $n, filter: {organisationId: $org}) {
    nodes { id networks(first: 5) {
      role network { id name policyAreas { code name } } member { id } } }
  }
}"""


async def test_members_with_first_five_networks_cost_bounded_sql(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    org = await create_organisation(gql, "Q34")
    people = [await create_member(gql, "Q34", org["id"]) for _ in range(6)]
    nets = [
        await create_network(gql, "Q34", policyAreas=[area])
        for area in ("CHOOSE_AND_BOOK", "PATIENT_SAFETY", "MATERNITY_SERVICES") * 2
        + ("PAY_FOR_QUALITY",)
    ]
    for person in people:
        for net in nets[: 4 + people.index(person) % 4]:
            await add_to_network(gql, "Q34", net["id"], person["id"], "MEMBER")
    counts = []
    for size in (2, 6):
        sql_log.clear()
        data = await gql.data(
            MEMBERS_WITH_NETWORKS, {"n": size, "org": org["id"]}, as_role=("member", "Q34")
        )
        counts.append(counted(sql_log))
        nodes = data["members"]["nodes"]
        assert len(nodes) == size
        for node in nodes:
            person = next(p for p in people if p["id"] == node["id"])
            joined = sorted(nets[: 4 + people.index(person) % 4], key=lambda n: n["name"])
            assert [m["network"]["id"] for m in node["networks"]] == [n["id"] for n in joined[:5]]
            assert all(m["member"]["id"] == node["id"] for m in node["networks"])
    assert counts[0] == counts[1]


NETWORK_FIELDS = "id shaCode name kind clinicalArea description policyAreaCodes createdAt updatedAt"
MEMBERSHIP = f"role joinedAt network {{ {NETWORK_FIELDS} }}"
WINDOWS = f"""two: networks(first: 2) {{ {MEMBERSHIP} }}
  five: networks(first: 5) {{ {MEMBERSHIP} }} none: networks(first: 0) {{ role }}"""


async def test_networks_of_a_page_are_each_members_own_in_every_window(
    gql: GraphQLClient,
) -> None:
    org = await create_organisation(gql, "Q34")
    people = [await create_member(gql, "Q34", org["id"]) for _ in range(3)]
    nets = [await create_network(gql, "Q34", description=unique("Does")) for _ in range(6)]
    for i, person in enumerate(people):
        for k, net in enumerate(nets[i:]):
            await add_to_network(gql, "Q34", net["id"], person["id"], ("MEMBER", "CHAIR")[k % 2])
    as_member = ("member", "Q34")
    page = await gql.data(
        f"query($org: ID!) {{ members(first: 10, filter: {{organisationId: $org}}) {{"
        f" nodes {{ id {WINDOWS} }} }} }}",
        {"org": org["id"]},
        as_role=as_member,
    )
    nodes = page["members"]["nodes"]
    assert {n["id"] for n in nodes} == {p["id"] for p in people}
    for node in nodes:
        # the same member fetched alone: its networks loaded by the field, not the page
        alone = await gql.data(
            f"query($id: ID!) {{ member(id: $id) {{ id {WINDOWS} }} }}",
            {"id": node["id"]},
            as_role=as_member,
        )
        assert alone["member"] == node
        i = next(i for i, p in enumerate(people) if p["id"] == node["id"])
        joined = sorted(nets[i:], key=lambda n: n["name"])
        assert [m["network"]["id"] for m in node["five"]] == [n["id"] for n in joined[:5]]
        assert node["two"] == node["five"][:2] and node["none"] == []
        for membership in node["five"]:
            network = await gql.data(
                f"query($id: ID!) {{ node(id: $id) {{ ... on Network {{ {NETWORK_FIELDS} }} }} }}",
                {"id": membership["network"]["id"]},
                as_role=as_member,
            )
            assert network["node"] == membership["network"]
    # a network's members, by role then join date: each window its own first N
    network = await gql.data(
        "query($id: ID!) { network(id: $id) { two: members(first: 2) { role joinedAt member { id } }"
        " five: members(first: 5) { role joinedAt member { id } } } }",
        {"id": nets[-1]["id"]},
        as_role=as_member,
    )
    assert len(network["network"]["five"]) == 3
    assert network["network"]["two"] == network["network"]["five"][:2]


async def test_network_page_with_nested_relations_costs_bounded_sql(
    gql: GraphQLClient, sql_log: SqlLog
) -> None:
    org = await create_organisation(gql, "Q35")
    person = await create_member(gql, "Q35", org["id"])
    prefix = unique("Costed")
    for i in range(7):
        net = await create_network(gql, "Q35", name=f"{prefix} {i}")
        await add_to_network(gql, "Q35", net["id"], person["id"], "MEMBER")
        link = {"networkId": net["id"], "organisationId": org["id"]}
        await gql.data(ADD_LINK, {"input": link}, as_role=("sha_admin", "Q35"))
    query = """
    query($n: Int!, $s: String!) { networks(first: $n, filter: {search: $s}) { nodes {
      name memberCount members(first: 3) { role member { displayName organisation { name } } }
      links { organisation { name } outsideBody { name } }
    } } }"""
    counts = []
    for size in (2, 7):
        sql_log.clear()
        data = await gql.data(query, {"n": size, "s": prefix}, as_role=("member", "Q35"))
        nodes = data["networks"]["nodes"]
        assert len(nodes) == size
        assert all(n["memberCount"] == 1 and len(n["links"]) == 1 for n in nodes)
        counts.append(counted(sql_log))
    assert counts[0] == counts[1]


async def test_cross_tenant_network_paths(gql: GraphQLClient) -> None:
    org = await create_organisation(gql, "Q31")
    member = await create_member(gql, "Q31", org["id"])
    network = await create_network(gql, "Q31", name=unique("Secret NW network"))
    await add_to_network(gql, "Q31", network["id"], member["id"], "CHAIR")
    london = ("member", "Q36")
    london_admin = ("sha_admin", "Q36")
    data = await gql.data(
        "query($s: String) { networks(filter: {search: $s}) { totalCount } }",
        {"s": network["name"]},
        as_role=london,
    )
    assert data["networks"]["totalCount"] == 0
    data = await gql.data(NETWORK, {"id": network["id"]}, as_role=london)
    assert data["network"] is None
    data = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": network["id"]}, as_role=london
    )
    assert data["node"] is None
    body = await gql('{ networks(shas: ["Q31"]) { totalCount } }', as_role=london)
    assert error_codes(body) == ["FORBIDDEN"]
    body = await gql(
        '{ networkGaps(shaCode: "Q31") { policyAreasWithoutNetwork { code } } }', as_role=london
    )
    assert error_codes(body) == ["FORBIDDEN"]
    data = await gql.data(
        "query($f: NetworkFilter) { networks(filter: $f) { totalCount } }",
        {"f": {"memberId": member["id"]}},
        as_role=london,
    )
    assert data["networks"]["totalCount"] == 0
    # writes: another region's network is not found; a member of another region is refused
    data = await gql.data(
        """mutation($n: ID!, $m: ID!) { setNetworkMember(networkId: $n, memberId: $m, role: MEMBER)
        { __typename } }""",
        {"n": network["id"], "m": member["id"]},
        as_role=london_admin,
    )
    assert data["setNetworkMember"]["__typename"] == "NotFoundError"
    data = await gql.data(
        """mutation($id: ID!) { updateNetwork(input: {id: $id, name: "stolen"}) { __typename } }""",
        {"id": network["id"]},
        as_role=london_admin,
    )
    assert data["updateNetwork"]["__typename"] == "NotFoundError"
    london_net = await create_network(gql, "Q36")
    data = await gql.data(
        SET_MEMBER_Q,
        {"n": london_net["id"], "m": member["id"]},
        as_role=london_admin,
    )
    assert data["setNetworkMember"]["__typename"] == "ValidationError"
    data = await gql.data(
        ADD_LINK,
        {"input": {"networkId": london_net["id"], "organisationId": org["id"]}},
        as_role=london_admin,
    )
    assert data["addNetworkLink"]["__typename"] == "ValidationError"
    # nested: a national lead sees both, each membership stays in its own region
    data = await gql.data(NETWORK, {"id": network["id"]}, as_role=("national_lead", None))
    assert [m["member"]["id"] for m in data["network"]["members"]] == [member["id"]]


SET_MEMBER_Q = """
mutation($n: ID!, $m: ID!) { setNetworkMember(networkId: $n, memberId: $m, role: MEMBER)
{ __typename } }"""


async def test_cli_gap_analysis_matches_the_api(
    gql: GraphQLClient, admin_url: str, settings: Any
) -> None:
    from clngraph.commands.connect_networks import network_gaps

    query = """{ networkGaps(shaCode: "Q37") { policyAreasWithoutNetwork { code }
      networksWithoutMemberFrom(organisationType: ACADEMY, first: 500) { nodes { name } } } }"""
    data = await gql.data(query, as_role=("member", "Q37"))
    areas, lacking = await network_gaps(settings, admin_url, "Q37", "ACADEMY")
    gaps = data["networkGaps"]
    assert areas == [a["code"] for a in gaps["policyAreasWithoutNetwork"]]
    assert sorted(lacking) == sorted(n["name"] for n in gaps["networksWithoutMemberFrom"]["nodes"])
