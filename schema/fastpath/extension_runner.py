"""strawberry's extension hooks, looked up once per extension class instead of once per
request.

For every request and every extension, strawberry's hook context managers look each
hook up on the class, inspect it, and wrap it in a new `contextlib` context manager
(`functools.update_wrapper` included): four phases times each of the service's
extensions, every request (docs/benchmarks.md, round 7). The runner below gives the same context
managers, entering and leaving the same hooks in the same order, with the lookup and
the wrapping done once per class; a request only binds its extension instances.
Hooks that are not generators (plain or coroutine functions) keep strawberry's own
wrapping.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from typing import Any, ClassVar

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

_STRAWBERRYS = object()  # a hook strawberry wraps itself (not a generator function)


def _hook_factory(kind: type, name: str, default: Any) -> Any:
    """(context manager factory taking the instance, is async), None for no hook, or
    _STRAWBERRYS."""
    function = getattr(kind, name)
    if function is default:
        return None
    if inspect.isgeneratorfunction(function):
        return contextlib.contextmanager(function), False
    if inspect.isasyncgenfunction(function):
        return contextlib.asynccontextmanager(function), True
    return _STRAWBERRYS


class _CachedHooks(ExtensionContextManagerBase):
    _factories: ClassVar[dict[type, Any]]

    def get_hook(self, extension: SchemaExtension) -> WrappedHook | None:
        kind = type(extension)
        try:
            found = self._factories[kind]
        except KeyError:
            found = self._factories[kind] = _hook_factory(kind, self.HOOK_NAME, self.default_hook)
        if found is None:
            return None
        if found is _STRAWBERRYS:
            return super().get_hook(extension)
        factory, is_async = found
        return WrappedHook(extension, functools.partial(factory, extension), is_async)


class OperationHooks(_CachedHooks, OperationContextManager):
    _factories = {}


class ValidationHooks(_CachedHooks, ValidationContextManager):
    _factories = {}


class ParsingHooks(_CachedHooks, ParsingContextManager):
    _factories = {}


class ExecutingHooks(_CachedHooks, ExecutingContextManager):
    _factories = {}


class CachedHooksRunner(SchemaExtensionsRunner):
    """strawberry's runner with the four phases' hooks looked up once per class (the
    stream-result hook, used by `@defer`/`@stream` only, is strawberry's as it is)."""

    def operation(self) -> OperationContextManager:
        return OperationHooks(self.extensions)

    def validation(self) -> ValidationContextManager:
        return ValidationHooks(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return ParsingHooks(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return ExecutingHooks(self.extensions)


class Schema(strawberry.federation.Schema):
    """The federation schema, its extensions run by `CachedHooksRunner`."""

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return CachedHooksRunner(execution_context=execution_context, extensions=extensions)
