"""The events of other domains that members are told of, as small functions their
services call in the same transaction. Each decides who hears of what; `notify`
(service.py) writes the outbox rows."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, text

from resolvers.common.context import Context
from resolvers.common.ids import GlobalId, decode_id, encode_id
from resolvers.learning_sets.tables import set_members
from resolvers.notifications.enums import NotificationKind
from resolvers.notifications.service import notify, notify_selected, notify_sha

AT_RISK_AFTER = 3  # missed meetings in a row (the set lead's report uses the same)
# A mention in a post: `@` and the member's global id, as a front end inserts it
# when the writer picks a name (e.g. `@TWVtYmVyOlEzMTo...`).
MENTION = re.compile(r"@([A-Za-z0-9_-]{16,120})")


async def waitlist_promoted(ctx: Context, promoted: Iterable[tuple[str, Any]]) -> None:
    """Registrations confirmed from the waiting list: tell each member, in her own SHA.

    A national event's waiting list holds members of every region, whose SHAs this
    request may not write; `notify_waitlist_promoted` (migration 1450, SECURITY
    DEFINER like the event functions that promoted them) writes the notification only
    for a registration promoted in this transaction, with its own wording."""
    for sha, reg_id in promoted:
        await ctx.db.rows(
            text("SELECT notify_waitlist_promoted(:sha, :id) AS id"), {"sha": sha, "id": reg_id}
        )


# A reply's readers: the thread's followers in the post's SHA and its starter (when
# of that SHA).
_THREAD_READERS = (
    "SELECT f.member_id FROM forum_thread_follows f"
    " WHERE f.sha_code = CAST(:sha AS text) AND f.thread_sha_code = CAST(:thread_sha AS text)"
    " AND f.thread_id = CAST(:thread AS uuid)"
    " UNION SELECT CAST(:starter AS uuid)"
)


async def post_added(ctx: Context, post: Any, thread: Any, author: uuid.UUID) -> None:
    """A reply: the thread's starter and its followers hear of it (not the writer);
    members mentioned in it (of the writer's SHA) hear of the mention. In a national
    forum, the starter and followers of other SHAs are told there by
    `forum_national_reply` (migration 1400): this request may not write their outbox."""
    sha = post.sha_code
    post_id = encode_id("ForumPost", sha, post.id)
    mentioned = mentions(sha, post.body_markdown) - {author}
    for member in sorted(mentioned, key=str):
        await notify(
            ctx.db,
            (sha, member),
            NotificationKind.MENTION,
            f"You were mentioned in {thread.title}",
            _excerpt(post.body_markdown),
            subject_id=post_id,
            dedupe_key=f"mention:{post.id}",
            writable=ctx.scope.write,
        )
    await notify_selected(
        ctx.db,
        sha,
        _THREAD_READERS,
        {
            "thread_sha": thread.sha_code,
            "thread": thread.id,
            "starter": thread.author_id if thread.sha_code == sha else None,
        },
        NotificationKind.THREAD_REPLY,
        f"New reply in {thread.title}",
        _excerpt(post.body_markdown),
        subject_id=post_id,
        dedupe_key=f"reply:{post.id}",
        writable=ctx.scope.write,
        skip=[author, *mentioned],  # the writer, and those told of a mention
    )
    if post.forum_is_national:
        # the starter and followers of other SHAs, in their SHA's outbox
        await ctx.db.scalar(
            text(
                "SELECT forum_national_reply(:sha, :post, :created, :thread_sha, :thread,"
                " :forum_sha, :forum, :title, :body, :subject)"
            ),
            {
                "sha": sha,
                "post": post.id,
                "created": post.created_at,
                "thread_sha": thread.sha_code,
                "thread": thread.id,
                "forum_sha": post.forum_sha_code,
                "forum": post.forum_id,
                "title": f"New reply in {thread.title}"[:200],
                "body": _excerpt(post.body_markdown),
                "subject": post_id,
            },
        )


def mentions(sha: str, body: str) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for token in MENTION.findall(body):
        try:
            gid = decode_id(token, "Member")
            if gid.sha_code == sha:  # only members of the post's own SHA
                found.add(uuid.UUID(gid.key))
        except Exception:
            continue
    return found


def _excerpt(body: str, limit: int = 280) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


async def consultation_opened(ctx: Context, row: Any) -> None:
    """A regional consultation: its SHA's members; a national one: the members of
    every SHA this request writes (a national lead's)."""
    shas = [row.sha_code] if row.reach == "REGIONAL" else sorted(ctx.scope.write)
    for sha in shas:
        if sha in ctx.scope.write:
            await notify_sha(
                ctx.db,
                sha,
                NotificationKind.CONSULTATION_OPENED,
                f"Consultation opened: {row.title}",
                f"Open until {row.closes_at:%d %B %Y}.",
                subject_id=encode_id("Consultation", row.sha_code, row.id),
            )


async def author_member(ctx: Context, sha: str, actor: str) -> uuid.UUID | None:
    """The member behind an audit actor (`user:<subject>`): linked through
    member_identities, or a subject that is the member's own id (development tokens)."""
    if not actor.startswith("user:"):
        return None
    subject = actor[len("user:") :]
    found = await ctx.db.scalar(
        text("SELECT member_id FROM member_identities WHERE sha_code = :sha AND subject = :s"),
        {"sha": sha, "s": subject},
    )
    if found is not None:
        return uuid.UUID(str(found))
    key: uuid.UUID | None
    try:
        key = uuid.UUID(subject)
    except ValueError:
        try:
            gid = decode_id(subject, "Member")
            key = uuid.UUID(gid.key) if gid.sha_code == sha else None
        except Exception:
            return None
        if key is None:
            return None
    exists = await ctx.db.scalar(
        text("SELECT id FROM members WHERE sha_code = :sha AND id = :id"), {"sha": sha, "id": key}
    )
    return key if exists is not None else None


async def case_study_status(ctx: Context, row: Any) -> None:
    """A case study changed status: its author hears of it (unless she changed it)."""
    author = await author_member(ctx, row.sha_code, row.created_by)
    if author is None or row.created_by == ctx.db.actor:
        return
    await notify(
        ctx.db,
        (row.sha_code, author),
        NotificationKind.CASE_STUDY_STATUS,
        f"Your case study is now {row.status.lower()}: {row.title}",
        subject_id=encode_id("CaseStudy", row.sha_code, row.id),
        writable=ctx.scope.write,
    )


async def set_members_at_risk(ctx: Context, sha: str, set_id: uuid.UUID, meeting_id: Any) -> None:
    """After attendance is recorded: the set's facilitators hear of each member who
    has now missed AT_RISK_AFTER meetings in a row (once per member and meeting)."""
    from resolvers.learning_sets.reports import members_at_risk

    m = set_members

    at_risk = await ctx.db.rows(members_at_risk(sha, set_id, AT_RISK_AFTER))
    if not at_risk:
        return
    facilitators = await ctx.db.rows(
        select(m.c.member_id).where(
            m.c.sha_code == sha,
            m.c.set_id == set_id,
            m.c.role == "FACILITATOR",
            m.c.left_on.is_(None),
        )
    )
    set_gid = GlobalId("LearningSet", sha, str(set_id)).encode()
    for lead in facilitators:
        for member in at_risk:
            if member.member_id == lead.member_id:
                continue
            await notify(
                ctx.db,
                (sha, lead.member_id),
                NotificationKind.LEARNING_SET_MEMBER_AT_RISK,
                f"{member.given_name} {member.family_name} has missed {member.missed}"
                " meetings in a row",
                "A word from the facilitator may keep them in the set.",
                subject_id=set_gid,
                dedupe_key=f"at-risk:{set_id}:{member.member_id}:{meeting_id}",
                writable=ctx.scope.write,
            )
