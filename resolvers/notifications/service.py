"""`notify(...)`: the one function other domains call to tell members of an event.

The notification is written in the caller's transaction (the outbox), so it exists
only if the event commits; a NOTIFY on `notifications`, announced once the
transaction has committed (`TenantDB.announce`), wakes the live subscribers
(tenants/pubsub.py), and the e-mail delivery
worker (mailer.py) sends the ones whose member asked for e-mail. The member's
preference for the kind decides: IN_APP (default) the feed, EMAIL the feed and an
e-mail, OFF nothing. A `dedupe_key` makes a repeated event (a reminder job run
twice) a no-op. Recipients outside the request's writable SHAs are skipped: RLS
would refuse the row, and a member is told only by her own region.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Text, text

from resolvers.notifications.enums import NotificationKind
from tenants.prepared import prepared
from tenants.transaction import TenantDB

log = logging.getLogger(__name__)
CHANNEL = "notifications"
MAX_TITLE = 200
MAX_BODY = 2000

# One statement: the member's preference and e-mail decide the row; the NOTIFY goes
# out after the commit. `members.erased_at` keeps a departed member's feed empty.
_INSERT = """
WITH recipient AS (
    SELECT m.sha_code, m.id, m.email,
           coalesce(p.channel, 'IN_APP') AS channel
    FROM members m
    LEFT JOIN notification_preferences p
      ON p.sha_code = m.sha_code AND p.member_id = m.id AND p.kind = CAST(:kind AS text)
    WHERE {where} AND m.erased_at IS NULL AND m.status = 'ACTIVE'
), added AS (
    INSERT INTO notifications (sha_code, member_id, kind, title, body, subject_id,
                               dedupe_key, in_app, email_status, email_to, email_next_at)
    SELECT r.sha_code, r.id, CAST(:kind AS text), CAST(:title AS text), CAST(:body AS text),
           CAST(:subject AS text), {dedupe}, true,
           CASE WHEN r.channel = 'EMAIL' AND r.email IS NOT NULL THEN 'PENDING' ELSE 'NONE' END,
           CASE WHEN r.channel = 'EMAIL' THEN r.email END,
           CASE WHEN r.channel = 'EMAIL' AND r.email IS NOT NULL THEN now() END
    FROM recipient r WHERE r.channel <> 'OFF'
    ON CONFLICT (sha_code, member_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
    RETURNING sha_code, member_id, id
)
"""
# what one statement tells of the rows it added: a count, or each member told
_SUMMARY = """
SELECT count(*) AS n, min(id::text) AS one, min(sha_code) AS sha, {member_payload} AS member
FROM added
HAVING count(*) > 0
"""
_EACH = "SELECT 1 AS n, id::text AS one, sha_code AS sha, member_id::text AS member FROM added"


@functools.cache
def _statement(broadcast: bool) -> Any:
    """Built once per form, run prepared (tenants/prepared.py: its result keys are
    declared with `columns`)."""
    where = "m.sha_code = CAST(:sha AS text)"
    if not broadcast:
        where += " AND m.id = CAST(:member AS uuid)"
    return prepared(
        text(
            _INSERT.format(
                where=where,
                dedupe="CAST(NULL AS text)" if broadcast else "CAST(:dedupe AS text)",
            )
            + _SUMMARY.format(member_payload="NULL" if broadcast else "min(member_id::text)")
        ).columns(n=BigInteger, one=Text, sha=Text, member=Text)
    )


async def notify_selected(
    db: TenantDB,
    sha_code: str,
    recipients: str,
    params: dict[str, Any],
    kind: NotificationKind,
    title: str,
    body: str = "",
    *,
    subject_id: str | None = None,
    dedupe_key: str | None = None,
    writable: frozenset[str] | None = None,
    skip: Sequence[uuid.UUID] = (),
) -> int:
    """Tell the members of one SHA that `recipients` selects (SQL giving member ids,
    with `params`), but those in `skip`, in one statement: a reply's followers are read
    and told in the same round trip. Each is told as `notify` would tell her; returns
    how many were."""
    if _elsewhere(sha_code, writable, kind):
        return 0
    told = await db.rows(
        _selected_statement(recipients),
        {
            **params,
            **_wording(kind, title, body, subject_id),
            "sha": sha_code,
            "dedupe": dedupe_key,
            "skip": list(skip),
        },
    )
    for row in told:
        _announce(db, row)
    return len(told)


@functools.cache
def _selected_statement(recipients: str) -> Any:
    """One form per recipients' SQL (each caller passes a constant), built once, run
    prepared; one row per member told."""
    where = (
        f"m.sha_code = CAST(:sha AS text) AND m.id IN ({recipients})"
        " AND m.id <> ALL(CAST(:skip AS uuid[]))"
    )
    return prepared(
        text(_INSERT.format(where=where, dedupe="CAST(:dedupe AS text)") + _EACH).columns(
            n=BigInteger, one=Text, sha=Text, member=Text
        )
    )


def _announce(db: TenantDB, row: Any) -> None:
    """Wake the live subscribers of the member told (or of her whole SHA) after commit."""
    if row is not None:
        payload = {"sha": row.sha, "member": row.member, "count": int(row.n)}
        db.announce(CHANNEL, json.dumps(payload, separators=(",", ":")))


def _elsewhere(sha: str, writable: frozenset[str] | None, kind: NotificationKind) -> bool:
    """A recipient outside the request's writable SHAs, when given: RLS would refuse
    her row, and a member is told only by her own region."""
    if writable is not None and sha not in writable:
        log.info("notification to another region skipped", extra={"kind": kind.value})
        return True
    return False


def _wording(
    kind: NotificationKind, title: str, body: str, subject_id: str | None
) -> dict[str, Any]:
    """The parameters every form of the statement takes: what she is told."""
    return {
        "kind": kind.value,
        "title": _clip(title, MAX_TITLE),
        "body": _clip(body, MAX_BODY),
        "subject": subject_id,
    }


def _clip(value: str, limit: int) -> str:
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"


async def notify(
    db: TenantDB,
    recipient: tuple[str, uuid.UUID],
    kind: NotificationKind,
    title: str,
    body: str = "",
    *,
    subject_id: str | None = None,
    dedupe_key: str | None = None,
    writable: frozenset[str] | None = None,
) -> uuid.UUID | None:
    """Tell one member (`(sha_code, member_id)`) of an event, in `db`'s transaction.

    Returns the notification's id, or None when nothing was written (her preference
    is OFF, the same `dedupe_key` was used before, she is not an active member, or her
    SHA is not in `writable`, the request's writable SHAs, when given)."""
    sha, member = recipient
    if _elsewhere(sha, writable, kind):
        return None
    row = await db.first(
        _statement(False),
        {
            **_wording(kind, title, body, subject_id),
            "sha": sha,
            "member": member,
            "dedupe": dedupe_key,
        },
    )
    _announce(db, row)
    return uuid.UUID(row.one) if row is not None and row.one else None


async def notify_sha(
    db: TenantDB,
    sha_code: str,
    kind: NotificationKind,
    title: str,
    body: str = "",
    *,
    subject_id: str | None = None,
) -> int:
    """Tell every active member of one SHA (one INSERT ... SELECT and one NOTIFY);
    returns how many were told."""
    row: Any = await db.first(
        _statement(True), {**_wording(kind, title, body, subject_id), "sha": sha_code}
    )
    _announce(db, row)
    return int(row.n) if row is not None else 0
