"""GraphQL documents shared by the rollout tests."""

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
