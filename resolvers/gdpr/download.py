"""GET /gdpr/exports/{sha}/{id}?expires=&sig=: the member's export, while its signed link
is valid. The signature is the credential (no session), so the link can be opened from
the notification e-mail; a wrong, altered or expired link is 404 with no detail."""

from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from resolvers.gdpr.exports import check_link, read_document
from tenants.codes import InvalidShaCode, validate_sha_code


async def download_export(request: Request) -> Response:
    state = request.app.state.cln
    params = request.query_params
    try:
        sha = validate_sha_code(request.path_params["sha"])
    except InvalidShaCode:
        return JSONResponse({"error": "not found"}, status_code=404)
    export_id = request.path_params["export_id"]
    if not check_link(
        state.settings, sha, export_id, params.get("expires", ""), params.get("sig", "")
    ):
        return JSONResponse({"error": "not found"}, status_code=404)
    document = await read_document(state.engine, state.settings, sha, export_id)
    if document is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    body = document if isinstance(document, bytes | str) else orjson.dumps(document)
    return Response(
        body,
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="cln-data-{export_id}.json"',
            "Cache-Control": "no-store",
        },
    )
