"""The queries of docs/front-end.md are valid against the schema (they are what a front
end copies)."""

from __future__ import annotations

import re

from graphql import parse, validate

from foundation.settings import PROJECT_ROOT
from schema import build_schema


def test_every_graphql_block_of_the_front_end_page_validates() -> None:
    schema = build_schema().graphql_schema
    page = (PROJECT_ROOT / "docs" / "front-end.md").read_text()
    blocks = re.findall(r"```graphql\n(.*?)```", page, re.S)
    assert len(blocks) >= 4
    for block in blocks:
        assert validate(schema, parse(block)) == [], block
