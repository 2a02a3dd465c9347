"""The validation cache (schema/fastpath/documents.py) answers by document identity: the same
parsed document is validated once under the same schema and rules, and anything else
(another document with the same text, other rules, another schema) is validated
afresh."""

from __future__ import annotations

from graphql import parse, specified_rules
from strawberry.extensions import MaxAliasesLimiter

from schema import build_schema
from schema.fastpath.documents import ValidatedDocuments


def test_validation_is_cached_by_document_identity_schema_and_rules() -> None:
    schema = build_schema()._schema
    other_schema = build_schema()._schema
    cache = ValidatedDocuments(maxsize=2)
    rules = tuple(specified_rules)
    document = parse("{ viewer { subject } nope }")
    errors = cache(schema, document, rules)
    assert len(errors) == 1 and errors[0].message.startswith("Cannot query field 'nope'")
    assert cache(schema, document, rules) is errors  # cached
    assert cache(schema, parse("{ viewer { subject } nope }"), rules) is not errors
    aliases = (*rules, *MaxAliasesLimiter(max_alias_count=0).validation_rules)
    aliased = parse("{ a: viewer { subject } }")
    assert cache(schema, aliased, rules) == []
    assert cache(schema, aliased, aliases) != []  # other rules: validated again
    assert cache(other_schema, aliased, rules) == []
    assert len(cache._entries) == 2  # bounded: the least recently used went first
    assert cache(schema, document, rules) is not errors
