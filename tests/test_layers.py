"""Imports point one way (docs/architecture.md, "Layers"): configuration and database
plumbing (`foundation/`) at the bottom, then `tenants/` and `auth/`, then the domains
(`resolvers/`), then `schema/`, then the app (`clngraph/`). Every import is read with
`ast`, those inside functions included, so a cycle cannot hide in a function body."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("foundation", "tenants", "auth", "resolvers", "schema", "clngraph")

# package -> the project packages it must never import
FORBIDDEN: dict[str, set[str]] = {
    "foundation": {"tenants", "auth", "resolvers", "schema", "clngraph", "bench"},
    "tenants": {"resolvers", "schema", "clngraph", "bench"},
    "auth": {"resolvers", "schema", "clngraph", "bench"},
    "resolvers": {"schema", "clngraph", "bench"},
    "schema": {"clngraph", "bench"},
    "clngraph": {"bench"},  # the benchmark is a development tool, not in the wheel
}
# the CLI's bench commands import the harness when they run (clngraph/commands/bench.py)
ALLOWED = {("clngraph/commands/bench.py", "bench")}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def violations() -> list[str]:
    found: list[str] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            for line, module in imported_modules(path):
                top = module.split(".")[0]
                if top in FORBIDDEN[package] and (relative, top) not in ALLOWED:
                    found.append(f"{relative}:{line} imports {module}")
    return found


def test_imports_point_one_way() -> None:
    assert violations() == []


def test_the_foundation_is_a_leaf() -> None:
    assert (ROOT / "foundation" / "__init__.py").exists()
    for path in (ROOT / "foundation").rglob("*.py"):
        for _, module in imported_modules(path):
            assert module.split(".")[0] not in {*PACKAGES} - {"foundation"}, (path, module)
