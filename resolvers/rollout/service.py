"""Rollout writes. Lifecycle changes run through the owner-role path (tenants/admin.py);
front-end settings and hosts are written by the API role under RLS."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, update
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.common.audit import record_audit
from resolvers.common.context import Context
from resolvers.common.errors import Conflict, FieldProblem, NotFound, ValidationFailed, require
from resolvers.common.mutation import ensure_writable
from resolvers.directory.types import Sha
from resolvers.rollout.tables import sha_hosts, sha_settings
from tenants import lifecycle
from tenants.admin import make_admin_engine
from tenants.codes import InvalidShaCode, validate_sha_code
from tenants.onboarding import OnboardingRefused, OnboardingResult, onboard_sha
from tenants.registry import RolloutStatus

HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")
FEATURES = frozenset(
    {
        "directory",
        "networks",
        "forums",
        "learning_sets",
        "events",
        "development",
        "escalator",
        "engagement",
        "knowledge",
        "policy",
    }
)


def admin_engine(ctx: Context) -> AsyncEngine:
    """The lifecycle engine, made on first use and kept in the app state."""
    extras = ctx.app_state.extras
    if "admin_engine" not in extras:
        extras["admin_engine"] = make_admin_engine(ctx.app_state.admin_url, ctx.settings)
    engine: AsyncEngine = extras["admin_engine"]
    return engine


def sha_code_input(value: str, field: str = "code") -> str:
    try:
        return validate_sha_code(value)
    except InvalidShaCode as exc:
        raise ValidationFailed([FieldProblem(field, str(exc))]) from None


def check_hosts(hosts: list[str]) -> list[str]:
    cleaned = [h.strip().lower() for h in hosts]
    require(
        [
            FieldProblem("hosts", f"{h!r} is not a host name")
            for h in cleaned
            if not HOST_RE.match(h)
        ]
    )
    if len(set(cleaned)) != len(cleaned):
        raise ValidationFailed([FieldProblem("hosts", "a host is named twice")])
    return cleaned


async def fresh_sha(ctx: Context, code: str) -> Sha:
    """The SHA as the registry says now (this process's snapshot is refreshed first)."""
    ctx.registry.invalidate()
    ctx.shas = await ctx.registry.snapshot()
    return Sha.from_record(ctx.shas[code])


async def onboard(ctx: Context, code: str, name: str, hosts: list[str]) -> OnboardingResult:
    code = sha_code_input(code)
    cleaned = check_hosts(hosts)
    taken = [h for h in cleaned if h in ctx.registry.hosts]
    if taken:
        raise Conflict(f"host {', '.join(taken)} already serves another SHA")
    try:
        return await onboard_sha(
            admin_engine(ctx), ctx.settings, code, name, actor=ctx.db.actor, hosts=cleaned
        )
    except OnboardingRefused as exc:
        raise Conflict(str(exc)) from None


async def change_status(
    ctx: Context, code: str, status: RolloutStatus, note: str | None
) -> lifecycle.StatusChanged:
    code = sha_code_input(code)
    if note is not None and len(note) > 500:
        raise ValidationFailed([FieldProblem("note", "at most 500 characters")])
    try:
        return await lifecycle.change_status(
            admin_engine(ctx), ctx.settings, code, status, actor=ctx.db.actor, note=note
        )
    except lifecycle.UnknownSha:
        raise NotFound("Sha", code) from None


@dataclass
class SettingsChanges:
    display_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    features: list[str] | None = None


async def update_settings(ctx: Context, code: str, changes: SettingsChanges) -> str:
    code = sha_code_input(code)
    if code not in ctx.shas:
        raise NotFound("Sha", code)
    ensure_writable(ctx, code)
    problems: list[FieldProblem] = []
    values: dict[str, object] = {}
    if changes.display_name is not None:
        if not 1 <= len(changes.display_name.strip()) <= 200:
            problems.append(FieldProblem("displayName", "1 to 200 characters"))
        values["display_name"] = changes.display_name.strip()
    if changes.contact_email is not None:
        if changes.contact_email and not EMAIL_RE.match(changes.contact_email):
            problems.append(FieldProblem("contactEmail", "is not an e-mail address"))
        values["contact_email"] = changes.contact_email or None
    if changes.contact_phone is not None:
        if len(changes.contact_phone) > 40:
            problems.append(FieldProblem("contactPhone", "at most 40 characters"))
        values["contact_phone"] = changes.contact_phone or None
    if changes.features is not None:
        unknown = sorted(set(changes.features) - FEATURES)
        if unknown:
            problems.append(FieldProblem("features", f"unknown features {unknown}"))
        values["features"] = sorted(set(changes.features))
    require(problems)
    values.update(updated_at=func.now(), updated_by=ctx.db.actor)
    row = await ctx.db.first(
        update(sha_settings)
        .where(sha_settings.c.sha_code == code)
        .values(**values)
        .returning(sha_settings.c.sha_code)
    )
    if row is None:
        raise NotFound("Sha", code)
    await record_audit(
        ctx.db,
        sha_code=code,
        action="sha.settings",
        entity_type="Sha",
        entity_id=code,
        detail={k: v for k, v in values.items() if k not in ("updated_at",)},
    )
    return code


async def set_hosts(ctx: Context, code: str, hosts: list[str]) -> str:
    code = sha_code_input(code)
    if code not in ctx.shas:
        raise NotFound("Sha", code)
    ensure_writable(ctx, code)
    cleaned = check_hosts(hosts)
    await ctx.db.rows(delete(sha_hosts).where(sha_hosts.c.sha_code == code))
    if cleaned:
        await ctx.db.rows(
            insert(sha_hosts).values([{"host": h, "sha_code": code} for h in cleaned])
        )
    await record_audit(
        ctx.db,
        sha_code=code,
        action="sha.hosts",
        entity_type="Sha",
        entity_id=code,
        detail={"hosts": cleaned},
    )
    # The next snapshot (after this request commits) carries the new hosts.
    ctx.registry.invalidate()
    return code
