"""The read API: /api/v1/… with a bearer token an admin issued (Admin → Agen & API), its OpenAPI
document at /api/openapi.json. Every list is paginated (?limit=, ?offset=; `next` names the next page)."""

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.errors import MonevError
from core.org import tokens
from core.publish import api, opendata
from db.engine import session_scope
from web import opendata as opendata_routes
from web.common import STATE, bearer, client, error, lang_of, refused, shared, unavailable

MAX_LIMIT, DEFAULT_LIMIT = 1000, 100
CACHE_S = opendata_routes.CACHE_S
limits = tokens.RateLimit()
failures = tokens.FailureLimit()  # wrong tokens per client: a guesser waits


def _page(request: Request, rows: list[dict]) -> dict:
    try:
        limit = int(request.query_params.get("limit", DEFAULT_LIMIT))
        offset = int(request.query_params.get("offset", 0))
    except ValueError:
        raise _Bad("limit and offset must be whole numbers") from None
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise _Bad(f"limit must be 1–{MAX_LIMIT} and offset 0 or more")
    items = rows[offset:offset + limit]
    following = offset + limit if offset + limit < len(rows) else None
    nxt = None
    if following is not None:
        url = request.url.include_query_params(limit=limit, offset=following)
        nxt = f"{url.path}?{url.query}"
    return {"items": items, "total": len(rows), "limit": limit, "offset": offset, "next": nxt}


class _Bad(Exception):
    pass


def _int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise _Bad(f"{name} must be a whole number") from None


def endpoint(read: Callable) -> Callable:
    """A handler: token → viewer (the same scope as a page), rate limit, the read on a thread, a page of
    rows as JSON; every failure a JSON error."""
    async def handle(request: Request) -> Response:
        engine, settings = STATE["engine"], STATE["settings"]
        if engine is None:
            return unavailable(request)

        caller = client(request)
        if wait := failures.wait_s(caller):
            return error("too_many_failures", f"more than {failures.per_minute} wrong tokens a minute from here",
                         429, {"Retry-After": str(max(1, round(wait)))})

        def run():
            with session_scope(engine) as session:
                viewer, token_id = tokens.viewer_for(session, bearer(request))
                wait = limits.wait_s(token_id)
                if wait:
                    return wait, None
                return 0.0, read(request, session, viewer, settings)
        try:
            wait, rows = await run_in_threadpool(run)
            if wait:
                return error("rate_limited", f"more than {limits.per_minute} requests a minute", 429,
                             {"Retry-After": str(max(1, round(wait)))})
            return JSONResponse(_page(request, rows), headers={"Cache-Control": "no-store"})
        except _Bad as exc:
            return error("bad_request", str(exc), 400)
        except tokens.TokenRefused as exc:
            failures.failed(caller)
            return refused(exc, request, 401)
        except MonevError as exc:
            return refused(exc, request, 400)
    return handle


def _units(request, session, viewer, settings):
    return api.units(session=session, viewer=viewer)


def _targets(request, session, viewer, settings):
    return api.targets(session=session, viewer=viewer, unit_id=_int(request, "unit_id"),
                       state=request.query_params.get("state") or None)


def _availability(request, session, viewer, settings):
    return api.availability_by_unit(session=session, viewer=viewer, window=request.query_params.get("window", "24h"),
                                    zone=settings.zone)


def _sla(request, session, viewer, settings):
    month = api.parse_month(request.query_params.get("month"), settings.zone)
    return api.sla_month(session=session, viewer=viewer, month=month, zone=settings.zone)


def _inventory(request, session, viewer, settings):
    return api.inventory_counts(session=session, viewer=viewer)


def _evaluation(request, session, viewer, settings):
    # Every period's overview is seconds of work: one computation per scope serves every token of that scope
    # for CACHE_S (the figures move when Kominfo verifies, not by the minute).
    return shared(("evaluation", settings.database_url, viewer.role.value, viewer.unit_id), CACHE_S,
                  lambda: api.evaluation(session=session, viewer=viewer, zone=settings.zone,
                                         org_name=settings.org_name))


def _datasets(request, session, viewer, settings):
    # The same datasets, from the same cache, as /publik/data.
    return [opendata_routes._dataset(name).metadata(lang_of(request), settings.org_name) for name in opendata.NAMES]


READS = {  # path → (handler, summary, query parameters)
    "/api/v1/units": (_units, "Units the token may see (its unit and the units under it, or all)", []),
    "/api/v1/targets": (_targets, "Monitored targets with their live state (no hosts or addresses)",
                        [("unit_id", "integer", "only this unit"), ("state", "string", "UP, DOWN, … only")]),
    "/api/v1/availability": (_availability, "Availability per unit over a window",
                             [("window", "string", "24h, 7d, 30d, 90d or 365d (default 24h)")]),
    "/api/v1/sla": (_sla, "SLA compliance per digital service for a month",
                    [("month", "string", "YYYY-MM (default: this month)")]),
    "/api/v1/inventory": (_inventory, "Devices, ICT staff and applications counted per unit", []),
    "/api/v1/evaluation": (_evaluation, "Evaluation index per period: the city's and each unit's", []),
    "/api/v1/opendata": (_datasets, "The open datasets' metadata (the files: /publik/data/{name}.csv|json)", []),
}


def openapi() -> dict:
    page = [("limit", "integer", f"rows per page, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT})"),
            ("offset", "integer", "rows to skip (default 0)")]
    error_ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    paths = {}
    for path, (_handler, summary, params) in READS.items():
        paths[path] = {"get": {
            "summary": summary, "security": [{"token": []}],
            "parameters": [{"name": n, "in": "query", "required": False, "description": d, "schema": {"type": ty}}
                           for n, ty, d in [*params, *page]],
            "responses": {"200": {"description": "a page of rows", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Page"}}}},
                "400": {"description": "a bad parameter", **error_ref},
                "401": {"description": "no token, an unknown or a revoked one", **error_ref},
                "429": {"description": "too many requests; see Retry-After", **error_ref},
                "503": {"description": "the store is not available", **error_ref}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Monev TIK read API", "version": "1",
                 "description": "Read-only figures for other city systems. A token reads as the role and unit "
                                "it was issued for, with the same scope rules as the dashboard."},
        "paths": paths,
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Page": {"type": "object", "required": ["items", "total", "limit", "offset", "next"], "properties": {
                    "items": {"type": "array", "items": {"type": "object"}}, "total": {"type": "integer"},
                    "limit": {"type": "integer"}, "offset": {"type": "integer"},
                    "next": {"type": ["string", "null"]}}},
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}}},
    }


async def openapi_route(_request: Request) -> Response:
    return JSONResponse(openapi())


ROUTES = [Route("/api/openapi.json", openapi_route),
          *(Route(path, endpoint(handler)) for path, (handler, _s, _p) in READS.items())]
