"""String inputs PostgreSQL cannot store are refused at the door, once, for every field.

A NUL character (`\\u0000`) or an unpaired UTF-16 surrogate (`\\ud800` alone, which
JSON allows and Python keeps) cannot be encoded for PostgreSQL: sent on, it came back
from the driver as an INTERNAL_SERVER_ERROR, field by field. Every argument value
reaches a resolver either as a literal in the document or through a variable, so
both are checked here, before execution, and refused as BAD_USER_INPUT:

* literals by a validation rule (its verdict is cached with the document's, see
  schema/fastpath/documents.py);
* variables by `CleanVariables`, which walks their JSON without recursion, and
  reports what it finds as a validation error would be reported: on HTTP and on
  graphql-transport-ws alike (raised from the hook instead, it escaped strawberry's
  streaming path, which completed the subscription without a word).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ASTValidationRule, GraphQLError, StringValueNode
from strawberry.extensions import SchemaExtension

from foundation.unstorable import REASON, unstorable
from resolvers.common.errors import BadUserInput


class CleanStringLiterals(ASTValidationRule):
    """A validation rule: no string literal in the document holds an unstorable character."""

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        if unstorable(node.value):
            self.report_error(
                GraphQLError(
                    f"a string literal is refused: {REASON}",
                    node,
                    extensions={"code": BadUserInput.code},
                )
            )


def first_unstorable(data: Any) -> str | None:
    """The JSON path (`a.b.0`) of the first string, or object key, in `data` holding an
    unstorable character; None when there is none."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if unstorable(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and unstorable(key):
                    return child.encode("utf-8", "backslashreplace").decode()
                stack.append((item, child))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{i}") for i, item in enumerate(value))
    return None


class CleanVariables(SchemaExtension):
    """Refuses an operation whose variables hold an unstorable string (BAD_USER_INPUT).

    It runs after the extension that validates the document (or hands back the cached
    verdict) has set `pre_execution_errors`, and before strawberry reads them: a
    document with errors of its own is reported for those; else the variables' error
    becomes the operation's pre-execution error, for every transport."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        variables = context.variables
        if variables and not context.pre_execution_errors:
            path = first_unstorable(variables)
            if path is not None:
                context.pre_execution_errors = [
                    BadUserInput(f"variable `${path}` is refused: {REASON}", variable=path)
                ]
        yield
