"""Row-level security on every tenant table of migration 1000: a transaction of one SHA
reads none of another's rows and cannot write one, whatever the resolvers do."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.frontdoor.conftest import new_member
from tests.frontdoor.test_notifications import closed_network_request
from tests.support import app_transaction

# table -> a row of it for SHA Q36 (the keys it needs), as the API would write one
ROWS: dict[str, str] = {
    "member_identities": "(sha_code, subject, member_id) VALUES ('Q36', 'x', :m)",
    "forum_thread_follows": "(sha_code, thread_id, member_id) VALUES ('Q36', :u, :m)",
    "organisation_move_requests": "(sha_code, member_id, organisation_id) VALUES ('Q36', :m, :u)",
    "network_join_requests": "(sha_code, network_id, member_id) VALUES ('Q36', :u, :m)",
    "learning_set_join_requests": "(sha_code, set_id, member_id) VALUES ('Q36', :u, :m)",
    "notifications": "(sha_code, member_id, kind, title, body) VALUES ('Q36', :m, 'MENTION', 't', 'b')",
    "notification_preferences": "(sha_code, member_id, kind, channel) VALUES ('Q36', :m, 'MENTION', 'OFF')",
    "data_exports": "(sha_code, member_id) VALUES ('Q36', :m)",
    "leave_requests": "(sha_code, member_id) VALUES ('Q36', :m)",
}


@pytest.mark.parametrize("table", sorted(ROWS))
async def test_one_sha_cannot_write_another(app: Any, table: str) -> None:
    london = uuid.uuid4()
    with pytest.raises(DBAPIError) as refused:
        async with app_transaction(app, ("Q31",), ("Q31",)) as db:
            await db.rows(
                text(f"INSERT INTO {table} {ROWS[table]}"), {"m": london, "u": uuid.uuid4()}
            )
    assert "row-level security" in str(refused.value)


async def test_one_sha_reads_none_of_another(app: Any, gql: Any, member_token: Any) -> None:
    london = await new_member(gql, "Q36")
    await closed_network_request(gql, member_token, london)
    async with app_transaction(app, ("Q36",)) as db:
        seen = await db.scalar(text("SELECT count(*) FROM network_join_requests"))
    assert seen >= 1
    async with app_transaction(app, ("Q31",)) as db:
        for table in ROWS:
            count = await db.scalar(text(f"SELECT count(*) FROM {table} WHERE sha_code = 'Q36'"))
            assert count == 0, table
