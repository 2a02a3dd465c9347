"""Real headless Chromium (Debian's `chromium`, driven by Playwright's client; no
browser download) against real uvicorn processes, with the network blocked: only the
app's loopback origin answers. `./dev test` installs `chromium` when it is missing.
Screenshots go to `.artifacts/browser/` (ignored by git)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, Route, async_playwright

from foundation.settings import PROJECT_ROOT, Settings
from tests.connect_networks.servers import Server, api_servers, server_env

ARTIFACTS = PROJECT_ROOT / ".artifacts" / "browser"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # anything that is not loopback goes to a proxy that is not there (loopback is
    # never proxied): a second wall behind the request filter below
    "--proxy-server=http://127.0.0.1:9",
]


def chromium_executable() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            "Chromium is not installed: `./dev test` installs Debian's `chromium` "
            "(apt-get install chromium) before running the suite"
        )
    return found


@pytest.fixture(scope="module")
def server(admin_url: str, settings: Settings) -> Iterator[Server]:
    with api_servers(1, server_env(admin_url, settings)) as running:
        yield running[0]


@dataclass
class Browser:
    context: BrowserContext
    origin: str
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    async def page(self) -> Page:
        page = await self.context.new_page()
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        return page


@pytest.fixture
async def browser(server: Server, tmp_path: Path) -> AsyncIterator[Browser]:
    origin = f"http://127.0.0.1:{server.port}"
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh --user-data-dir
            executable_path=chromium_executable(),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        found = Browser(context, origin)

        async def only_the_app(route: Route) -> None:
            url = route.request.url
            if url.startswith(origin + "/") or url.startswith("data:"):
                await route.continue_()
            else:
                found.blocked.append(url)
                await route.abort("internetdisconnected")

        await context.route("**/*", only_the_app)
        try:
            yield found
        finally:
            await context.close()


def artefact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


async def screenshot(page: Page, name: str) -> Path:
    path = artefact(name)
    await page.screenshot(path=str(path), full_page=True)
    return path
