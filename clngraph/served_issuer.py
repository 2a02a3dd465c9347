"""The development issuer follows the address `cln-graph serve` listens on.

RFC 8414 wants the `issuer` of `/.well-known/oauth-authorization-server` to be the
URL clients reach the server at, and tokens carry the same `iss`. Unless `CLN_ISSUER`
is set, `serve` derives it from `--host`/`--port` and records it in the data folder,
so `cln-graph token` (a separate process) signs dev tokens for that same issuer.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from foundation.settings import Settings

WILDCARD_HOSTS = {"0.0.0.0", "::", ""}


def issuer_for(host: str, port: int) -> str:
    """`http://host:port`; a wildcard bind is reached on loopback."""
    if host in WILDCARD_HOSTS:
        host = "127.0.0.1"
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass  # a host name
    return f"http://{host}:{port}"


def _issuer_file(settings: Settings) -> Path:
    return settings.data_dir / "dev-issuer"


def record_issuer(settings: Settings) -> None:
    path = _issuer_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(settings.issuer + "\n")


def recorded_issuer(settings: Settings) -> str | None:
    path = _issuer_file(settings)
    if not path.exists():
        return None
    return path.read_text().strip() or None
