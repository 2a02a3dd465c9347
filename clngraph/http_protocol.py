"""GraphQL over HTTP (the current draft spec): media types, request parsing, status codes.

Pure functions with no strawberry in them, so each rule of the spec is one
small, testable decision. `clngraph.graphql_view` wires them to the schema.

* Response media type: `application/graphql-response+json` when the client
  accepts it (preferred on a tie), `application/json` when it asks for that,
  `*/*` or sends no `Accept`; anything else is 406.
* Request errors (parse, validation, variable coercion, and refusals decided
  before execution: tenant scope, persisted-operation rules, limits) carry no
  `data` entry. With `application/graphql-response+json` they answer 4xx
  (400; 403 for FORBIDDEN; 404 for PERSISTED_QUERY_NOT_FOUND); with
  `application/json` every well-formed request answers 200, as that section
  of the spec says.
* Requests that are not well-formed GraphQL-over-HTTP (bad JSON, JSON nested
  deeper than `MAX_JSON_DEPTH`, wrong parameter types, unsupported media type,
  wrong method, a body over the size limit) are 4xx whatever the client accepts,
  with an `extensions.code` naming the problem.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import GraphQLError

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"


# JSON nested deeper than this is refused (docs/operations.md): no input of the
# schema nests that far, and the recursive parts of parsing and variable coercion
# must never meet Python's recursion limit
MAX_JSON_DEPTH = 400

PROBLEM_CODES = {
    400: "BAD_REQUEST",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


class HttpProblem(Exception):
    """A request that is not well-formed: answered with `status` before any GraphQL runs."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})

    @property
    def body(self) -> dict[str, Any]:
        code = PROBLEM_CODES.get(self.status, "BAD_REQUEST")
        return {"errors": [{"message": self.message, "extensions": {"code": code}}]}


@dataclass(frozen=True)
class GraphQLParams:
    """The four parameters of a GraphQL-over-HTTP request, type-checked."""

    query: str | None
    operation_name: str | None = None
    variables: dict[str, Any] | None = None
    extensions: dict[str, Any] | None = field(default=None)


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def negotiate(accept: str | None) -> str | None:
    """The response media type for an `Accept` header, or None when none is acceptable."""
    if accept is None or not accept.strip():
        return APPLICATION_JSON
    best: tuple[float, int, str] | None = None
    for media, quality in _media_ranges(accept):
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE_JSON:
            candidate = (quality, 2, GRAPHQL_RESPONSE_JSON)
        elif media in (APPLICATION_JSON, "application/*", "*/*"):
            candidate = (quality, 1, APPLICATION_JSON)
        else:
            continue
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else None


def _check_content_type(content_type: str | None) -> None:
    if not content_type:
        raise HttpProblem(415, "POST requests need `Content-Type: application/json`")
    media, *params = (p.strip() for p in content_type.split(";"))
    if media.lower() != APPLICATION_JSON:
        raise HttpProblem(415, f"unsupported media type {media!r}: send application/json")
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            raise HttpProblem(415, "request bodies must be encoded as utf-8")


class JsonRefused(ValueError):
    """JSON that is not valid, or nests deeper than MAX_JSON_DEPTH."""


def load_json(text: str | bytes) -> Any:
    """The parsed JSON (the standard library's parser, which, unlike orjson, keeps a
    lone surrogate escape so that the input check can refuse it as BAD_USER_INPUT),
    for a request body and for a graphql-transport-ws message alike."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise JsonRefused("is not valid JSON") from None
    except RecursionError:  # nested beyond the interpreter's limit, far past ours
        raise JsonRefused(f"nests deeper than {MAX_JSON_DEPTH} levels") from None
    if json_depth(data) > MAX_JSON_DEPTH:
        raise JsonRefused(f"nests deeper than {MAX_JSON_DEPTH} levels")
    return data


def _json(text: str | bytes, what: str) -> Any:
    try:
        return load_json(text)
    except JsonRefused as refused:
        raise HttpProblem(400, f"{what} {refused}") from None


def dump_json(body: object) -> bytes:
    """A response body. orjson refuses a string with an unpaired surrogate, and a
    client can put one in what an error message repeats (an `operationName` that names
    no operation, say): such a body is written with the standard library's encoder,
    which escapes it, rather than failing the response."""
    try:
        return orjson.dumps(body)
    except TypeError as error:
        if "surrogates" not in str(error):
            raise
        return json.dumps(body, ensure_ascii=True).encode()


def json_depth(data: Any) -> int:
    """How deep arrays and objects nest in parsed JSON (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return deepest


def _typed(data: Mapping[str, Any]) -> GraphQLParams:
    query = data.get("query")
    operation_name = data.get("operationName")
    variables = data.get("variables")
    extensions = data.get("extensions")
    if query is not None and not isinstance(query, str):
        raise HttpProblem(400, "`query` must be a string")
    if operation_name is not None and not isinstance(operation_name, str):
        raise HttpProblem(400, "`operationName` must be a string or null")
    if variables is not None and not isinstance(variables, dict):
        raise HttpProblem(400, "`variables` must be an object or null")
    if extensions is not None and not isinstance(extensions, dict):
        raise HttpProblem(400, "`extensions` must be an object or null")
    if query is None and not (extensions or {}).get("persistedQuery"):
        raise HttpProblem(400, "`query` is missing")
    return GraphQLParams(query, operation_name, variables, extensions)


def params_from_get(query_params: Mapping[str, str]) -> GraphQLParams:
    """GET parameters: `variables` and `extensions` are URL-encoded JSON strings."""
    data: dict[str, Any] = {k: query_params.get(k) for k in ("query", "operationName")}
    data = {k: v for k, v in data.items() if v is not None}
    for name in ("variables", "extensions"):
        raw = query_params.get(name)
        if raw:
            data[name] = _json(raw, f"`{name}`")
    return _typed(data)


def params_from_post(content_type: str | None, body: bytes) -> GraphQLParams:
    _check_content_type(content_type)
    if not body.strip():
        raise HttpProblem(400, "the request body is empty")
    data = _json(body, "the request body")
    if isinstance(data, list):
        raise HttpProblem(400, "batched requests are not supported")
    if not isinstance(data, dict):
        raise HttpProblem(400, "the request body must be a JSON object")
    return _typed(data)


def is_request_error(data: object, errors: list[GraphQLError] | None) -> bool:
    """True when the operation never executed: no data, and no error has a field path.

    Field errors always carry a `path`; parse, validation and variable coercion
    errors, and refusals raised before execution, never do.
    """
    return data is None and bool(errors) and all(e.path is None for e in errors or [])


def _codes(errors: list[GraphQLError]) -> set[str]:
    return {str((e.extensions or {}).get("code", "")) for e in errors}


def request_error_status(media: str, errors: list[GraphQLError]) -> int:
    if media != GRAPHQL_RESPONSE_JSON:
        return 200
    codes = _codes(errors)
    if "FORBIDDEN" in codes or "OPERATION_NOT_ALLOWED" in codes:
        return 403
    if "PERSISTED_QUERY_NOT_FOUND" in codes:
        return 404
    return 400
