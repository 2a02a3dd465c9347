"""`GET /metrics`: the Prometheus exposition, open in development, guarded in production.

In production a scrape must present `Authorization: Bearer <CLN_METRICS_TOKEN>` (a
static secret Prometheus reads from a file, compared in constant time) or a token of
a platform administrator; with neither it is 401, so request counts per SHA and per
partner never leak to the public. `CLN_METRICS=false` removes the route.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response

from auth.authenticator import AuthenticationError
from auth.principal import Role
from foundation.metrics import exposition, run_scrape_probes

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="cln-graph metrics"'}


async def _allowed(request: Request) -> bool:
    state = request.app.state.cln
    settings = state.settings
    if not settings.is_production and not settings.metrics_token:
        return True
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return False
    if settings.metrics_token and hmac.compare_digest(
        token.encode(), settings.metrics_token.encode()
    ):
        return True
    try:
        principal = await state.authenticator.authenticate(token)
    except AuthenticationError:
        return False
    return principal is not None and principal.has_role(Role.PLATFORM_ADMIN)


async def metrics(request: Request) -> Response:
    if not await _allowed(request):
        return Response("metrics need an administrator's token\n", 401, CHALLENGE)
    await run_scrape_probes(request.app.state.cln)
    body, media_type = exposition()
    return Response(body, media_type=media_type)
