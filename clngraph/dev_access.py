"""Development tokens for the CLI: a member of a given SHA, an admin, or a national lead."""

from __future__ import annotations

from auth.dev_tokens import issue_dev_token, load_or_create_key
from clngraph.app import dev_key_path
from clngraph.seed import first_member
from foundation.settings import Settings
from tenants.codes import validate_sha_code

NATIONAL = {"national_lead", "platform_admin"}


async def dev_token(settings: Settings, admin_url: str, role: str, sha: str | None) -> str:
    key = load_or_create_key(dev_key_path(settings))
    if role in NATIONAL:
        return issue_dev_token(
            key,
            issuer=settings.issuer,
            audience=settings.audience,
            subject=f"dev-{role}",
            roles=[role],
        )
    if not sha:
        raise SystemExit("regional roles need --sha, e.g. --sha Q31")
    code = validate_sha_code(sha)
    member = await first_member(admin_url, settings, code)
    roles = ["member"] if role == "member" else ["member", role]
    return issue_dev_token(
        key,
        issuer=settings.issuer,
        audience=settings.audience,
        subject=member[0] if member else f"dev-{code}-{role}",
        roles=roles,
        sha=code,
        member_id=member[0] if member else None,
    )
