"""Imports point one way (docs/architecture.md, "Layers"): configuration and database
plumbing (`foundation/`) at the bottom, then `tenants/` and `auth/`, then the domains
(`resolvers/`), then `schema/`, then the app (`clngraph/`). Every import is read with
`ast`, those inside functions included, so a cycle cannot hide in a function body.
Migrations import no application code but the DDL helpers the rules name, and no
module of the project imports itself back at import time."""

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


# What a migration may import of the project: the settings it is run with and the
# DDL helpers docs/architecture.md's rules tell it to call (tenant and global tables,
# policy SQL), and the signing-key generator its first-key step runs. Anything else
# (a domain's enum, tables or types) would make an old migration change with the code.
MIGRATION_IMPORTS = {
    "foundation.settings",
    "foundation.db",  # migrations/env.py: the engine it runs them on
    "tenants.partitions",
    "tenants.distribution",
    "tenants.policy",
    "auth.oauth.keys",
}


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


def test_migrations_are_self_contained() -> None:
    imports = {
        f"{path.relative_to(ROOT).as_posix()}:{line} imports {module}"
        for path in sorted((ROOT / "migrations").rglob("*.py"))
        for line, module in imported_modules(path)
        if module.split(".")[0] in {*PACKAGES, "bench", "migrations"}
        and module not in MIGRATION_IMPORTS
    }
    assert imports == set()


def module_names() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    names: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def import_time_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports a module runs when it is imported: its body, classes, `if`, `try`
    and `with` blocks, but not functions, nor `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, ast.Import | ast.ImportFrom):
                found.append(statement)
            elif isinstance(statement, ast.If):
                test = statement.test
                name = getattr(test, "id", None) or getattr(test, "attr", None)
                if name != "TYPE_CHECKING":
                    visit(statement.body)
                visit(statement.orelse)
            elif isinstance(statement, ast.Try):
                visit(statement.body)
                for handler in statement.handlers:
                    visit(handler.body)
                visit(statement.orelse)
                visit(statement.finalbody)
            elif isinstance(statement, ast.With | ast.ClassDef):
                visit(statement.body)

    visit(tree.body)
    return found


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports when it is imported (`from package
    import submodule` points at the submodule, not back at the package)."""
    names = module_names()
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in import_time_imports(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            submodules = [f"{module}.{alias.name}" for alias in node.names]
            edges.update(submodules)
            if not all(sub in names for sub in submodules):
                edges.add(module)
        graph[name] = {edge for edge in edges if edge in names and edge != name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component: list[str] = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_level_import_cycles() -> None:
    """Cross-domain relations go through the loaders' registry
    (`resolvers.common.relations.related`) or leaf modules, never a module importing
    one that imports it back at import time."""
    assert import_cycles(import_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"]]


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


def test_domain_packages_do_not_shadow_their_modules() -> None:
    """A domain's `__init__` binds no name of one of its modules to something else (a
    `types` list hiding `types.py`): `resolvers.<domain>.<module>` is always the module."""
    shadowing: list[str] = []
    for init in sorted((ROOT / "resolvers").glob("*/__init__.py")):
        package = init.parent
        modules = {p.stem for p in package.glob("*.py")} | {
            d.name for d in package.iterdir() if (d / "__init__.py").exists()
        }
        for node in ast.walk(ast.parse(init.read_text(), filename=str(init))):
            if isinstance(node, ast.ImportFrom):
                itself = node.module == f"resolvers.{package.name}" or (
                    node.level == 1 and not node.module
                )
                shadowing.extend(
                    f"{init.relative_to(ROOT)}: {alias.asname or alias.name}"
                    for alias in node.names
                    if (alias.asname or alias.name) in modules
                    and not (itself and alias.asname in (None, alias.name))
                )
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                shadowing.extend(
                    f"{init.relative_to(ROOT)}: {target.id}"
                    for target in targets
                    if isinstance(target, ast.Name) and target.id in modules
                )
            elif (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and node.name in modules
            ):
                shadowing.append(f"{init.relative_to(ROOT)}: {node.name}")
    assert shadowing == []
