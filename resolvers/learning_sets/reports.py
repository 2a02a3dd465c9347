"""The set lead's figures as SQL: attendance per member and members at risk of
dropping out. Each is one statement (plus an optional COUNT), paginated by keyset."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Float, Select, and_, case, cast, func, literal, or_, select

from resolvers.directory.tables import members
from resolvers.learning_sets.tables import attendance, meetings, set_members


def _held_while_member(m: Any, mt: Any) -> Any:
    """Meetings of the member's set that were held while they belonged to it."""
    return and_(
        mt.c.sha_code == m.c.sha_code,
        mt.c.set_id == m.c.set_id,
        mt.c.status == "HELD",
        mt.c.held_on >= m.c.joined_on,
        or_(m.c.left_on.is_(None), mt.c.held_on <= m.c.left_on),
    )


def member_attendance(sha: str, set_id: uuid.UUID, include_former: bool) -> Select[Any]:
    """One row per member of the set: meetings held, attended, apologies, rate."""
    m, mt, a, p = set_members, meetings, attendance, members
    attended = a.c.status == "ATTENDED"
    stats = (
        select(
            m.c.sha_code,
            m.c.member_id,
            m.c.role,
            p.c.family_name,
            p.c.given_name,
            func.count(mt.c.id).label("held"),
            func.count(a.c.member_id).filter(attended).label("attended"),
            func.count(a.c.member_id).filter(a.c.status == "APOLOGIES").label("apologies"),
            func.max(mt.c.held_on).filter(attended).label("last_attended_on"),
        )
        .select_from(
            m.join(p, and_(p.c.sha_code == m.c.sha_code, p.c.id == m.c.member_id))
            # the SHA as a constant on each outer-joined table too: Citus then routes
            # the statement to the SHA's shard (without, "complex joins are only
            # supported when all distributed tables are co-located ...")
            .outerjoin(mt, and_(_held_while_member(m, mt), mt.c.sha_code == sha))
            .outerjoin(
                a,
                and_(
                    a.c.sha_code == sha,
                    a.c.sha_code == mt.c.sha_code,
                    a.c.meeting_id == mt.c.id,
                    a.c.member_id == m.c.member_id,
                ),
            )
        )
        .where(m.c.sha_code == sha, m.c.set_id == set_id, p.c.sha_code == sha)
        .group_by(m.c.sha_code, m.c.member_id, m.c.role, p.c.family_name, p.c.given_name)
    )
    if not include_former:
        stats = stats.where(m.c.left_on.is_(None))
    inner = stats.subquery("stats")
    rate = case(
        (inner.c.held > 0, cast(inner.c.attended, Float) / inner.c.held), else_=literal(None)
    )
    rated = select(
        inner,
        rate.label("rate"),
        # Sort key without NULLs, so keyset cursors compare cleanly.
        func.coalesce(rate, cast(-1.0, Float)).label("rate_key"),
    ).subquery("rated")
    return select(rated)


def members_at_risk(sha: str, set_id: uuid.UUID, missed_last: int) -> Select[Any]:
    """Current members who were absent (or sent apologies) at each of the set's last
    `missed_last` held meetings since they joined; members who have not yet had that
    many meetings are not counted as at risk."""
    m, mt, a, p = set_members, meetings, attendance, members
    ranked = (
        select(
            m.c.sha_code,
            m.c.member_id,
            mt.c.id.label("meeting_id"),
            func.row_number()
            .over(partition_by=(m.c.sha_code, m.c.member_id), order_by=mt.c.held_on.desc())
            .label("rn"),
        )
        .select_from(m.join(mt, _held_while_member(m, mt)))
        .where(m.c.sha_code == sha, m.c.set_id == set_id, m.c.left_on.is_(None))
        .subquery("ranked")
    )
    attended = a.c.status == "ATTENDED"
    recent = (
        select(ranked.c.sha_code, ranked.c.member_id, func.count().label("missed"))
        .select_from(
            ranked.outerjoin(
                a,
                and_(
                    a.c.sha_code == ranked.c.sha_code,
                    a.c.meeting_id == ranked.c.meeting_id,
                    a.c.member_id == ranked.c.member_id,
                    attended,
                ),
            )
        )
        .where(ranked.c.rn <= missed_last)
        .group_by(ranked.c.sha_code, ranked.c.member_id)
        .having(and_(func.count() == missed_last, func.count(a.c.member_id) == 0))
        .subquery("recent")
    )
    last_attended = (
        select(func.max(mt.c.held_on))
        .select_from(a.join(mt, and_(mt.c.sha_code == a.c.sha_code, mt.c.id == a.c.meeting_id)))
        .where(
            # the SHA as a constant, not recent's column: Citus then routes the whole
            # statement to the SHA's shard rather than failing to plan the correlation
            a.c.sha_code == sha,
            mt.c.sha_code == sha,
            a.c.set_id == set_id,
            a.c.member_id == recent.c.member_id,
            attended,
        )
        .scalar_subquery()
    )
    rows = (
        select(
            recent.c.sha_code,
            recent.c.member_id,
            recent.c.missed,
            p.c.family_name,
            p.c.given_name,
            last_attended.label("last_attended_on"),
        )
        .select_from(
            recent.join(p, and_(p.c.sha_code == recent.c.sha_code, p.c.id == recent.c.member_id))
        )
        .where(p.c.sha_code == sha)
        .subquery("at_risk")
    )
    return select(rows)
