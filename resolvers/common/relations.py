"""Loaders by name, for relations that cross modules and domains.

A type's relation resolver needs the loader of the related type, whose module
imports the type (to build it from rows): importing it back is a cycle, which the
code used to dodge with imports inside functions. Every `RequestLoader` subclass is
registered here under its class name when its module is imported (the schema
imports every domain before it serves), and a resolver asks for it by that name:
`related(info.context, "OrganisationByIdLoader")`.
"""

from __future__ import annotations

from typing import Any

_LOADERS: dict[str, type] = {}


def register_loader(loader_class: type) -> None:
    """Called for each `RequestLoader` subclass (resolvers/common/loaders.py). Names are
    unique across domains: a second class of the same name would silently answer for
    the first."""
    name = loader_class.__name__
    known = _LOADERS.get(name)
    if known is not None and known.__module__ != loader_class.__module__:
        raise TypeError(
            f"two loaders named {name}: {known.__module__} and {loader_class.__module__}"
        )
    _LOADERS[name] = loader_class


def related(ctx: Any, name: str) -> Any:
    """The request's instance of the loader class named `name`."""
    try:
        loader_class = _LOADERS[name]
    except KeyError:
        raise LookupError(f"no loader named {name!r}: is its domain imported?") from None
    return ctx.loader(loader_class)
