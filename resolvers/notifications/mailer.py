"""The e-mail delivery worker: sends the outbox rows whose member asked for e-mail.

Never twice: a batch is claimed (`FOR UPDATE SKIP LOCKED`, so workers in several
processes share the queue; one claim per SHA, as Citus locks rows only within one
shard) and marked SENDING, and that is committed before any SMTP
exchange. Then each message is sent with aiosmtplib and its outcome recorded:

* accepted: SENT, with the time;
* refused before the message was accepted (connection refused, a 4xx reply to the
  envelope or the data): PENDING again with exponential backoff
  (`CLN_EMAIL_BACKOFF_S` x 2^(attempt-1)), FAILED after `CLN_EMAIL_MAX_ATTEMPTS`;
* refused for good (a 5xx reply): FAILED;
* the server went away after the data was sent (the outcome is unknown): FAILED,
  never retried, because the message may have been delivered.

A process that dies between the claim and the outcome leaves rows SENDING; they are
never resent (`fail_interrupted` marks them FAILED after a grace period).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import aiosmtplib
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from foundation.settings import Settings
from resolvers.notifications.system import system_transaction

log = logging.getLogger(__name__)
INTERRUPTED_AFTER = dt.timedelta(minutes=15)

# The claim, in two steps: the due rows of every SHA, oldest first (a read), then one
# claim per SHA among them. Citus locks rows (FOR UPDATE) only in a query that reaches
# one shard, so each claim names its SHA on both tables; PostgreSQL runs the same.
_DUE = text(
    """
    SELECT sha_code, id FROM notifications
    WHERE sha_code = ANY(CAST(:shas AS text[])) AND email_status = 'PENDING'
      AND email_next_at <= now()
    ORDER BY email_next_at, id
    LIMIT :limit
    """
)
_CLAIM = text(
    """
    UPDATE notifications n SET email_status = 'SENDING', email_attempts = n.email_attempts + 1
    FROM (
        SELECT id FROM notifications
        WHERE sha_code = :sha AND id = ANY(CAST(:ids AS uuid[])) AND email_status = 'PENDING'
        FOR UPDATE SKIP LOCKED
    ) due
    WHERE n.sha_code = :sha AND n.id = due.id
    RETURNING n.sha_code, n.id, n.email_to, n.title, n.body, n.kind, n.email_attempts
    """
)
_SENT = text(
    "UPDATE notifications SET email_status = 'SENT', email_sent_at = now(), email_error = NULL"
    " WHERE sha_code = :sha AND id = :id AND email_status = 'SENDING'"
)
_RETRY = text(
    "UPDATE notifications SET email_status = 'PENDING', email_error = :error,"
    " email_next_at = now() + make_interval(secs => :delay)"
    " WHERE sha_code = :sha AND id = :id AND email_status = 'SENDING'"
)
_FAILED = text(
    "UPDATE notifications SET email_status = 'FAILED', email_error = :error"
    " WHERE sha_code = :sha AND id = :id AND email_status = 'SENDING'"
)
_INTERRUPTED = text(
    "UPDATE notifications SET email_status = 'FAILED',"
    " email_error = 'interrupted while sending: outcome unknown, not resent'"
    " WHERE sha_code = ANY(CAST(:shas AS text[])) AND email_status = 'SENDING'"
    " AND created_at < now() - make_interval(secs => :grace)"
    " RETURNING id"
)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def message(settings: Settings, row: Any) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = row.email_to
    mail["Subject"] = row.title
    # one Message-ID per notification: a receiving system can tell a copy apart
    mail["Message-ID"] = make_msgid(idstring=str(row.id), domain="cln-graph")
    mail["X-CLN-Notification"] = f"{row.sha_code}:{row.id}"
    mail.set_content(
        f"{row.body}\n\n"
        "You receive this because you asked for e-mail about this kind of event;"
        " change it in your notification settings."
    )
    return mail


async def _send(settings: Settings, mail: EmailMessage) -> None:
    await aiosmtplib.send(
        mail,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        timeout=settings.smtp_timeout_s,
        start_tls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=settings.smtp_password,
    )


def classify(error: Exception) -> str:
    """retry (not accepted, may work later), fail (refused for good), or unknown."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in error.recipients]
        return "retry" if codes and all(400 <= c < 500 for c in codes) else "fail"
    if isinstance(error, aiosmtplib.SMTPServerDisconnected | aiosmtplib.SMTPReadTimeoutError):
        return "unknown"
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return "retry" if 400 <= error.code < 500 else "fail"
    if isinstance(
        error, aiosmtplib.SMTPConnectError | aiosmtplib.SMTPConnectTimeoutError | OSError
    ):
        return "retry"
    return "unknown"


async def deliver_due(
    engine: AsyncEngine, settings: Settings, *, limit: int = 50
) -> DeliveryReport:
    """Send one batch of due e-mails; returns what happened."""
    report = DeliveryReport()
    if not settings.smtp_host:
        return report
    claimed: list[Any] = []
    async with system_transaction(engine, settings, "mailer") as db:
        due: dict[str, list[Any]] = {}
        for r in await db.rows(_DUE, {"shas": sorted(db.scope.read), "limit": limit}):
            due.setdefault(r.sha_code, []).append(r.id)
        for sha, ids in sorted(due.items()):
            claimed.extend(await db.rows(_CLAIM, {"sha": sha, "ids": ids}))
    for row in claimed:
        outcome, error = "sent", ""
        try:
            await _send(settings, message(settings, row))
        except Exception as exc:  # every failure is recorded, none escapes the worker
            outcome, error = classify(exc), f"{type(exc).__name__}: {exc}"[:500]
        keys = {"sha": row.sha_code, "id": row.id}
        async with system_transaction(engine, settings, "mailer", frozenset({row.sha_code})) as db:
            if outcome == "sent":
                await db.rows(_SENT, keys)
                report.sent += 1
            elif outcome == "retry" and row.email_attempts < settings.email_max_attempts:
                delay = settings.email_backoff_s * 2 ** (row.email_attempts - 1)
                await db.rows(_RETRY, {**keys, "error": error, "delay": delay})
                report.retried += 1
            else:
                if outcome == "unknown":
                    error = f"outcome unknown, not resent: {error}"
                await db.rows(_FAILED, {**keys, "error": error})
                report.failed += 1
        if error:
            report.errors.append(error)
            log.warning("notification e-mail not sent", extra={"outcome": outcome})
    return report


async def fail_interrupted(engine: AsyncEngine, settings: Settings) -> int:
    """Rows left SENDING by a process that died mid-send: FAILED, never resent."""
    async with system_transaction(engine, settings, "mailer") as db:
        rows = await db.rows(
            _INTERRUPTED,
            {"shas": sorted(db.scope.read), "grace": INTERRUPTED_AFTER.total_seconds()},
        )
    return len(rows)
