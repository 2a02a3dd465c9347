"""Notifications no single request triggers: a learning-set member at risk (to the
facilitator, when attendance is recorded) and an engagement plan overdue (to its lead,
by the reminder job, once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from foundation.settings import Settings
from resolvers.common.ids import decode_id
from resolvers.notifications.reminders import overdue_plans
from tests.connect_sets.conftest import add_members, create_set, record, schedule
from tests.develop_escalator.test_escalator import CREATE_PLAN
from tests.factories import create_organisation
from tests.frontdoor.conftest import new_member
from tests.frontdoor.test_notifications import feed


async def test_facilitator_told_of_member_at_risk(gql: Any, member_token: Any) -> None:
    facilitator, steady, drifting = [await new_member(gql, "Q31") for _ in range(3)]
    the_set = await create_set(gql, "Q31", startedOn="2020-01-01")
    await add_members(
        gql, "Q31", the_set["id"], [facilitator["id"]], role="FACILITATOR", joinedOn="2020-01-01"
    )
    await add_members(
        gql, "Q31", the_set["id"], [steady["id"], drifting["id"]], joinedOn="2020-01-01"
    )
    for month in (2, 3, 4):
        meeting = await schedule(gql, "Q31", the_set["id"], f"2020-0{month}-01")
        await record(gql, "Q31", meeting, {steady["id"]: "ATTENDED", drifting["id"]: "ABSENT"})
    nodes = (await feed(gql, member_token(facilitator)))["notifications"]["nodes"]
    assert [n["kind"] for n in nodes] == ["LEARNING_SET_MEMBER_AT_RISK"]
    assert drifting["displayName"] in nodes[0]["title"]
    for member in (steady, drifting):
        assert (await feed(gql, member_token(member)))["notifications"]["totalCount"] == 0


async def test_overdue_plan_lead_told_once(
    gql: Any, member_token: Any, app: Any, settings: Settings, owner_sql: Any
) -> None:
    lead = await new_member(gql, "Q33")
    organisation = await create_organisation(gql, "Q33")
    plan = await gql.data(
        CREATE_PLAN,
        {
            "input": {
                "organisationId": organisation["id"],
                "serviceChange": "Stroke services reconfiguration",
                "engagementApproach": "clinical reference group",
                "monitoringArrangements": "quarterly report to the SHA board",
                "policyArea": "CHOOSE_AND_BOOK",
                "targetLevel": "ACCEPTANCE_AND_ADOPTION",
                "nextReviewOn": str(dt.date.today() + dt.timedelta(days=30)),
                "leadId": lead["id"],
            }
        },
        as_role=("sha_admin", "Q33"),
    )
    assert plan["createEngagementPlan"]["plan"]["overdue"] is False, plan
    # the API refuses a past review date (issue 26): time passes, as the owner
    await owner_sql(
        "UPDATE engagement_plans SET next_review_on = current_date - 3 WHERE id = $1::uuid",
        decode_id(plan["createEngagementPlan"]["plan"]["id"]).key,
    )
    assert await overdue_plans(app.state.cln.engine, settings) >= 1
    await overdue_plans(app.state.cln.engine, settings)  # again: no second reminder
    nodes = (await feed(gql, member_token(lead)))["notifications"]["nodes"]
    assert [n["kind"] for n in nodes] == ["ENGAGEMENT_PLAN_OVERDUE"]
    assert nodes[0]["subjectId"] == plan["createEngagementPlan"]["plan"]["id"]
