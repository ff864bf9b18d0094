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
from core.org import tokens
from db.engine import session_scope
from db.types import utcnow
from probes import store
from web import bodies
from web.bodies import BadBody
from web.common import STATE, bearer, client, error, json_body, refused, unavailable

GUESSES = ("agent.code_unknown", "agent.code_used", "agent.code_expired", "agent.credential_unknown",
           "agent.revoked")  # a wrong code or credential: counted per client, a guesser waits
failures = tokens.FailureLimit()
MAX_BODY = 8 * 1024 * 1024  # a full batch of results with SNMP interface details
WINDOWS_S = 30  # maintenance windows are read again after this long
_windows: dict = {"at": 0.0, "list": []}


def _waiting(request: Request) -> Response | None:
    """429 for a client that presented too many wrong codes or credentials in the last minute."""
    wait = failures.wait_s(client(request))
    if not wait:
        return None
    return error("too_many_failures", f"more than {failures.per_minute} wrong codes or credentials a minute "
                 "from here", 429, {"Retry-After": str(max(1, round(wait)))})


def _refused(exc: agents.AgentRefused, request: Request) -> Response:
    if exc.key in GUESSES:
        failures.failed(client(request))
    return refused(exc, request)


def _maintenance(engine) -> list:
    if time.monotonic() - _windows["at"] > WINDOWS_S:
        _windows["list"], _windows["at"] = store.windows(engine), time.monotonic()
    return _windows["list"]


async def enrol(request: Request) -> Response:
    engine = STATE["engine"]
    if engine is None:
        return unavailable(request)
    if waiting := _waiting(request):
        return waiting
    try:
        body = await json_body(request, bodies.Enrol, 4096)
    except BadBody as exc:
        return error("too_large" if exc.status == 413 else "bad_request", str(exc), exc.status)

    def run():
        with session_scope(engine) as session:
            return agents.enrol(session=session, code=body.code, version=body.version, address=client(request))
    try:
        made = await run_in_threadpool(run)
    except agents.AgentRefused as exc:
        return _refused(exc, request)
    return JSONResponse({"agent_id": made.agent_id, "name": made.name, "credential": made.credential,
                         "push_interval_s": made.push_interval_s, "acked_seq": made.acked_seq})


async def targets(request: Request) -> Response:
    engine = STATE["engine"]
    if engine is None:
        return unavailable(request)
    if waiting := _waiting(request):
        return waiting

    def run():
        with session_scope(engine) as session:
            agent = agents.authenticate(session, bearer(request), address=client(request))
            agents.touch(session, agent, address=client(request), version=request.headers.get("x-agent-version", ""),
                         now=utcnow())
            return agents.target_list(session, agent)
    try:
        body, tag = await run_in_threadpool(run)
    except agents.AgentRefused as exc:
        return _refused(exc, request)
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    return JSONResponse(body, headers={"ETag": tag, "Cache-Control": "no-store"})


async def results(request: Request) -> Response:
    engine, settings = STATE["engine"], STATE["settings"]
    if engine is None:
        return unavailable(request)
    if waiting := _waiting(request):
        return waiting
    def known():
        with session_scope(engine) as session:
            agents.authenticate(session, bearer(request), address=client(request))
    try:
        # The credential first: a stranger's megabytes are refused before they are read or parsed.
        await run_in_threadpool(known)
        body = await json_body(request, bodies.Push, MAX_BODY)
    except agents.AgentRefused as exc:
        return _refused(exc, request)
    except BadBody as exc:
        return error("too_large" if exc.status == 413 else "bad_request", str(exc), exc.status)

    def run():
        return agents.ingest(engine, bearer(request), body.results, backlog=body.backlog, zone=settings.zone,
                             windows=_maintenance(engine), address=client(request),
                             version=request.headers.get("x-agent-version", ""))
    try:
        ack = await run_in_threadpool(run)
    except agents.AgentRefused as exc:
        return _refused(exc, request)
    return JSONResponse(ack.as_dict())


ROUTES = [Route("/agent/v1/enrol", enrol, methods=["POST"]), Route("/agent/v1/targets", targets),
          Route("/agent/v1/results", results, methods=["POST"])]
