"""Checks on case-study input: attachment links must be plain https URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

from resolvers.common.errors import FieldProblem

MAX_ATTACHMENTS = 20
MAX_URL = 2000


def check_url(url: str, field: str) -> list[FieldProblem]:
    """https only, with a host, no embedded credentials, no whitespace."""
    if len(url) > MAX_URL:
        return [FieldProblem(field, f"must be at most {MAX_URL} characters")]
    if any(ch.isspace() for ch in url):
        return [FieldProblem(field, "must not contain whitespace")]
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return [FieldProblem(field, "is not a valid URL")]
    if parts.scheme != "https":
        return [FieldProblem(field, "must be an https URL")]
    if not parts.hostname or "." not in parts.hostname:
        return [FieldProblem(field, "must name a host")]
    if parts.username is not None or parts.password is not None:
        return [FieldProblem(field, "must not contain credentials")]
    return []


def check_attachments(items: list[tuple[str, str]] | None) -> list[FieldProblem]:
    if items is None:
        return []
    if len(items) > MAX_ATTACHMENTS:
        return [FieldProblem("attachments", f"at most {MAX_ATTACHMENTS} links")]
    problems: list[FieldProblem] = []
    for i, (title, url) in enumerate(items):
        if not title.strip() or len(title) > 200:
            problems.append(FieldProblem(f"attachments.{i}.title", "must be 1-200 characters"))
        problems += check_url(url.strip(), f"attachments.{i}.url")
    return problems
