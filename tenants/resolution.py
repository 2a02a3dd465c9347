"""Which region a request asks for: the front end's host, a `/sha/{code}/` path or a header."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import HTTPConnection

from tenants.codes import InvalidShaCode, validate_sha_code

SHA_HEADER = "x-cln-sha"


def requested_shas(
    conn: HTTPConnection,
    host_map: Mapping[str, str],
    registry_hosts: Mapping[str, str] | None = None,
) -> frozenset[str] | None:
    """The SHA codes named by the request, or None when it names none.

    A host is looked up in the registry's `sha_hosts` first, then in the
    configured `CLN_SHA_HOSTS` map (the fallback for hosts not yet registered).

    Raises InvalidShaCode for a malformed code, so the caller answers 400.
    """
    path_code = conn.path_params.get("sha_code")
    if path_code:
        return frozenset({validate_sha_code(str(path_code))})
    header = conn.headers.get(SHA_HEADER)
    if header:
        return frozenset(validate_sha_code(part) for part in header.split(",") if part.strip())
    host = (conn.headers.get("host") or "").split(":")[0].lower()
    if registry_hosts and host in registry_hosts:
        return frozenset({validate_sha_code(registry_hosts[host])})
    if host in host_map:
        return frozenset({validate_sha_code(host_map[host])})
    return None


__all__ = ["SHA_HEADER", "InvalidShaCode", "requested_shas"]
