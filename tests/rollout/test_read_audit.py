"""Every cross-region read by a national or partner caller leaves one row; platform admins
list them."""

from __future__ import annotations

import uuid
from typing import Any

from auth.principal import Principal, Role
from resolvers.national.audit import crosses_regions
from tests.rollout.queries import DASHBOARD, MEMBERS
from tests.support import GraphQLClient, error_codes

READS = """
query($actor: String, $sha: String, $first: Int, $after: String) {
  crossRegionReads(actor: $actor, sha: $sha, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { actor principalKind homeSha shas operationName rootFields occurredAt requestId }
  }
}"""


def _subject() -> str:
    return f"audit-{uuid.uuid4().hex[:8]}"


async def _reads(gql: GraphQLClient, actor: str, **args: Any) -> dict[str, Any]:
    data = await gql.data(READS, {"actor": actor, **args}, as_role=("platform_admin", None))
    return dict(data["crossRegionReads"])


async def test_national_reads_are_recorded_with_the_shas_asked_for(gql: GraphQLClient) -> None:
    subject = _subject()
    token = gql.make_token("national_lead", None, subject=subject)
    response = await gql.post(
        "query TwoRegions($shas: [String!]) { members(first: 2, shas: $shas) { nodes { id } } }",
        {"shas": ["Q36", "Q31"]},
        token=token,
    )
    assert response.status_code == 200 and "errors" not in response.json()
    await gql.data(DASHBOARD, {"shas": None}, token=token)
    await gql.data("{ viewer { readableShas } shas { code } }", token=token)
    reads = await _reads(gql, f"user:{subject}")
    assert reads["totalCount"] == 2
    dashboard, members = reads["nodes"]
    assert members["operationName"] == "TwoRegions"
    assert members["shas"] == ["Q31", "Q36"]
    assert members["rootFields"] == ["members"]
    assert (members["principalKind"], members["homeSha"]) == ("user", None)
    assert members["requestId"]
    assert dashboard["rootFields"] == ["nationalDashboard"]
    assert {f"Q3{i}" for i in range(10)} <= set(dashboard["shas"])
    assert dashboard["occurredAt"] >= members["occurredAt"]


async def test_regional_reads_are_not_recorded(gql: GraphQLClient) -> None:
    subject = _subject()
    token = gql.make_token("sha_admin", "Q32", subject=subject)
    await gql.data(MEMBERS, {"shas": None}, token=token)
    assert (await _reads(gql, f"user:{subject}"))["totalCount"] == 0


async def test_read_log_is_paged_filtered_and_for_platform_admins_only(
    gql: GraphQLClient,
) -> None:
    subject = _subject()
    token = gql.make_token("national_lead", None, subject=subject)
    for shas in (["Q30", "Q33"], ["Q34", "Q35"], ["Q33", "Q38"]):
        await gql.data(MEMBERS, {"shas": shas}, token=token)
    first = await _reads(gql, f"user:{subject}", first=2)
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await _reads(gql, f"user:{subject}", first=2, after=first["pageInfo"]["endCursor"])
    pages = [n["shas"] for n in first["nodes"] + rest["nodes"]]
    assert pages == [["Q33", "Q38"], ["Q34", "Q35"], ["Q30", "Q33"]]
    q33 = await _reads(gql, f"user:{subject}", sha="Q33")
    assert q33["totalCount"] == 2
    for role, sha in (("national_lead", None), ("sha_admin", "Q31")):
        body = await gql(READS, {"actor": None}, as_role=(role, sha))
        assert error_codes(body) == ["FORBIDDEN"]


def test_which_callers_cross_regions() -> None:
    lead = Principal("lead", roles=frozenset({Role.NATIONAL_LEAD}))
    partner = Principal("p", kind="partner", granted_shas=frozenset({"Q31"}), client_id="nhsi")
    admin_q31 = Principal("a", roles=frozenset({Role.SHA_ADMIN}), home_sha="Q31")
    assert crosses_regions(lead, {"Q31"})
    assert crosses_regions(lead, {"Q31", "Q36"})
    assert crosses_regions(partner, {"Q31"})
    assert not crosses_regions(lead, set())
    assert not crosses_regions(admin_q31, {"Q31", "Q36"})
    assert not crosses_regions(None, {"Q31", "Q36"})
