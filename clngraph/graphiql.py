"""GraphiQL without a CDN: the page and its assets come from this service.

The assets are an npm install of `node_tools/graphiql/package.json` (exact versions, the
lock file committed), made by `./dev`'s setup into `node_tools/graphiql/node_modules`
(ignored by git). Only the files named in `ASSETS` are served, under
`/graphiql/assets/<name>`, so nothing else of `node_modules` is reachable. The page
(`static/graphiql.html`) adds the explorer plugin and sends subscriptions over
graphql-transport-ws (the `graphql-ws` client) with the headers of the Headers tab
as the `connection_init` payload. `CLN_GRAPHIQL_ASSETS` points elsewhere (an image
that copies the folder, say).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

PAGE = (Path(__file__).parent / "static" / "graphiql.html").read_text()

ASSETS = {
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "explorer.umd.js": "@graphiql/plugin-explorer/dist/index.umd.js",
    "explorer.css": "@graphiql/plugin-explorer/dist/style.css",
    "graphql-ws.min.js": "graphql-ws/umd/graphql-ws.min.js",
}
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def missing_assets(directory: Path) -> list[str]:
    return [name for name, path in ASSETS.items() if not (directory / path).is_file()]


def graphiql_assets(directory: Path) -> Callable[[Request], Awaitable[Response]]:
    """The `/graphiql/assets/{name}` endpoint over `directory`."""

    async def endpoint(request: Request) -> Response:
        name = request.path_params["name"]
        relative = ASSETS.get(name)
        if relative is None:
            return PlainTextResponse("no such asset\n", 404)
        path = directory / relative
        if not path.is_file():
            return PlainTextResponse(
                "GraphiQL's assets are not installed: run ./dev serve (or ./dev test) once\n",
                503,
            )
        return FileResponse(
            path,
            media_type=MEDIA_TYPES[path.suffix],
            # the versions are pinned: a change of package.json changes nothing here
            # until the process restarts, so a day of caching is safe
            headers={"Cache-Control": "public, max-age=86400"},
        )

    return endpoint
