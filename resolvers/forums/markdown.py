"""Markdown to safe HTML. Posts are stored as Markdown source; the HTML is rendered on
read with raw HTML disabled, then sanitised by an allow-list (ammonia via nh3), so a
script tag, an event handler or a `javascript:` link never reaches a front end."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source: str) -> str:
    """Sanitised HTML for a post body; links get rel="nofollow noopener noreferrer"."""
    return nh3.clean(
        _md.render(source),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
