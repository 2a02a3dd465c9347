"""SHA front ends: public settings, host names managed in the registry, tenant resolution."""

from __future__ import annotations

from typing import Any

from tests.rollout.queries import VIEWER, change_status, onboard
from tests.support import GraphQLClient, error_codes

FRONT_END = """
query($host: String, $code: String) {
  shaFrontEnd(host: $host, code: $code) {
    code name status displayName hostNames contactEmail contactPhone features
  }
}"""
SETTINGS = """
mutation($input: UpdateShaSettingsInput!) {
  updateShaSettings(input: $input) {
    __typename
    ... on ShaSettingsPayload { frontEnd { code displayName contactEmail features } }
    ... on ValidationError { fields { field message } }
    ... on UserError { message code }
  }
}"""
HOSTS = """
mutation($code: String!, $hosts: [String!]!) {
  setShaHosts(input: {code: $code, hosts: $hosts}) {
    __typename
    ... on ShaSettingsPayload { frontEnd { code hostNames } }
    ... on UserError { message code }
  }
}"""


async def test_public_settings_need_no_token(gql: GraphQLClient, owner_sql: Any) -> None:
    by_host = await gql.data(FRONT_END, {"host": "london.cln.nhs.example"})
    london = by_host["shaFrontEnd"]
    assert london["code"] == "Q36" and london["status"] == "LIVE"
    assert "london.cln.nhs.example" in london["hostNames"]
    row = (await owner_sql("SELECT * FROM sha_settings WHERE sha_code = 'Q36'"))[0]
    assert london["displayName"] == row["display_name"]
    assert london["contactEmail"] == row["contact_email"]
    assert london["features"] == list(row["features"])
    by_code = await gql.data(FRONT_END, {"code": "q36"})
    assert by_code["shaFrontEnd"] == london
    fallback = await gql.data(FRONT_END, {"host": "nw.cln.test"})
    assert fallback["shaFrontEnd"]["code"] == "Q31"
    assert (await gql.data(FRONT_END, {"host": "nowhere.example"}))["shaFrontEnd"] is None
    both = await gql(FRONT_END, {"host": "x.example", "code": "Q31"})
    assert error_codes(both) == ["BAD_USER_INPUT"]
    listing = await gql.data("{ shaFrontEnds { code } }")
    assert [f["code"] for f in listing["shaFrontEnds"]][:10] == [f"Q3{i}" for i in range(10)]


async def test_planned_region_front_end_is_not_public(gql: GraphQLClient, region_code: Any) -> None:
    code = region_code()
    await onboard(gql, code, "Hidden Region")
    assert (await gql.data(FRONT_END, {"code": code}))["shaFrontEnd"] is None
    listing = await gql.data("{ shaFrontEnds { code } }")
    assert code not in [f["code"] for f in listing["shaFrontEnds"]]
    seen = await gql.data(FRONT_END, {"code": code}, as_role=("sha_admin", code))
    assert seen["shaFrontEnd"]["displayName"] == "CLN Hidden Region"
    await change_status(gql, code, "PILOT")
    assert (await gql.data(FRONT_END, {"code": code}))["shaFrontEnd"]["status"] == "PILOT"


async def test_hosts_from_the_registry_resolve_the_tenant(
    gql: GraphQLClient, region_code: Any, app: Any
) -> None:
    code = region_code()
    await onboard(gql, code)
    await change_status(gql, code, "PILOT")
    host = f"{code.lower()}.frontend.test"
    data = await gql.data(
        HOSTS,
        {"code": code, "hosts": [host, "ALT.frontend.test"]},
        as_role=("platform_admin", None),
    )
    assert data["setShaHosts"]["frontEnd"]["hostNames"] == ["alt.frontend.test", host]
    # The next request after the commit reloads the snapshot with the new hosts.
    lead = await gql.data(VIEWER, as_role=("national_lead", None), headers={"host": host})
    assert lead["viewer"]["readableShas"] == [code]
    other = await gql(VIEWER, as_role=("member", "Q31"), headers={"host": host})
    assert error_codes(other) == ["FORBIDDEN"]
    config = await gql.data(
        VIEWER, as_role=("national_lead", None), headers={"host": "london.cln.test"}
    )
    assert config["viewer"]["readableShas"] == ["Q36"]
    taken = await gql.data(
        HOSTS, {"code": code, "hosts": ["london.cln.nhs.example"]}, as_role=("platform_admin", None)
    )
    assert taken["setShaHosts"]["__typename"] == "ConflictError"
    bad = await gql.data(
        HOSTS, {"code": code, "hosts": ["not a host"]}, as_role=("platform_admin", None)
    )
    assert bad["setShaHosts"]["__typename"] == "ValidationError"
    body = await gql(HOSTS, {"code": code, "hosts": []}, as_role=("sha_admin", code))
    assert error_codes(body) == ["FORBIDDEN"]


async def test_settings_are_changed_by_their_own_region_only(
    gql: GraphQLClient, region_code: Any, owner_sql: Any
) -> None:
    code = region_code()
    await onboard(gql, code)
    await change_status(gql, code, "PILOT")
    change = {
        "code": code,
        "displayName": "CLN Pilot",
        "contactEmail": "pilot@nhs.example",
        "features": ["forums", "directory"],
    }
    data = await gql.data(SETTINGS, {"input": change}, as_role=("sha_admin", code))
    saved = data["updateShaSettings"]
    assert saved["__typename"] == "ShaSettingsPayload", saved
    assert saved["frontEnd"]["displayName"] == "CLN Pilot"
    assert saved["frontEnd"]["features"] == ["directory", "forums"]
    audit = await owner_sql(
        "SELECT action FROM audit_log WHERE sha_code = $1 AND action = 'sha.settings'", code
    )
    assert len(audit) == 1
    other = await gql.data(
        SETTINGS, {"input": {**change, "displayName": "Hijack"}}, as_role=("sha_admin", "Q31")
    )
    assert other["updateShaSettings"]["__typename"] == "ForbiddenError"
    bad = await gql.data(
        SETTINGS, {"input": {"code": code, "features": ["teleport"]}}, as_role=("sha_admin", code)
    )
    assert [f["field"] for f in bad["updateShaSettings"]["fields"]] == ["features"]
    await change_status(gql, code, "SUSPENDED")
    frozen = await gql.data(
        SETTINGS, {"input": {"code": code, "displayName": "Frozen"}}, as_role=("sha_admin", code)
    )
    assert frozen["updateShaSettings"]["__typename"] == "ForbiddenError"
    assert "suspended" in frozen["updateShaSettings"]["message"]
    row = await owner_sql("SELECT display_name FROM sha_settings WHERE sha_code = $1", code)
    assert row[0][0] == "CLN Pilot"
