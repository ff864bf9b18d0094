"""What every HTTP request of the process goes through (ASGI middleware, for Streamlit's own routes too):
a body limit enforced while the body arrives, and the security headers on every response.

A body is refused on its Content-Length before a byte of it is read, and a body without one (chunked) is
counted as it arrives and cut off at the limit: no route, not even one that forgets, ever holds more than
its limit in memory. The answer is 413 with a reason in JSON.
"""

import json

from streamlit import config

KB, MB = 1024, 1024 * 1024
# The largest body each route takes; anything else (GET pages, JSON reads, Streamlit's own) 64 KB.
LIMITS = {"/publik/masukan": 8 * KB, "/publik/laporan": 8 * KB, "/publik/langganan": 8 * KB,
          "/publik/langganan/konfirmasi": 4 * KB, "/publik/langganan/berhenti": 4 * KB, "/agent/v1/enrol": 4 * KB,
          "/agent/v1/results": 8 * MB}
DEFAULT_LIMIT = 64 * KB
UPLOAD_PREFIX = "/_stcore/upload_file"  # Streamlit's file uploader: its own maxUploadSize

# Pages and JSON of our own need no script: nothing may run, load or be framed but the page's own CSS.
STRICT_CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
              "frame-ancestors 'none'; base-uri 'none'")
# Streamlit's app needs its scripts, its websocket and its components' frames, all from this origin.
APP_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; frame-src 'self' blob:; "
           "worker-src 'self' blob:; frame-ancestors 'self'; base-uri 'self'; form-action 'self'")
OWN_PREFIXES = ("/publik", "/api/", "/agent/", "/healthz", "/metrics")
COMMON = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"strict-origin-when-cross-origin")]


def limit_for(path: str) -> int:
    if path.startswith(UPLOAD_PREFIX):
        return int(config.get_option("server.maxUploadSize")) * MB + 64 * KB  # the file plus its form fields
    return LIMITS.get(path, DEFAULT_LIMIT)


def _own(path: str) -> bool:
    return path.startswith(OWN_PREFIXES)


def _headers(path: str, given: list) -> list:
    names = {name.lower() for name, _ in given}
    extra = [(n, v) for n, v in COMMON if n not in names]
    if b"content-security-policy" not in names:
        extra.append((b"content-security-policy", (STRICT_CSP if _own(path) else APP_CSP).encode()))
    return [*given, *extra]


class Guard:
    """ASGI middleware: the body limit and the security headers (see the module's docstring)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = limit_for(path)
        started = refused = False

        async def guarded_send(message):
            nonlocal started
            if refused:
                return  # the 413 is out: whatever the route still tries to say is dropped
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": _headers(path, list(message.get("headers", [])))}
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(guarded_send, limit)  # refused before a byte of the body is read
            return
        seen = 0

        async def counted_receive():
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # a body without a length, or longer than it said: cut off here
                    if not started:
                        await _too_large(guarded_send, limit)
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # The route saw the body end as a disconnect; its error is the refusal already answered.


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"error": {"code": "too_large", "message": f"The request body is over {limit} bytes."}}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
