"""Which errors clients see verbatim: our own typed ones and GraphQL's own
(parse, validation, limits). Anything else is masked and logged with an id."""

from __future__ import annotations

import logging

from graphql import GraphQLError

log = logging.getLogger("clngraph.errors")


def should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    log.error(
        "unexpected error in resolver",
        exc_info=(type(original), original, original.__traceback__),
        extra={"path": error.path},
    )
    return True
