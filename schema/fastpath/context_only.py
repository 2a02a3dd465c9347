"""Whether a resolver reads nothing of its `info` but `info.context`, read from its
source once per schema.

Such a resolver (`Member.email`, behind its privacy check) gets the same answer from
any `Info` of the request, so the executor hands it one per field and request
instead of building a resolve info and an `Info` for every object of a page. The
answer is yes only when every use of the parameter in the function's source is the
attribute `.context` read: no other attribute, no call, no passing it on, no
assignment, no `locals()`/`vars()`/`eval`/`exec`/frame that could reach it. Anything the
check cannot read (no source, a lambda, a parse error) is a no, and so is a wrapped
function (`functools.wraps`): its source is the inner function's, not the wrapper's
that is called.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

from strawberry.types.info import Info

# calls through which a function could reach its parameters without naming them
_INTROSPECTION = frozenset(
    {"locals", "vars", "eval", "exec", "globals", "__import__", "currentframe", "_getframe"}
)


def reads_only_context(func: Callable[..., Any], info_name: str, info_class: type) -> bool:
    """Whether `func` uses its parameter `info_name` only as `info_name.context`, and
    `info_class` answers `.context` as strawberry's own `Info` does."""
    if inspect.getattr_static(info_class, "context", None) is not inspect.getattr_static(
        Info, "context"
    ):
        return False
    definition = _definition(func)
    if definition is None:
        return False
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(definition):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    for node in ast.walk(definition):
        if isinstance(node, ast.Call) and _called_name(node) in _INTROSPECTION:
            return False
        if isinstance(node, ast.Name) and node.id == info_name:
            parent = parents.get(node)
            if not (
                isinstance(parent, ast.Attribute)
                and parent.attr == "context"
                and isinstance(parent.ctx, ast.Load)
                and parent.value is node
            ):
                return False
    return True


def _definition(func: Callable[..., Any]) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function's own definition, parsed from its source (None when unreadable or
    when `inspect` would read another function's: a wrapper's `__wrapped__`)."""
    if inspect.unwrap(func) is not func:
        return None
    try:
        source = textwrap.dedent(inspect.getsource(func))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return None
    found = tree.body[0] if tree.body else None
    if not isinstance(found, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    if found.name != getattr(func, "__name__", None):
        return None
    return found


def _called_name(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None
