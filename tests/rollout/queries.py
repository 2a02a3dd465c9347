"""GraphQL documents shared by the rollout tests."""

from typing import Any

from tests.support import GraphQLClient

ONBOARD = """
mutation($input: OnboardShaInput!) {
  onboardSha(input: $input) {
    __typename
    ... on OnboardShaPayload { created partitions referenceOrganisations sha { code status } }
    ... on UserError { message code }
  }
}"""

CHANGE_STATUS = """
mutation($code: String!, $status: ShaStatus!, $note: String) {
  changeShaStatus(input: {code: $code, status: $status, note: $note}) {
    __typename
    ... on ShaStatusPayload {
      previous
      sha { code status statusHistory { status changedBy changedAt note } }
    }
    ... on InvalidTransitionError { message code current requested allowed }
    ... on UserError { message code }
  }
}"""

VIEWER = "{ viewer { readableShas writableShas } }"

MEMBERS = """
query($shas: [String!]) {
  members(first: 5, shas: $shas) { edges { node { id shaCode } } }
}"""

DASHBOARD = """
query($shas: [String!]) {
  nationalDashboard(shas: $shas) {
    shaCodes
    membersBySha { shaCode status pilot members activeMembers }
    membersByProfession { shaCode profession members activeMembers }
    rollout { shaCode name status pilot statusChangedAt organisations }
  }
}"""


async def onboard(gql: GraphQLClient, code: str, name: str = "Test Region") -> None:
    data = await gql.data(
        ONBOARD, {"input": {"code": code, "name": name}}, as_role=("platform_admin", None)
    )
    assert data["onboardSha"]["__typename"] == "OnboardShaPayload", data


async def change_status(
    gql: GraphQLClient, code: str, status: str, note: str | None = None
) -> dict[str, Any]:
    data = await gql.data(
        CHANGE_STATUS,
        {"code": code, "status": status, "note": note},
        as_role=("platform_admin", None),
    )
    return dict(data["changeShaStatus"])
