"""What every route shares: the store and settings the server's lifespan opened, JSON errors, bearer
tokens, the client's address and a bounded JSON body."""

import json

from starlette.requests import Request
from starlette.responses import JSONResponse

from core.errors import MonevError
from core.org import logins

# What the lifespan opened, for the routes (Streamlit's App does not hand the lifespan's state to requests).
STATE: dict = {"settings": None, "engine": None}


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


class BadBody(Exception):
    pass


async def json_body(request: Request, limit: int) -> dict:
    raw = await request.body()
    if len(raw) > limit:
        raise BadBody(f"body larger than {limit} bytes")
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        raise BadBody(f"not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise BadBody("the body must be a JSON object")
    return body
