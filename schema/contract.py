"""The schema as a contract: breaking changes against the last released schema.

`schema/released.graphql` is the schema of the previous release, committed when a
release is cut (`cln-graph release-schema`). `cln-graph check-breaking` (run by
`./dev test`) compares the schema built from the code with it using graphql-core's
`find_breaking_changes`: removing or retyping a field, argument, type or enum value
fails; additions pass; "dangerous" changes (e.g. a new enum value, an argument
default changed) are printed as warnings.
"""

from __future__ import annotations

from pathlib import Path

from graphql import (
    BreakingChange,
    DangerousChange,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
)

RELEASED_FILE = Path(__file__).resolve().parent / "released.graphql"


def released_schema(path: Path = RELEASED_FILE) -> GraphQLSchema:
    # the SDL carries federation directives (@link, @key) it does not define
    return build_schema(path.read_text(), assume_valid_sdl=True)


def compare(
    released: GraphQLSchema, current: GraphQLSchema
) -> tuple[list[BreakingChange], list[DangerousChange]]:
    return find_breaking_changes(released, current), find_dangerous_changes(released, current)
