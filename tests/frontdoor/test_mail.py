"""E-mail delivery of notifications against a real SMTP server (aiosmtpd, in-process):
what the server received is read back; a message is sent once however often the worker
runs; a temporary refusal is retried with backoff, a permanent one recorded as FAILED."""

from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from foundation.embedded import free_port
from foundation.settings import Settings
from resolvers.notifications.mailer import deliver_due
from tests.frontdoor.conftest import new_member
from tests.frontdoor.test_notifications import DECIDE, closed_network_request, feed

PREFER_EMAIL = """mutation { setNotificationPreference(kind: MEMBERSHIP_REQUEST_DECIDED,
  channel: EMAIL) { __typename } }"""


class Mailbox:
    """An SMTP handler that keeps what it accepts and refuses addresses as told."""

    def __init__(self) -> None:
        self.received: list[email.message.Message] = []
        self.refuse: dict[str, str] = {}  # address -> SMTP reply

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.Message]:
        return [m for m in self.received if m["To"] == address]


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    handler = Mailbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def mail_settings(settings: Settings, port: int) -> Settings:
    return replace(settings, smtp_host="127.0.0.1", smtp_port=port, email_backoff_s=0.0)


async def decided_with_email(gql: Any, member_token: Any, address: str) -> dict[str, Any]:
    member = await new_member(gql, "Q31", email=address)
    await gql.data(PREFER_EMAIL, token=member_token(member))
    request = await closed_network_request(gql, member_token, member)
    await gql.data(DECIDE, {"id": request, "ok": True}, as_role=("sha_admin", "Q31"))
    return member


async def email_status(gql: Any, token: str) -> str:
    return str((await feed(gql, token))["notifications"]["nodes"][0]["emailStatus"])


async def test_sent_once_and_recorded(
    gql: Any, member_token: Any, app: Any, settings: Settings, mailbox: Any
) -> None:
    box, port = mailbox
    address = f"mail-{free_port()}@nhs.example"
    member = await decided_with_email(gql, member_token, address)
    assert await email_status(gql, member_token(member)) == "PENDING"
    engine, configured = app.state.cln.engine, mail_settings(settings, port)
    report = await deliver_due(engine, configured, limit=500)
    assert report.sent >= 1
    await asyncio.sleep(0)  # the server's thread has handled the DATA before replying
    got = box.to(address)
    assert len(got) == 1
    assert got[0]["Subject"] == "Your request to join a network was approved"
    assert "Welcome" in got[0].get_payload()
    assert got[0]["X-CLN-Notification"].startswith("Q31:")
    assert await email_status(gql, member_token(member)) == "SENT"
    # the worker runs again (and again): nothing is sent twice
    await deliver_due(engine, configured, limit=500)
    await deliver_due(engine, configured, limit=500)
    assert len(box.to(address)) == 1


async def test_temporary_refusal_retried_permanent_failed(
    gql: Any, member_token: Any, app: Any, settings: Settings, mailbox: Any, owner_sql: Any
) -> None:
    box, port = mailbox
    later = f"later-{free_port()}@nhs.example"
    never = f"never-{free_port()}@nhs.example"
    box.refuse = {later: "451 4.7.1 Try again later", never: "550 5.1.1 No such user"}
    first = await decided_with_email(gql, member_token, later)
    second = await decided_with_email(gql, member_token, never)
    engine, configured = app.state.cln.engine, mail_settings(settings, port)
    await deliver_due(engine, configured, limit=500)
    assert await email_status(gql, member_token(first)) == "PENDING"
    assert await email_status(gql, member_token(second)) == "FAILED"
    rows = await owner_sql(
        "SELECT email_attempts, email_error, email_next_at > created_at AS later"
        " FROM notifications WHERE email_to = $1",
        later,
    )
    assert rows[0]["email_attempts"] == 1 and "451" in rows[0]["email_error"]
    # the server takes it now: the retry delivers it once
    box.refuse = {}
    await deliver_due(engine, configured, limit=500)
    assert await email_status(gql, member_token(first)) == "SENT"
    assert len(box.to(later)) == 1 and box.to(never) == []


async def test_server_down_is_retried_then_failed(
    gql: Any, member_token: Any, app: Any, settings: Settings, owner_sql: Any
) -> None:
    address = f"down-{free_port()}@nhs.example"
    member = await decided_with_email(gql, member_token, address)
    configured = replace(
        mail_settings(settings, free_port()), email_max_attempts=2, smtp_timeout_s=2.0
    )
    engine = app.state.cln.engine
    await deliver_due(engine, configured, limit=500)
    assert await email_status(gql, member_token(member)) == "PENDING"
    await deliver_due(engine, configured, limit=500)
    assert await email_status(gql, member_token(member)) == "FAILED"
    rows = await owner_sql("SELECT email_attempts FROM notifications WHERE email_to = $1", address)
    assert rows[0]["email_attempts"] == 2
