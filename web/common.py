"""What every route shares: the store and settings the server's lifespan opened, JSON errors, bearer
tokens, the client's address and a bounded body read into its model."""

import threading
import time

from starlette.requests import Request
from starlette.responses import JSONResponse

from core.errors import MonevError
from core.org import logins
from web.bodies import BadBody, Body, parse_json

# What the lifespan opened, for the routes (Streamlit's App does not hand the lifespan's state to requests).
STATE: dict = {"settings": None, "engine": None}


_shared: dict = {}
_shared_locks: dict = {}
_guard = threading.Lock()


def shared(key: tuple, ttl_s: float, make):
    """`make()` computed at most once per `ttl_s` for `key`, however many callers ask meanwhile (the others
    wait for the one computing): the expensive reads every route of the same data shares. Call off the loop."""
    with _guard:
        lock = _shared_locks.setdefault(key, threading.Lock())
    with lock:
        hit = _shared.get(key)
        if hit is not None and time.monotonic() - hit[0] < ttl_s:
            return hit[1]
        value = make()
        _shared[key] = (time.monotonic(), value)
        return value


def lang_of(request: Request) -> str:
    settings = STATE["settings"]
    asked = request.query_params.get("lang", "") or request.headers.get("accept-language", "")[:2].lower()
    return asked if asked in ("id", "en") else (settings.language if settings else "id")


def page_lang(request: Request) -> str:
    """A public page's language: ?lang=, else the installation's (never the browser's guess)."""
    asked = request.query_params.get("lang", "")
    return asked if asked in ("id", "en") else STATE["settings"].language


def error(code: str, message: str, status: int, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def refused(exc: MonevError, request: Request, status: int = 400) -> JSONResponse:
    """A domain error as JSON, in the caller's language; its key is the stable code."""
    return error(exc.key, exc.message(lang_of(request)), getattr(exc, "status", status))


def unavailable(request: Request) -> JSONResponse:
    message = "Penyimpanan data belum tersedia." if lang_of(request) == "id" else "The store is not available."
    return error("store_unavailable", message, 503)


def bearer(request: Request) -> str:
    given = request.headers.get("authorization", "")
    return given[7:].strip() if given[:7].lower() == "bearer " else ""


def client(request: Request) -> str:
    """The caller's address, by the same rule as a login's (core.org.logins.client_address)."""
    settings = STATE["settings"]
    return logins.client_address(request.client.host if request.client else "?",
                                 request.headers.get("x-forwarded-for", ""),
                                 settings.trusted_proxies if settings else 0)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, read in chunks and refused past `limit` (web.guard refuses it earlier for every route; this
    keeps a route safe wherever it is mounted)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadBody(f"body larger than {limit} bytes", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadBody(f"body larger than {limit} bytes", 413)
        chunks.append(chunk)
    return b"".join(chunks)


async def json_body(request: Request, model: type[Body], limit: int) -> Body:
    """The body as `model`, or BadBody saying what does not fit (too large, not JSON, a field's type)."""
    return parse_json(model, await read_body(request, limit))
