"""`/status`: the national status page, server-rendered HTML with inline SVG charts.

Who: national leads and platform administrators see every SHA in reach
(`/sha/{code}/status` narrows to one); a SHA administrator sees their own SHA. Anyone
else gets 403; a browser without credentials gets a sign-in form.

How a browser signs in: the same bearer tokens as the API. A client that can send
headers sends `Authorization: Bearer <token>`. A person pastes a token (from `./dev
token`, or their identity provider's) into the form; `POST /status/session` verifies
it with the API's authenticator and sets it as an HttpOnly, SameSite=Strict cookie
scoped to the status paths (Secure over HTTPS), which expires with the token.
`POST /status/logout` clears it. The cookie is honoured only here: it never
authorises `/graphql`, so no cross-site request can use it for a mutation.
"""

from __future__ import annotations

import time
from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from auth.authenticator import AuthenticationError
from auth.principal import Principal, Role
from clngraph.middleware.authentication import PRINCIPAL_KEY
from clngraph.status import charts
from clngraph.status.queries import PROFESSIONS, StatusData, StatusQueryError, changed_on, load

COOKIE = "cln_status"
COOKIE_PATHS = ("/status", "/sha/")
ALLOWED = (Role.NATIONAL_LEAD, Role.PLATFORM_ADMIN, Role.SHA_ADMIN)
SECURITY_HEADERS = {
    # everything is inline and local: no script at all, no request elsewhere
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#1F1F1F}
header{display:flex;justify-content:space-between;align-items:baseline;flex-wrap:wrap;gap:1rem}
nav a{margin-right:.6rem}
.chart{margin:1.5rem 0;padding:1rem;border:1px solid #BBB;border-radius:6px}
.chart h2{margin-top:0;font-size:1.2rem}
table{border-collapse:collapse;margin-top:.5rem;font-size:.9rem}
th,td{border:1px solid #CCC;padding:.2rem .5rem;text-align:right}
th[scope=row],thead th{text-align:left}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
summary{cursor:pointer;color:#0057A3}
a{color:#0057A3}
.error{border-left:4px solid #D55E00;padding:.5rem 1rem}
form.inline{display:inline}
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="data:,"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )
    return HTMLResponse(html, status, headers=SECURITY_HEADERS)


def _sign_in(message: str | None = None, status: int = 401) -> HTMLResponse:
    note = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    return _page(
        "CLN Graph status: sign in",
        "<main><h1>CLN Graph status</h1>"
        "<p>For national leads, platform administrators and SHA administrators. "
        "Paste an access token (in development: <code>./dev token --role national_lead</code>).</p>"
        f"{note}"
        '<form method="post" action="/status/session">'
        '<label for="token">Access token</label><br>'
        '<textarea id="token" name="token" rows="4" cols="80" required></textarea><br>'
        '<button type="submit">Sign in</button></form></main>',
        status,
    )


async def _principal(request: Request, authenticator: Any) -> Principal | None:
    """The bearer token's principal (set by the authentication middleware), else the
    status cookie's."""
    principal = request.scope.get(PRINCIPAL_KEY)
    if principal is not None:
        return principal
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        found = await authenticator.authenticate(token)
    except AuthenticationError:
        return None
    request.scope[PRINCIPAL_KEY] = found
    return found


def _authenticator(request: Request) -> Any:
    return request.app.state.cln.authenticator


def _allowed(principal: Principal) -> bool:
    return principal.kind == "user" and principal.has_role(*ALLOWED)


def status_routes(view: Any) -> list[Route]:
    """The page, its per-SHA form, and the cookie session endpoints."""

    async def page(request: Request) -> Response:
        authenticator = _authenticator(request)
        principal = await _principal(request, authenticator)
        if principal is None:
            return _sign_in(status=200)  # a form to fill, not a failure
        if not _allowed(principal):
            return _page(
                "CLN Graph status: not for you",
                "<main><h1>Not available</h1><p>The status page is for national leads, "
                "platform administrators and SHA administrators.</p></main>",
                403,
            )
        try:
            data = await load(view, request, principal.is_national)
        except StatusQueryError as error:
            status = 403 if "FORBIDDEN" in error.codes else 400
            return _page(
                "CLN Graph status",
                f'<main><h1>CLN Graph status</h1><p class="error" role="alert">{escape(str(error))}</p></main>',
                status,
            )
        return _page("CLN Graph status", _render(data, principal, request))

    async def session(request: Request) -> Response:
        form = await request.form()
        token = str(form.get("token") or "").strip()
        if not token:
            return _sign_in("Paste a token.", 400)
        try:
            principal = await _authenticator(request).authenticate(token)
        except AuthenticationError as error:
            return _sign_in(f"That token was refused: {error.reason}")
        if principal is None or not _allowed(principal):
            return _sign_in("That token does not open the status page.", 403)
        response = RedirectResponse("/status", 303)
        expires = principal.claims.get("exp")
        max_age = int(expires - time.time()) if isinstance(expires, int | float) else 3600
        for path in COOKIE_PATHS:
            response.set_cookie(
                COOKIE,
                token,
                max_age=max(max_age, 0),
                path=path,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
            )
        return response

    async def logout(request: Request) -> Response:
        response = RedirectResponse("/status", 303)
        for path in COOKIE_PATHS:
            response.delete_cookie(COOKIE, path=path)
        return response

    return [
        Route("/status", page, methods=["GET"]),
        Route("/sha/{sha_code}/status", page, methods=["GET"]),
        Route("/status/session", session, methods=["POST"]),
        Route("/status/logout", logout, methods=["POST"]),
    ]


def _render(data: StatusData, principal: Principal, request: Request) -> str:
    rollout = [
        charts.RolloutRow(
            r["shaCode"], r["name"], r["status"], r["pilot"], changed_on(r["statusChangedAt"])
        )
        for r in sorted(data.rollout, key=lambda r: (r["statusChangedAt"] or "9", r["shaCode"]))
    ]
    professions = [p for p in PROFESSIONS if any(p in c for c in data.members.values())]
    attended = sum(a for _, a, _ in data.attendance_by_month)
    expected = sum(e for _, _, e in data.attendance_by_month)
    figures = [
        charts.rollout_timeline(rollout),
        charts.members_by_profession(data.members, professions),
        charts.escalator_heat_map(data.escalator),
        charts.paired_bars(
            "attendance",
            "Action learning set attendance by month",
            data.attendance_by_month,
            done_label="attended",
            of_label="expected",
            summary=(
                f"{len(data.attendance_by_month)} months of held meetings: {attended} "
                f"attendances of {expected} expected."
            ),
            table_headers=("Month", "Attended", "Expected", "Rate"),
        ),
        charts.congress_attendance(data.congress),
    ]
    national = principal.is_national
    scope = (
        "every SHA in your reach"
        if national and len(data.sha_codes) > 1
        else ", ".join(data.sha_codes)
    )
    nav = ""
    if national:
        links = ['<a href="/status">All SHAs</a>'] + [
            f'<a href="/sha/{escape(code)}/status">{escape(code)}</a>' for code in data.sha_codes
        ]
        if request.path_params.get("sha_code"):
            links = ['<a href="/status">All SHAs</a>']
        nav = f'<nav aria-label="SHAs">{" ".join(links)}</nav>'
    return (
        "<header><h1>CLN Graph status</h1>"
        f"<p>Showing {escape(scope)}. Figures are read through the GraphQL API as you.</p>"
        '<form class="inline" method="post" action="/status/logout">'
        '<button type="submit">Sign out</button></form></header>'
        f"{nav}<main>{''.join(figures)}</main>"
    )
