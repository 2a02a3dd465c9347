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


# Imports inside functions in resolvers/ that are still needed, by (file, function),
# each with why. Anything else (a new one, or one in another function) fails the test:
# a cross-domain relation goes through the loaders' registry
# (`resolvers.common.relations.related(ctx, "MemberByIdLoader")`) or a module-level
# import of a leaf module (tables, enums, resolvers.common).
_HOOKS = "notification hooks read the calling domain's tables: a module-level import is a cycle"
_LOADER_CLASS = "uses the loader class itself (its key), and the loader module imports this one"
_PRIVACY = "directory.privacy is not a leaf module (it imports directory types)"
_NOT_A_LEAF = (
    "the imported module is not a leaf (it imports domain types): not yet moved behind"
    " the registry or split; a module-level import must be checked for cycles first"
)
_SHADOWED = "the search kind is a function named after the table it reads (members, forums...)"
LOCAL_IMPORTS_ALLOWED: dict[tuple[str, str], str] = {
    ("resolvers/development/quality.py", "raise_request"): _NOT_A_LEAF,
    ("resolvers/evaluation/service.py", "record_measure"): _NOT_A_LEAF,
    ("resolvers/evaluation/types.py", "corrections"): _NOT_A_LEAF,
    ("resolvers/evaluation/types.py", "trend"): _LOADER_CLASS,
    ("resolvers/evaluation/types.py", "sets_attended"): _LOADER_CLASS,
    ("resolvers/evaluation/types.py", "actions_completed"): _LOADER_CLASS,
    ("resolvers/events/queries.py", "_fetch_session"): _NOT_A_LEAF,
    ("resolvers/events/service.py", "cancel"): _HOOKS,
    ("resolvers/events/service.py", "update_event"): _HOOKS,
    ("resolvers/forums/service.py", "start_thread"): _HOOKS,
    ("resolvers/forums/service.py", "_reply"): _HOOKS,
    ("resolvers/learning_sets/service.py", "record_attendance"): _HOOKS,
    ("resolvers/policy/service.py", "open_consultation"): _HOOKS,
    ("resolvers/notifications/hooks.py", "set_members_at_risk"): _HOOKS,
    ("resolvers/gdpr/schema.py", "_leave"): _PRIVACY,
    ("resolvers/gdpr/types.py", "download_path"): _NOT_A_LEAF,
    ("resolvers/learning_sets/types.py", "size"): _NOT_A_LEAF,
    ("resolvers/selfservice/schema.py", "_fetcher"): _PRIVACY,
    ("resolvers/selfservice/schema.py", "join_network"): _NOT_A_LEAF,
    ("resolvers/selfservice/service.py", "_may_decide_for_set"): _PRIVACY,
    **{
        ("resolvers/search/kinds.py", kind): _SHADOWED
        for kind in (
            "members",
            "organisations",
            "networks",
            "forums",
            "forum_threads",
            "forum_posts",
            "events",
            "training_programmes",
            "case_studies",
            "consultations",
        )
    },
}


def function_local_imports(path: Path) -> list[tuple[str, int, str]]:
    """(function, line, module) of every import of a project package inside a function."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: dict[int, tuple[str, int, str]] = {}
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            modules = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for module in modules:
                if module.split(".")[0] in PACKAGES:
                    found.setdefault(node.lineno, (function.name, node.lineno, module))
    return list(found.values())


def test_no_new_imports_inside_functions_in_resolvers() -> None:
    unexpected = [
        f"{relative}:{line} ({function}) imports {module}"
        for path in sorted((ROOT / "resolvers").rglob("*.py"))
        for relative in [path.relative_to(ROOT).as_posix()]
        for function, line, module in function_local_imports(path)
        if (relative, function) not in LOCAL_IMPORTS_ALLOWED
    ]
    assert unexpected == []


def test_the_local_import_allowances_are_all_used() -> None:
    used = {
        (path.relative_to(ROOT).as_posix(), function)
        for path in (ROOT / "resolvers").rglob("*.py")
        for function, _, _ in function_local_imports(path)
    }
    assert set(LOCAL_IMPORTS_ALLOWED) - used == set()
