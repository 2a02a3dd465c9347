"""The dashboard's rollup tables equal the live aggregates after a random sequence of
writes through the API: members created and changed (some concurrently on the same
member), Escalator assessments recorded and corrected (some concurrently in one area),
learning-set attendance recorded (concurrently) and sets closed, and requests that
rolled back. Then `cln-graph rollups` finds a drifted row and puts it right."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import subprocess
import sys
from typing import Any

import asyncpg
import pytest

from foundation.settings import PROJECT_ROOT, Settings
from resolvers.common.ids import decode_id
from resolvers.rollups.rebuild import Difference, rebuild
from tests.connect_sets.conftest import add_members, create_set, schedule
from tests.connect_sets.conftest import record as record_attendance
from tests.develop_escalator.conftest import SET_LEAD
from tests.develop_escalator.test_escalator import LEVELS, UPDATE
from tests.develop_escalator.test_escalator import record as record_assessment
from tests.factories import create_member, create_organisation
from tests.support import GraphQLClient

UPDATE_MEMBER = """
mutation($input: UpdateMemberInput!) {
  updateMember(input: $input) { __typename ... on MemberPayload { member { id status } } }
}"""

# Two mutations in one request: the second fails, so the first must not stay (and
# neither may its rollup delta).
UPDATE_THEN_FAIL = """
mutation($input: UpdateMemberInput!, $bad: UpdateMemberInput!) {
  ok: updateMember(input: $input) { __typename }
  bad: updateMember(input: $bad) { __typename }
}"""

CLOSE_SET = """
mutation($input: UpdateLearningSetInput!) {
  updateLearningSet(input: $input) { __typename }
}"""

STATUSES = ["ACTIVE", "INACTIVE", "LEFT"]


async def _compare(admin_url: str, settings: Settings, *, write: bool) -> list[Difference]:
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        return await rebuild(conn, settings.owner_role, write=write)
    finally:
        await conn.close()


async def _owner(admin_url: str, settings: Settings, sql: str, *args: Any) -> Any:
    conn = await asyncpg.connect(admin_url, server_settings={"search_path": settings.db_schema})
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def _month_ago(months: int) -> str:
    day = dt.date.today().replace(day=10)
    for _ in range(months):
        day = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=10)
    return day.isoformat()


async def test_rollups_equal_live_aggregates_after_random_writes(
    gql: GraphQLClient, make_token: Any, admin_url: str, settings: Settings
) -> None:
    # Other tests insert rows straight into the tables (as the owner): start in step.
    await _compare(admin_url, settings, write=True)
    rng = random.Random(27)
    sha = "Q31"
    orgs = [(await create_organisation(gql, sha))["id"] for _ in range(2)]
    other = (await create_organisation(gql, "Q36"))["id"]

    # members, created concurrently, of several professions and statuses
    made = await asyncio.gather(
        *[
            create_member(
                gql,
                sha,
                rng.choice(orgs),
                status=rng.choice(STATUSES),
                profession="MANAGER",
                registration=None,
            )
            for _ in range(8)
        ],
        create_member(gql, "Q36", other),
    )
    members = [m["id"] for m in made[:-1]]

    async def change(member: str) -> None:
        body: dict[str, Any] = {"id": member, "status": rng.choice(STATUSES)}
        if rng.random() < 0.3:
            body["profession"] = rng.choice(["MANAGER", "ADMINISTRATOR"])
        result = await gql.data(UPDATE_MEMBER, {"input": body}, as_role=("sha_admin", sha))
        assert result["updateMember"]["__typename"] == "MemberPayload", result

    for _ in range(6):
        target = rng.choice(members)
        # the same member changed by four requests at once, and two others
        await asyncio.gather(
            *(change(target) for _ in range(4)), *(change(rng.choice(members)) for _ in range(2))
        )

    # a request that rolls back after a member change
    rolled = await gql(
        UPDATE_THEN_FAIL,
        {
            "input": {"id": members[0], "status": "LEFT"},
            "bad": {"id": members[1], "givenName": ""},
        },
        as_role=("sha_admin", sha),
    )
    assert rolled.get("errors") or rolled["data"]["bad"]["__typename"] != "MemberPayload"

    # Escalator: an assessor of the SHA, several periods of one area at once, corrections
    assessor = made[0]
    for org in orgs:  # only an organisation's named Escalator lead records (issue 26)
        named = await gql.data(
            SET_LEAD,
            {"input": {"organisationId": org, "memberId": assessor["id"]}},
            as_role=("sha_admin", sha),
        )
        assert named["setEscalatorLead"]["__typename"] == "EscalatorLeadPayload", named
    token = make_token("member", sha, member_id=decode_id(assessor["id"]).key)
    periods = [f"2008Q{q}" for q in range(1, 5)] + [f"2009Q{q}" for q in range(1, 3)]
    recorded: list[dict[str, Any]] = []
    for org in orgs:
        results = await asyncio.gather(
            *[
                record_assessment(
                    gql,
                    token,
                    org,
                    period,
                    level,
                    area,
                    {k: "earlier evidence" for k in range(1, level)},
                )
                for period in rng.sample(periods, 4)
                for area in ("CHOOSE_AND_BOOK", "PATIENT_SAFETY")
                for level in [rng.randint(1, 4)]
            ]
        )
        recorded += [r for r in results if r["__typename"] == "AssessmentPayload"]
    assert recorded, "some assessments were recorded"
    for assessment in rng.sample(recorded, min(4, len(recorded))):
        level = rng.randint(1, 4)
        changed = await gql.data(
            UPDATE,
            {
                "input": {
                    "id": assessment["assessment"]["id"],
                    "level": LEVELS[level],
                    "earlierEvidence": [
                        {"level": LEVELS[k], "statement": "evidence"} for k in range(1, level)
                    ],
                }
            },
            token=token,
        )
        assert changed["updateEscalatorAssessment"]["__typename"] in (
            "AssessmentPayload",
            "LevelSkipError",
        )

    # learning sets: two sets, meetings in past months, attendance recorded at once
    people = [
        m["id"]
        for m in await asyncio.gather(
            *[
                create_member(gql, sha, orgs[0], profession="MANAGER", registration=None)
                for _ in range(6)
            ]
        )
    ]
    sets = [await create_set(gql, sha, startedOn=_month_ago(6)) for _ in range(2)]
    for s in sets:
        result = await add_members(gql, sha, s["id"], people, joinedOn=_month_ago(5))
        assert result["__typename"] == "LearningSetPayload", result
    meetings = [
        (s, await schedule(gql, sha, s["id"], _month_ago(months)))
        for s in sets
        for months in (3, 2, 1)
    ]
    outcomes = await asyncio.gather(
        *[
            record_attendance(
                gql,
                sha,
                meeting,
                {m: rng.choice(["ATTENDED", "APOLOGIES", "ABSENT"]) for m in people},
            )
            for _, meeting in meetings[:4]
        ]
    )
    assert all(o["__typename"] == "LearningSetMeetingPayload" for o in outcomes), outcomes
    # attendance changed again for one meeting, and one set closed
    again = await record_attendance(gql, sha, meetings[0][1], {people[0]: "ABSENT"})
    assert again["__typename"] == "LearningSetMeetingPayload", again
    closed = await gql.data(
        CLOSE_SET, {"input": {"id": sets[1]["id"], "status": "CLOSED"}}, as_role=("sha_admin", sha)
    )
    assert closed["updateLearningSet"]["__typename"] == "LearningSetPayload", closed

    differences = await _compare(admin_url, settings, write=False)
    assert [d for d in differences if d.any] == []
    stored = await _owner(
        admin_url,
        settings,
        "SELECT (SELECT count(*) FROM rollup_learning_sets WHERE sha_code = $1)"
        " + (SELECT count(*) FROM rollup_escalator_levels WHERE sha_code = $1) AS n",
        sha,
    )
    assert stored[0]["n"] > 0


@pytest.mark.parametrize(
    ("rollup", "column", "key"),
    [
        ("rollup_members", "members", "sha_code, profession, status"),
        ("rollup_escalator_levels", "organisations", "sha_code, policy_area, period, level"),
    ],
)
async def test_rebuild_command_finds_and_mends_a_drifted_row(
    admin_url: str, settings: Settings, rollup: str, column: str, key: str
) -> None:
    await _compare(admin_url, settings, write=True)
    await _owner(
        admin_url,
        settings,
        f"UPDATE {rollup} SET {column} = {column} + 3"
        f" WHERE ({key}) = (SELECT {key} FROM {rollup} WHERE {column} > 0 LIMIT 1)",
    )
    check = await _cli(settings, "check", admin_url)
    assert check.returncode == 1, check.stdout + check.stderr
    assert f"{rollup}: 0 missing, 0 extra, 1 wrong" in check.stdout
    mend = await _cli(settings, "rebuild", admin_url)
    assert mend.returncode == 0, mend.stdout + mend.stderr
    assert "some rows differed" in mend.stdout
    assert [d for d in await _compare(admin_url, settings, write=False) if d.any] == []


async def _cli(settings: Settings, action: str, admin_url: str) -> Any:
    """`cln-graph rollups <action>` as an operator runs it, in a process of its own."""
    env = {
        **os.environ,
        "CLN_DB_SCHEMA": settings.db_schema,
        "CLN_DB_OWNER_ROLE": settings.owner_role,
        "CLN_DATA_DIR": str(settings.data_dir),
    }
    command = [sys.executable, "-m", "clngraph.cli", "rollups", action]
    return await asyncio.to_thread(
        subprocess.run,
        [*command, "--database-url", admin_url],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
