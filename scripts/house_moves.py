"""Re-runnable module moves of the "house" branch (issue 22); keep only until merged.

Run from the repository root: `python scripts/house_moves.py`. It `git mv`s each
path that still sits at its old place, then rewrites every reference to a moved
module or path in the tracked text files (imports, docs, scripts). Both steps are
idempotent, so the lead can run it again after merging other branches: code they
added that imports an old name is rewritten the same way.

The rewrite rules (also in the branch's report):
- a dotted module name `old.mod` becomes `new.mod` where it stands as a whole name
  (`import old.mod`, `from old.mod import x`, `old.mod.attr`, "old.mod" in strings);
- `from old_pkg import mod` for a moved module becomes `from new_pkg import mod`;
- a file path `old/path.py` (or folder `old/`) becomes the new one in text;
- a name moved out of a module (SYMBOL_MOVES) gets its own import line;
- a domain's `types = [...]` export (and "types" in `__all__`) becomes `graphql_types`.

Afterwards run `ruff check --fix . && ruff format .` (moved imports re-sorted).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

# (old path, new path): files or folders, moved with `git mv`
PATH_MOVES: list[tuple[str, str]] = [
    # 1. one boundary for speed
    ("schema/executor.py", "schema/fastpath/executor.py"),
    ("schema/fast_fields.py", "schema/fastpath/fast_fields.py"),
    ("schema/compiled_leaves.py", "schema/fastpath/compiled_leaves.py"),
    ("schema/shared_selections.py", "schema/fastpath/shared_selections.py"),
    ("schema/extension_runner.py", "schema/fastpath/extension_runner.py"),
    ("schema/documents.py", "schema/fastpath/documents.py"),
    ("tests/test_executor.py", "tests/fastpath/test_executor.py"),
    ("tests/test_shared_selections.py", "tests/fastpath/test_shared_selections.py"),
    ("tests/test_extension_runner.py", "tests/fastpath/test_extension_runner.py"),
    ("tests/test_documents.py", "tests/fastpath/test_documents.py"),
    ("tests/test_prepared.py", "tests/fastpath/test_prepared.py"),
    # 4. names that say what
    ("tools", "node_tools"),
    ("clngraph/generate.py", "bench/generate.py"),
    # 6. layers that point one way: configuration and database plumbing at the bottom
    ("clngraph/settings.py", "foundation/settings.py"),
    ("clngraph/db.py", "foundation/db.py"),
    ("clngraph/timestamptz.py", "foundation/timestamptz.py"),
    ("clngraph/request_id.py", "foundation/request_id.py"),
    ("clngraph/embedded.py", "foundation/embedded.py"),
    ("clngraph/pubsub.py", "tenants/pubsub.py"),
    # added at the merge with main: tenants/ reads them (pool and statement metrics,
    # "database unavailable"), so they sit below tenants/
    ("clngraph/metrics.py", "foundation/metrics.py"),
    ("clngraph/availability.py", "foundation/availability.py"),
    ("clngraph/tracing.py", "foundation/tracing.py"),
    ("tests/test_timestamptz.py", "tests/foundation/test_timestamptz.py"),
]

# (old dotted module, new dotted module)
MODULE_MOVES: list[tuple[str, str]] = [
    ("schema.executor", "schema.fastpath.executor"),
    ("schema.fast_fields", "schema.fastpath.fast_fields"),
    ("schema.compiled_leaves", "schema.fastpath.compiled_leaves"),
    ("schema.shared_selections", "schema.fastpath.shared_selections"),
    ("schema.extension_runner", "schema.fastpath.extension_runner"),
    ("schema.documents", "schema.fastpath.documents"),
    ("tests.test_executor", "tests.fastpath.test_executor"),
    ("tests.test_shared_selections", "tests.fastpath.test_shared_selections"),
    ("tests.test_extension_runner", "tests.fastpath.test_extension_runner"),
    ("tests.test_documents", "tests.fastpath.test_documents"),
    ("tests.test_prepared", "tests.fastpath.test_prepared"),
    ("clngraph.generate", "bench.generate"),
    ("clngraph.settings", "foundation.settings"),
    ("clngraph.db", "foundation.db"),
    ("clngraph.timestamptz", "foundation.timestamptz"),
    ("clngraph.request_id", "foundation.request_id"),
    ("clngraph.embedded", "foundation.embedded"),
    ("clngraph.pubsub", "tenants.pubsub"),
    ("clngraph.metrics", "foundation.metrics"),
    ("clngraph.availability", "foundation.availability"),
    ("clngraph.tracing", "foundation.tracing"),
    ("tests.test_timestamptz", "tests.foundation.test_timestamptz"),
]

# (module, name, new module): one name moved out of a module that moved down a layer
SYMBOL_MOVES: list[tuple[str, str, str]] = [
    ("foundation.db", "kept_connections", "tenants.connections"),
]

# (old text, new text) for paths that are not modules (folders, tools)
TEXT_MOVES: list[tuple[str, str]] = [
    ("tools/", "node_tools/"),  # not `httptools/`, `strawberry.tools`, `node_tools/`
    ('PROJECT_ROOT / "tools"', 'PROJECT_ROOT / "node_tools"'),
]

SUFFIXES = {".py", ".mako", ".md", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".json", ".txt", ".sh"}
NAMES = {"dev", ".gitignore", "Dockerfile", "run"}
SKIP_PARTS = {"node_modules", ".venv", ".git"}


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def move_paths() -> None:
    for old, new in PATH_MOVES:
        if not Path(old).exists():
            continue
        if not Path(new).exists():
            Path(new).parent.mkdir(parents=True, exist_ok=True)
            _git("mv", old, new)
            print(f"moved {old} -> {new}")
        elif Path(old).is_dir():  # a merged branch added files under the old folder
            for name in _git("ls-files", old).splitlines():
                target = Path(new) / Path(name).relative_to(old)
                target.parent.mkdir(parents=True, exist_ok=True)
                _git("mv", name, str(target))
                print(f"moved {name} -> {target}")


def _rules() -> list[tuple[re.Pattern[str], str]]:
    rules: list[tuple[re.Pattern[str], str]] = []
    for old, new in MODULE_MOVES:
        old_pkg, _, old_mod = old.rpartition(".")
        new_pkg, _, new_mod = new.rpartition(".")
        # `old.pkg.mod` as a whole dotted name (not followed by another name character)
        rules.append((re.compile(rf"(?<![\w.]){re.escape(old)}(?![\w])"), new))
        if old_mod == new_mod and old_pkg and old_pkg != new_pkg:
            # `from old_pkg import mod` (alone on the line) -> `from new_pkg import mod`
            rules.append(
                (
                    re.compile(
                        rf"^(\s*)from {re.escape(old_pkg)} import {old_mod}((?: as \w+)?\s*(?:#.*)?)$",
                        re.M,
                    ),
                    rf"\1from {new_pkg} import {new_mod}\2",
                )
            )
        old_path, new_path = old.replace(".", "/"), new.replace(".", "/")
        rules.append((re.compile(rf"(?<![\w/.]){re.escape(old_path)}(?=\.py|/|\b)"), new_path))
    for old, new in TEXT_MOVES:
        rules.append((re.compile(rf"(?<![\w/.-]){re.escape(old)}"), new))
    return rules


def _move_symbols(text: str) -> str:
    """`from old import a, name, b` -> `from old import a, b` + `from new import name`
    (single-line imports, which is how this code base writes them)."""
    for old, name, new in SYMBOL_MOVES:
        pattern = re.compile(rf"^(\s*)from {re.escape(old)} import ([^\n(]*)$", re.M)

        def split(match: re.Match[str], old: str = old, name: str = name, new: str = new) -> str:
            indent, names = match.group(1), [n.strip() for n in match.group(2).split(",")]
            if name not in names:
                return match.group(0)
            rest = [n for n in names if n != name]
            moved = f"{indent}from {new} import {name}"
            return f"{indent}from {old} import {', '.join(rest)}\n{moved}" if rest else moved

        text = pattern.sub(split, text)
    return text


def rewrite() -> None:
    rules = _rules()
    me = Path(__file__).resolve()
    for name in _git("ls-files").splitlines():
        path = Path(name)
        if SKIP_PARTS.intersection(path.parts) or not path.is_file() or path.resolve() == me:
            continue
        if path.suffix not in SUFFIXES and path.name not in NAMES:
            continue
        text = path.read_text()
        new = text
        for pattern, replacement in rules:
            new = pattern.sub(replacement, new)
        if path.suffix == ".py":
            new = _move_symbols(new)
        if new != text:
            path.write_text(new)
            print(f"rewrote {name}")


_TYPES_LIST = re.compile(r"^types(\s*(?::[^=]+)?=)", re.M)
_TYPES_ALL = re.compile(r'("|\')types("|\')(?=[,\]])')


def rename_domain_type_exports() -> None:
    """A domain's `types` list shadowed its `types` module: it is `graphql_types`."""
    for init in sorted(Path("resolvers").glob("*/__init__.py")):
        text = init.read_text()
        new = _TYPES_ALL.sub(r"\1graphql_types\2", _TYPES_LIST.sub(r"graphql_types\1", text))
        if new != text:
            init.write_text(new)
            print(f"rewrote {init}")


if __name__ == "__main__":
    if not Path(".git").exists() and not Path("pyproject.toml").exists():
        sys.exit("run from the repository root")
    move_paths()
    rewrite()
    rename_domain_type_exports()
