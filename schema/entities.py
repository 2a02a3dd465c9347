"""Federation `_entities` representations checked before any lookup.

strawberry's resolver trusts each representation: a string, a number, a missing
`__typename`, an unknown type or a key the type does not take each ended in a Python
error (KeyError, AttributeError, TypeError) and an INTERNAL_SERVER_ERROR. Here a
malformed representation answers BAD_USER_INPUT at its own index, and the
well-formed ones in the same request still resolve.
"""

from typing import Any

from strawberry.federation.schema import FederationAny
from strawberry.types.info import Info

from resolvers.common.errors import BadUserInput

KEYS = frozenset({"__typename", "id"})  # every entity type is keyed by its global id


class CheckedEntities:
    """A schema mixin over `strawberry.federation.Schema` (no postponed annotations in
    this module: strawberry reads the resolver's, and sets its return type)."""

    def entities_resolver(
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        type_map: Any = self.schema_converter.type_map  # type: ignore[attr-defined]
        checked: list[Any] = []
        problems: dict[int, BadUserInput] = {}
        for index, representation in enumerate(representations):
            problem = _problem(representation, type_map)
            if problem is None:
                checked.append(dict(representation))  # type: ignore[call-overload]
            else:
                problems[index] = BadUserInput(
                    f"representation {index} is refused: {problem}",
                    argument="representations",
                    index=index,
                )
        resolved = iter(super().entities_resolver(info, checked))  # type: ignore[misc]
        return [problems.get(i) or next(resolved) for i in range(len(representations))]  # type: ignore[misc]


def _problem(representation: Any, type_map: Any) -> str | None:
    if not isinstance(representation, dict):
        return "a representation is an object with `__typename` and `id`"
    type_name = representation.get("__typename")
    if not isinstance(type_name, str):
        return "`__typename` must be a string"
    found = type_map.get(type_name)
    origin = getattr(getattr(found, "definition", None), "origin", None)
    if origin is None or not hasattr(origin, "resolve_reference"):
        return "`__typename` does not name an entity type"
    if set(representation) != KEYS:
        return "a representation has exactly the keys `__typename` and `id`"
    if not isinstance(representation["id"], str):
        return "`id` must be a string"
    return None
