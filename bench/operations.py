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
    threads: list[tuple[str, str]]  # (thread uuid, forum uuid) of `sha`, for op 5
    author_key: str  # the member the regional token speaks for (the posts' author)


def ours_member_id(sha: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"Member:{sha}:{key}".encode()).decode().rstrip("=")


def ours_thread_id(sha: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"ForumThread:{sha}:{key}".encode()).decode().rstrip("=")


def peer_member_id(sha: str, key: str) -> str:
    return base64.b64encode(
        json.dumps(["Member", sha, key], separators=(",", ":")).encode()
    ).decode()


PEERS = ("peer", "peer_rls")  # PostGraphile, tuned (tenant condition) and RLS only


def query_text(server: str, op: str) -> str:
    folder = server if server in PEERS else "ours"
    (path,) = (OPERATIONS_DIR / folder).glob(f"{op}_*.graphql")
    return path.read_text()


def op_name(op: str) -> str:
    (path,) = (OPERATIONS_DIR / "ours").glob(f"{op}_*.graphql")
    return path.stem.split("_", 1)[1].replace("_", " ")


def variables(op: str, server: str, fx: Fixtures) -> list[dict[str, Any]]:
    make_id = peer_member_id if server in PEERS else ours_member_id
    # the tuned peer's pages name their region, as a front end that knows it does
    region = {"sha": fx.sha} if server == "peer" else {}
    if op == "1":
        return [{"profession": p, "first": DIRECTORY_PAGE, **region} for p in PROFESSIONS]
    if op == "2":
        return [{}]
    if op == "3":
        return [{"first": WIDE_PAGE, **region}]
    if op == "4":
        return [{"id": make_id(fx.sha, k)} for k in fx.member_keys]
    if op == "5":
        body = "Thanks, we tried this in our practice too: referral times fell within a quarter."
        if server == "peer":  # its custom mutation: the writer comes from the request
            return [{"sha": fx.sha, "thread": t, "body": body} for t, _ in fx.threads]
        if server == "peer_rls":  # its CRUD create: every column from the input
            return [
                {"thread": t, "forum": f, "author": fx.author_key, "body": body}
                for t, f in fx.threads
            ]
        return [{"threadId": ours_thread_id(fx.sha, t), "body": body} for t, _ in fx.threads]
    raise ValueError(op)


def bodies(op: str, server: str, fx: Fixtures) -> list[str]:
    query = query_text(server, op)
    return [json.dumps({"query": query, "variables": v}) for v in variables(op, server, fx)]


def tenant_headers(op: str, fx: Fixtures) -> dict[str, str]:
    """The tenant context the floor and the peer get (ours derives it from the token)."""
    if op == "2":
        return {"x-read-shas": ",".join(fx.national_read), "x-write-shas": ""}
    if op == "5":  # the floor's author: the member the regional token speaks for
        return {"x-read-shas": fx.sha, "x-write-shas": fx.sha, "x-member-id": fx.author_key}
    return {"x-read-shas": fx.sha, "x-write-shas": fx.sha}


def _networks(n: Any) -> Any:
    listed = n["networks"] if isinstance(n["networks"], list) else n["networks"]["nodes"]
    return [(m["role"], m["network"]["name"]) for m in listed]


def _directory(d: Any) -> Any:
    c = d["members"] if "members" in d else d["allMembers"]
    return [
        (
            e["node"]["familyName"],
            e["node"]["givenName"],
            e["node"]["roles"],
            e["node"]["organisation"]["code"],
            e["node"]["organisation"]["type"],
            _networks(e["node"]),
        )
        for e in c["edges"]
    ] + [c["pageInfo"]["hasNextPage"]]


def _dashboard(d: Any) -> Any:
    """(SHA, status, members, active, organisations), (SHA, profession, members, active)
    and (SHA, area, four levels, total), from either spelling."""
    if "nationalDashboard" in d:
        n = d["nationalDashboard"]
        totals = {s["shaCode"]: (s["members"], s["activeMembers"]) for s in n["membersBySha"]}
        shas = [
            (r["shaCode"], r["status"].lower(), *totals[r["shaCode"]], r["organisations"])
            for r in n["rollout"]
        ]
        professions = [
            (p["shaCode"], p["profession"], p["members"], p["activeMembers"])
            for p in n["membersByProfession"]
        ]
        levels = [
            (
                e["shaCode"],
                e["policyAreaCode"],
                e["awarenessRaising"],
                e["clinicalInvolvement"],
                e["dissemination"],
                e["acceptanceAndAdoption"],
                e["organisations"],
            )
            for e in n["escalatorLevels"]
        ]
    else:
        counts = d["memberCounts"]["nodes"]
        totals = {
            c["shaCode"]: (int(c["members"]), int(c["active"]))
            for c in counts
            if c["profession"] is None
        }
        shas = [
            (
                s["code"],
                s["status"].lower(),
                *totals.get(s["code"], (0, 0)),
                s["organisations"]["totalCount"],
            )
            for s in d["shas"]["nodes"]
        ]
        professions = [
            (c["shaCode"], c["profession"], int(c["members"]), int(c["active"]))
            for c in counts
            if c["profession"] is not None
        ]
        levels = [
            (e["shaCode"], e["policyArea"], *(int(e[k]) for k in ("l1", "l2", "l3", "l4", "total")))
            for e in d["escalatorLevels"]["nodes"]
        ]
    return sorted(shas), sorted(professions), sorted(levels)


def _wide(d: Any) -> Any:
    nodes = (d["members"] if "members" in d else d["allMembers"])["nodes"]
    return [
        (n["shaCode"], n["familyName"], n["givenName"], n["joinedOn"], n["status"], n["roles"])
        for n in nodes
    ]


def _node(d: Any) -> Any:
    n = d["node"]
    return (n["familyName"], n["givenName"], n["profession"], n["organisation"]["code"])


def _post(d: Any) -> Any:
    if "addForumPost" in d:
        return d["addForumPost"]["post"]["bodyMarkdown"]
    if "benchAddForumPost" in d:
        return d["benchAddForumPost"]["result"]["bodyMarkdown"]
    return d["createForumPost"]["forumPost"]["bodyMarkdown"]


SIGNATURES: dict[str, Callable[[Any], Any]] = {
    "1": _directory,
    "2": _dashboard,
    "3": _wide,
    "4": _node,
    "5": _post,
}
