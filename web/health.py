"""/healthz (the process answers, and whether its store does) and /metrics (Prometheus text format)."""

import hmac
import ipaddress

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core import startup
from core.monitoring import metrics
from db.engine import session_scope
from web.common import STATE


def _store_answers(engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means: the store does not answer now
        return False


async def healthz(_request: Request) -> Response:
    """The process answers, and whether its store does; no Streamlit session is touched."""
    engine = STATE["engine"]
    store = engine is not None and await run_in_threadpool(_store_answers, engine)
    return JSONResponse({"status": "ok" if store else "degraded", "store": "ok" if store else "unavailable",
                         "worker_in_process": startup.process_worker() is not None},
                        status_code=200 if store else 503)


def _loopback(host: str) -> bool:
    """127.0.0.0/8 and ::1, also as an IPv4-mapped address (a dual-stack socket reports ::ffff:127.0.0.1)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _exposition(engine) -> str:
    with session_scope(engine) as session:
        return metrics.exposition(session)


async def metrics_route(request: Request) -> Response:
    """Prometheus text format, for loopback scrapers or a bearer of MONEV_METRICS_TOKEN."""
    engine, settings = STATE["engine"], STATE["settings"]
    token = settings.metrics_token.get_secret_value() if settings and settings.metrics_token else ""
    # Behind a reverse proxy every request comes from loopback: then only the token opens it.
    local = (request.client is not None and _loopback(request.client.host)
             and settings is not None and settings.trusted_proxies == 0)
    given = request.headers.get("authorization", "")
    if not (local or (token and hmac.compare_digest(given, f"Bearer {token}"))):
        return Response("forbidden\n", status_code=403, media_type="text/plain")
    if engine is None:
        return Response("store unavailable\n", status_code=503, media_type="text/plain")
    body = await run_in_threadpool(_exposition, engine)
    return Response(body, media_type="text/plain; version=0.0.4")


ROUTES = [Route("/healthz", healthz), Route("/metrics", metrics_route)]
