"""The validation cache (schema/fastpath/documents.py) answers by document identity: the same
parsed document is validated once under the same schema and rules, and anything else
(another document with the same text, other rules or limits, another schema) is
validated afresh."""

from __future__ import annotations

from graphql import parse, specified_rules
from graphql.validation import KnownDirectivesRule

from schema import build_schema
from schema.fastpath.documents import ValidatedDocuments
from schema.limits import OperationLimits


def test_validation_is_cached_by_document_identity_schema_and_rules() -> None:
    schema = build_schema().graphql_schema
    other_schema = build_schema().graphql_schema
    cache = ValidatedDocuments(maxsize=2)
    limits = OperationLimits()
    rules = tuple(r for r in specified_rules if r is not KnownDirectivesRule)
    document = parse("{ viewer { subject } nope }")
    errors = cache(schema, document, rules, limits)
    assert len(errors) == 1 and errors[0].message.startswith("Cannot query field 'nope'")
    assert cache(schema, document, rules, limits) is errors  # cached
    assert cache(schema, parse("{ viewer { subject } nope }"), rules, limits) is not errors
    unknown = parse("{ viewer { subject @nope } }")
    assert cache(schema, unknown, rules, limits) == []
    assert cache(schema, unknown, tuple(specified_rules), limits) != []  # other rules: again
    aliased = parse("{ a: viewer { subject } }")
    assert cache(schema, aliased, rules, limits) == []
    no_aliases = OperationLimits(max_aliases=0)
    assert cache(schema, aliased, rules, no_aliases) != []  # other limits: validated again
    assert cache(other_schema, aliased, rules, limits) == []
    assert len(cache._entries) == 2  # bounded: the least recently used went first
    assert cache(schema, document, rules, limits) is not errors
