"""Forums of issue 25: a forum for one profession (the CLN is "a national, professional
network"), and forums of a network; both across tenants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.connect_networks.conftest import (
    CREATE_FORUM,
    START_THREAD,
    create_forum,
    create_network,
    new_member,
    start_thread,
    unique,
)
from tests.support import GraphQLClient

FORUMS = """
query($filter: ForumFilter, $shas: [String!]) {
  forums(filter: $filter, shas: $shas) { nodes { id kind audienceProfession network { id } } }
}"""


async def test_a_profession_forum_is_for_that_profession(
    gql: GraphQLClient, member_token: Callable[..., str]
) -> None:
    missing = await gql.data(
        CREATE_FORUM,
        {"input": {"shaCode": "Q31", "title": unique("Midwives"), "kind": "PROFESSION"}},
        as_role=("sha_admin", "Q31"),
    )
    assert missing["createForum"]["fields"][0]["field"] == "audienceProfession"
    mixed = await gql.data(
        CREATE_FORUM,
        {
            "input": {
                "shaCode": "Q31",
                "title": unique("Topic"),
                "kind": "TOPIC",
                "topic": "Maternity",
                "audienceProfession": "MIDWIFE",
            }
        },
        as_role=("sha_admin", "Q31"),
    )
    assert mixed["createForum"]["fields"][0]["field"] == "audienceProfession"
    forum = await create_forum(
        gql, "Q31", kind="PROFESSION", topic=None, audienceProfession="MIDWIFE"
    )
    midwife = await new_member(gql, "Q31", profession="MIDWIFE")
    nurse = await new_member(gql, "Q31", profession="NURSE")
    await start_thread(gql, member_token(midwife), forum["id"])
    refused = await gql.data(
        START_THREAD,
        {"f": forum["id"], "title": "Hello", "body": "May I join?"},
        token=member_token(nurse),
    )
    result = refused["startForumThread"]
    assert result["__typename"] == "ForbiddenError" and "MIDWIFE" in result["message"]
    listed = await gql.data(
        FORUMS, {"filter": {"audienceProfessions": ["MIDWIFE"]}}, as_role=("member", "Q31")
    )
    assert forum["id"] in {f["id"] for f in listed["forums"]["nodes"]}


async def test_forums_of_a_network_and_across_tenants(gql: GraphQLClient) -> None:
    network = await create_network(gql, "Q32")
    forum = await create_forum(gql, "Q32", networkId=network["id"])
    listed = await gql.data(
        FORUMS, {"filter": {"networkId": network["id"]}}, as_role=("member", "Q32")
    )
    assert [f["id"] for f in listed["forums"]["nodes"]] == [forum["id"]]
    assert listed["forums"]["nodes"][0]["network"] == {"id": network["id"]}
    # a forum cannot belong to another SHA's network
    london = await create_network(gql, "Q36")
    cross = await gql.data(
        CREATE_FORUM,
        {
            "input": {
                "shaCode": "Q32",
                "title": unique("Cross"),
                "kind": "TOPIC",
                "topic": "x",
                "networkId": london["id"],
            }
        },
        as_role=("sha_admin", "Q32"),
    )
    assert cross["createForum"]["fields"][0]["field"] == "networkId"
    # another SHA filtering by this network sees nothing
    other: Any = await gql.data(
        FORUMS, {"filter": {"networkId": network["id"]}}, as_role=("member", "Q36")
    )
    assert other["forums"]["nodes"] == []
