"""/status in real headless Chromium with no network but the app: a national lead
signs in with a token, every chart is drawn with the figures the GraphQL API gives
the same caller, a SHA administrator sees only their SHA, a member is refused.
Screenshots land in .artifacts/browser/."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from tests.browser.conftest import Browser, screenshot
from tests.support import GraphQLClient

WAIT_MS = 90_000
CHARTS = ("rollout", "members", "escalator", "attendance", "congress")
DASHBOARD = """{ nationalDashboard {
  rollout { shaCode }
  membersByProfession { shaCode members }
  escalatorLevels { shaCode policyAreaCode }
} }"""


async def sign_in(browser: Browser, token: str, path: str = "/status") -> Page:
    page = await browser.page()
    response = await page.goto(browser.origin + path)
    assert response is not None and response.status == 200  # the sign-in form
    await page.get_by_label("Access token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_load_state()
    return page


async def chart_rows(page: Page, chart: str) -> list[list[str]]:
    rows = page.locator(f'figure[data-chart="{chart}"] table tbody tr')
    return [
        [c.strip() for c in await row.locator("th, td").all_text_contents()]
        for row in await rows.all()
    ]


async def test_a_national_lead_sees_every_chart_with_the_apis_figures(
    browser: Browser, gql: GraphQLClient, make_token: Any
) -> None:
    token = make_token("national_lead")
    page = await sign_in(browser, token)
    await page.locator('figure[data-chart="congress"]').wait_for(timeout=WAIT_MS)
    await screenshot(page, "status-national.png")

    for chart in CHARTS:
        figure = page.locator(f'figure[data-chart="{chart}"]')
        assert await figure.get_attribute("data-empty") is None, chart
        svg = figure.locator('svg[role="img"]')
        assert await svg.locator("title").count() >= 1 and await svg.locator("desc").count() == 1
        assert await svg.locator("[data-value]").count() > 0, chart
        assert await chart_rows(page, chart), chart

    api = (await gql.data(DASHBOARD, token=token))["nationalDashboard"]
    rollout = await chart_rows(page, "rollout")
    assert sorted(r[0] for r in rollout) == sorted(r["shaCode"] for r in api["rollout"])
    members = await chart_rows(page, "members")
    assert sum(int(r[-1]) for r in members) == sum(r["members"] for r in api["membersByProfession"])
    heat = await chart_rows(page, "escalator")
    assert {(r[0], r[1]) for r in heat} == {
        (r["shaCode"], r["policyAreaCode"]) for r in api["escalatorLevels"]
    }
    for row in heat:  # the four shares of a cell add up to the whole
        shares = [float(v.rstrip("%")) for v in row[3:]]
        assert abs(sum(shares) - 100) < 0.5, row
    attendance = await chart_rows(page, "attendance")
    assert all(len(r[0]) == 7 and r[0][4] == "-" for r in attendance)  # months, YYYY-MM
    assert await chart_rows(page, "congress")

    # screen readers and colour-blind readers: no chart relies on colour alone
    assert await page.locator("svg[role=img][aria-labelledby]").count() == len(CHARTS)
    assert browser.blocked == [] and browser.console_errors == []


async def test_a_sha_admin_sees_only_their_sha(browser: Browser, make_token: Any) -> None:
    page = await sign_in(browser, make_token("sha_admin", "Q31"))
    await page.locator('figure[data-chart="rollout"]').wait_for(timeout=WAIT_MS)
    await screenshot(page, "status-sha-admin-Q31.png")
    assert [r[0] for r in await chart_rows(page, "rollout")] == ["Q31"]
    assert {r[0] for r in await chart_rows(page, "members")} == {"Q31"}
    assert {r[0] for r in await chart_rows(page, "escalator")} <= {"Q31"}


async def test_a_national_lead_narrows_to_one_sha(browser: Browser, make_token: Any) -> None:
    page = await sign_in(browser, make_token("national_lead"))
    await page.get_by_role("link", name="Q36").click()
    await page.locator('figure[data-chart="rollout"]').wait_for(timeout=WAIT_MS)
    assert page.url.endswith("/sha/Q36/status")
    assert [r[0] for r in await chart_rows(page, "rollout")] == ["Q36"]


async def test_members_and_bad_tokens_are_refused(browser: Browser, make_token: Any) -> None:
    page = await sign_in(browser, make_token("member", "Q31"))
    assert "does not open the status page" in await page.locator("[role=alert]").inner_text()
    page = await sign_in(browser, "not-a-token")
    assert "refused" in await page.locator("[role=alert]").inner_text()
    response = await page.goto(browser.origin + "/status")  # no cookie was set
    assert response is not None and response.status == 200
    assert await page.get_by_label("Access token").count() == 1
