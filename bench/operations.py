"""The five reference operations: for each server, the request bodies to send,
and a signature of the answer so the harness can check all three say the same."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OPERATIONS_DIR = Path(__file__).resolve().parent / "operations"
PROFESSIONS = [
    "DOCTOR",
    "GP",
    "HOSPITAL_CONSULTANT",
    "NURSE",
    "MIDWIFE",
    "ALLIED_HEALTH_PROFESSIONAL",
    "PHARMACIST",
    "MANAGER",
    "ADMINISTRATOR",
]
DIRECTORY_PAGE = 50
WIDE_PAGE = 500


@dataclass(frozen=True)
class Fixtures:
    """Rows the operations point at, read from the generated database."""

    sha: str
    national_read: list[str]
    member_keys: list[str]  # uuids of members of `sha`


def ours_member_id(sha: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"Member:{sha}:{key}".encode()).decode().rstrip("=")


def peer_member_id(sha: str, key: str) -> str:
    return base64.b64encode(
        json.dumps(["Member", sha, key], separators=(",", ":")).encode()
    ).decode()


def query_text(server: str, op: str) -> str:
    folder = "peer" if server == "peer" else "ours"
    (path,) = (OPERATIONS_DIR / folder).glob(f"{op}_*.graphql")
    return path.read_text()


def op_name(op: str) -> str:
    (path,) = (OPERATIONS_DIR / "ours").glob(f"{op}_*.graphql")
    return path.stem.split("_", 1)[1].replace("_", " ")


def variables(op: str, server: str, fx: Fixtures) -> list[dict[str, Any]]:
    make_id = peer_member_id if server == "peer" else ours_member_id
    if op == "1":
        return [{"profession": p, "first": DIRECTORY_PAGE} for p in PROFESSIONS]
    if op == "2":
        return [{}]
    if op == "3":
        return [{"first": WIDE_PAGE}]
    if op == "4":
        return [{"id": make_id(fx.sha, k)} for k in fx.member_keys]
    if op == "5":
        return [
            {"id": make_id(fx.sha, k), "email": f"bench.{i}@nhs.example"}
            for i, k in enumerate(fx.member_keys)
        ]
    raise ValueError(op)


def bodies(op: str, server: str, fx: Fixtures) -> list[str]:
    query = query_text(server, op)
    return [json.dumps({"query": query, "variables": v}) for v in variables(op, server, fx)]


def tenant_headers(op: str, fx: Fixtures) -> dict[str, str]:
    """The tenant context the floor and the peer get (ours derives it from the token)."""
    if op == "2":
        return {"x-read-shas": ",".join(fx.national_read), "x-write-shas": ""}
    return {"x-read-shas": fx.sha, "x-write-shas": fx.sha}


def _directory(d: Any) -> Any:
    c = d["members"] if "members" in d else d["allMembers"]
    return [
        (
            e["node"]["familyName"],
            e["node"]["givenName"],
            e["node"]["roles"],
            e["node"]["organisation"]["code"],
            e["node"]["organisation"]["type"],
        )
        for e in c["edges"]
    ] + [c["pageInfo"]["hasNextPage"]]


def _dashboard(d: Any) -> Any:
    shas = d["shas"] if isinstance(d["shas"], list) else d["shas"]["nodes"]
    per_sha = sorted(
        (
            s["code"],
            s["memberCount"]
            if isinstance(s["memberCount"], int)
            else s["memberCount"]["totalCount"],
        )
        for s in shas
    )
    return per_sha, sorted((k, v["totalCount"]) for k, v in d.items() if k != "shas")


def _wide(d: Any) -> Any:
    nodes = (d["members"] if "members" in d else d["allMembers"])["nodes"]
    return [
        (n["shaCode"], n["familyName"], n["givenName"], n["joinedOn"], n["status"], n["roles"])
        for n in nodes
    ]


def _node(d: Any) -> Any:
    n = d["node"]
    return (n["familyName"], n["givenName"], n["profession"], n["organisation"]["code"])


def _update(d: Any) -> Any:
    payload = d["updateMember"]
    return payload["member"]["email"]


SIGNATURES: dict[str, Callable[[Any], Any]] = {
    "1": _directory,
    "2": _dashboard,
    "3": _wide,
    "4": _node,
    "5": _update,
}
