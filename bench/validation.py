"""Validation time against document size: what the service spends deciding whether an
operation may run (parse, the document limits, graphql-core's rules, the cost and a
partner's scope demands), for documents that grow in two ways:

- `flat N`: N fields side by side (`{ a0: __typename ... }` style, under `viewer`),
  the text and its expansion the same size;
- `repeated N`: `viewer { subject }` N times (no aliases: graphql-core's overlap rule
  compares every pair);
- `doubling L`: L fragments each spreading the next twice, the text growing by about
  40 bytes a level while its expansion doubles (2**L fields);
- `side by side N`: N one-field fragments spread in one selection set (graphql-core's
  overlap rule compares every pair of them);
- `groups G x S`: G fragments spread together, each spreading S one-field fragments
  (few pairs side by side, but every fragment of a group is compared with those of
  the others: the overlap rule's budget decides).

Each line is the median of R runs of one document, parsed afresh each time (no
cache), through the same functions the request path calls, under the default limits:
`OperationLimits.validate` (the document limits first, then, when they pass,
graphql-core's rules with the overlap rule's budget), then the cost and a partner's
scope demands. The last column says which limit refused the document, if
any. Time should follow the text's size, never its expansion. No database is needed:

    .venv/bin/python -m bench.validation [R]
"""

from __future__ import annotations

import statistics
import sys
import time

from graphql import parse, specified_rules

from auth.principal import Principal
from schema import build_schema
from schema.cost import operation_cost
from schema.limits import OperationLimits
from schema.partner_access import PartnerAccessPolicy


def flat(fields: int) -> str:
    return "{ viewer { " + " ".join(f"f{i}: subject" for i in range(fields)) + " } }"


def repeated(copies: int) -> str:
    return "{ " + "viewer { subject } " * copies + "}"


def doubling(levels: int) -> str:
    parts = ["query Attack { ...F0 }"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    parts.append(f"fragment F{levels} on Query {{ viewer {{ subject }} }}")
    return "\n".join(parts)


# Member's leaf fields without arguments: distinct response names, so the fields
# themselves never merge (the merged-pairs limit does not see these shapes).
LEAVES = ("givenName", "familyName", "profession", "status", "jobTitle", "displayName")


def side_by_side(count: int) -> str:
    """`count` one-field fragments all spread in one selection set: graphql-core's
    overlap rule compares every pair (tests/security/test_operation_limits.py)."""
    fragments = [f"fragment A{i} on Member {{ {LEAVES[i % len(LEAVES)]} }}" for i in range(count)]
    spreads = " ".join(f"...A{i}" for i in range(count))
    return "{ viewer { member { " + spreads + " } } }\n" + "\n".join(fragments)


def groups(count: int, size: int) -> str:
    """`count` fragments spread together, each spreading `size` others: few pairs side
    by side in any one selection set, but every fragment of one group is compared with
    every fragment of the others (the overlap rule's budget stops it)."""
    leaves, heads = [], []
    for g in range(count):
        names = [f"L{g}x{j}" for j in range(size)]
        leaves += [
            f"fragment {n} on Member {{ {LEAVES[(g + j) % len(LEAVES)]} }}"
            for j, n in enumerate(names)
        ]
        heads.append(f"fragment X{g} on Member {{ " + " ".join(f"...{n}" for n in names) + " }")
    spreads = " ".join(f"...X{g}" for g in range(count))
    return "{ viewer { member { " + spreads + " } } }\n" + "\n".join(heads + leaves)


def main(runs: int = 20) -> None:
    schema = build_schema().graphql_schema
    limits = OperationLimits()
    policy = PartnerAccessPolicy(maxsize=1)
    policy.bind(schema)
    partner = Principal(subject="bench", kind="partner", scopes=frozenset({"directory:read"}))
    cases = [(f"flat {n}", flat(n)) for n in (10, 30, 100, 1000)]
    cases += [(f"repeated {n}", repeated(n)) for n in (10, 50, 150)]
    cases += [(f"doubling {n}", doubling(n)) for n in (10, 20, 30, 60)]
    cycle = doubling(60).replace("fragment F60 on Query { viewer { subject } }", "")
    cases += [("doubling 60 cycle", cycle + "\nfragment F60 on Query { ...F0 }")]
    cases += [(f"side by side {n}", side_by_side(n)) for n in (20, 60, 400)]
    cases += [(f"groups {g}x{n}", groups(g, n)) for g, n in ((4, 10), (10, 20))]
    rules = tuple(specified_rules)
    print(f"{'document':<17} {'bytes':>7} {'cost (expanded)':>20} {'decision us':>12}  refused by")
    for name, text in cases:
        samples = []
        expanded = 0
        refused = ""
        for _ in range(runs):
            started = time.process_time()
            document = parse(text)
            errors = limits.validate(schema, document, rules)
            if not errors:
                expanded = operation_cost(schema, document)
                policy.refusal(partner, document, None)
            samples.append(time.process_time() - started)
            refused = ", ".join(str((e.extensions or {}).get("limit")) for e in errors)
        if refused:
            expanded = operation_cost(schema, parse(text))  # for the table only
        median_us = statistics.median(samples) * 1e6
        print(f"{name:<17} {len(text):>7} {expanded:>20} {median_us:>12.0f}  {refused or '-'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
