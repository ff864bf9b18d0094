"""The agents' endpoints: enrol with a one-time code, pull the target list, push results.

    POST /agent/v1/enrol    {"code", "version"}            → {"agent_id", "name", "credential", "push_interval_s", "acked_seq"}
    GET  /agent/v1/targets  Authorization: Bearer <cred>   → {"targets": [...], "push_interval_s", "pull_s"} (ETag, 304)
    POST /agent/v1/results  {"results": [...], "backlog"}  → {"ack", "stored", "duplicates", "refused": [{"seq", "reason"}]}
"""

import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.agents import agents
from db.engine import session_scope
from db.types import utcnow
from probes import store
from web.common import STATE, BadBody, bearer, client, error, json_body, refused, unavailable

MAX_BODY = 8 * 1024 * 1024  # a full batch of results with SNMP interface details
WINDOWS_S = 30  # maintenance windows are read again after this long
_windows: dict = {"at": 0.0, "list": []}


def _maintenance(engine) -> list:
    if time.monotonic() - _windows["at"] > WINDOWS_S:
        _windows["list"], _windows["at"] = store.windows(engine), time.monotonic()
    return _windows["list"]


async def enrol(request: Request) -> Response:
    engine = STATE["engine"]
    if engine is None:
        return unavailable(request)
    try:
        body = await json_body(request, 4096)
    except BadBody as exc:
        return error("bad_request", str(exc), 400)

    def run():
        with session_scope(engine) as session:
            return agents.enrol(session=session, code=str(body.get("code", "")),
                                version=str(body.get("version", "")), address=client(request))
    try:
        made = await run_in_threadpool(run)
    except agents.AgentRefused as exc:
        return refused(exc, request)
    return JSONResponse({"agent_id": made.agent_id, "name": made.name, "credential": made.credential,
                         "push_interval_s": made.push_interval_s, "acked_seq": made.acked_seq})


async def targets(request: Request) -> Response:
    engine = STATE["engine"]
    if engine is None:
        return unavailable(request)

    def run():
        with session_scope(engine) as session:
            agent = agents.authenticate(session, bearer(request), address=client(request))
            agents.touch(session, agent, address=client(request), version=request.headers.get("x-agent-version", ""),
                         now=utcnow())
            return agents.target_list(session, agent)
    try:
        body, tag = await run_in_threadpool(run)
    except agents.AgentRefused as exc:
        return refused(exc, request)
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    return JSONResponse(body, headers={"ETag": tag, "Cache-Control": "no-store"})


async def results(request: Request) -> Response:
    engine, settings = STATE["engine"], STATE["settings"]
    if engine is None:
        return unavailable(request)
    try:
        body = await json_body(request, MAX_BODY)
    except BadBody as exc:
        return error("bad_request", str(exc), 400)
    items = body.get("results", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return error("bad_request", "results must be a list of objects", 400)
    backlog = body.get("backlog", 0)

    def run():
        return agents.ingest(engine, bearer(request), items, backlog=backlog if isinstance(backlog, int) else 0,
                             zone=settings.zone, windows=_maintenance(engine), address=client(request),
                             version=request.headers.get("x-agent-version", ""))
    try:
        ack = await run_in_threadpool(run)
    except agents.AgentRefused as exc:
        return refused(exc, request)
    return JSONResponse(ack.as_dict())


ROUTES = [Route("/agent/v1/enrol", enrol, methods=["POST"]), Route("/agent/v1/targets", targets),
          Route("/agent/v1/results", results, methods=["POST"])]
