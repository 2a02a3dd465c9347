"""docs/architecture.md maps the repository: every top-level folder, every module of
`schema/` and of its fast path, and the layers' picture."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "architecture.md").read_text()
NOT_OURS = {"build", "dist", "__pycache__", "node_modules"}  # build output, caches


def test_every_top_level_folder_is_mapped() -> None:
    folders = [
        path.name
        for path in ROOT.iterdir()
        if path.is_dir()
        and (not path.name.startswith(".") or path.name == ".ci")
        and path.name not in NOT_OURS
        and not path.name.endswith(".egg-info")
    ]
    assert [name for name in sorted(folders) if f"`{name}/" not in DOC] == []


def test_every_schema_module_is_mapped() -> None:
    modules = [
        path.relative_to(ROOT).as_posix()
        for folder in (ROOT / "schema", ROOT / "schema" / "fastpath")
        for path in folder.glob("*.py")
    ]
    missing = [m for m in sorted(modules) if f"`{m}`" not in DOC and f"`{Path(m).name}`" not in DOC]
    assert missing == []


def test_the_layers_have_a_picture() -> None:
    assert "```mermaid" in DOC
