"""HTTP(S) with httpx: status, latency, an optional keyword, and days until the TLS certificate expires."""

import socket
import ssl
from datetime import UTC, datetime

import httpx
from cryptography import x509

from db.monitoring import State
from probes.kinds.base import Check, Options, Outcome, ProbeFailure, ProbeKind, Stopwatch, option
from probes.kinds.resolve import resolve
from probes.kinds.tcp import connection_failure

MAX_BODY = 1_000_000  # bytes read when looking for a keyword
USER_AGENT = "MonevTIK-probe/1"
CONNECTIONS = 400


class HttpOptions(Options):
    keyword: str = option("", max_length=200)  # must appear in the first MB of the body
    expected_status: int | None = option(None, ge=100, le=599, error="target.http_status")  # else any < 400
    verify_tls: bool = option(True)
    follow_redirects: bool = option(True)


class HttpProbe:
    def __init__(self, max_connections: int = CONNECTIONS):
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections // 2)
        # Two shared clients: building one per check would cost an SSL context each time.
        self._clients = {
            verify: httpx.AsyncClient(verify=verify, limits=limits, headers={"User-Agent": USER_AGENT})
            for verify in (True, False)
        }

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    async def check(self, check: Check, previous: dict) -> Outcome:
        opts = PROBE.parse(check.options)
        client = self._clients[opts.verify_tls]
        url = httpx.URL(check.host)
        address = await resolve(url.host, check.timeout_s)
        # Connect to the address our resolver found; the name still goes in the Host header and in TLS
        # (SNI, and the certificate is checked against it).
        target, headers, extensions = url, {}, {}
        if address != url.host:
            target = url.copy_with(host=address)
            headers["Host"] = url.netloc.decode("ascii")
            if url.scheme == "https":
                extensions["sni_hostname"] = url.host
        watch = Stopwatch()
        try:
            async with client.stream("GET", target, headers=headers, extensions=extensions, timeout=check.timeout_s,
                                     follow_redirects=opts.follow_redirects) as response:
                cert_days = _certificate_days(response)
                body = await _read_some(response) if opts.keyword else b""
                latency = watch.ms()
        except httpx.TimeoutException:
            raise ProbeFailure("probe.http_timeout", url=check.host, seconds=check.timeout_s) from None
        except httpx.ConnectError as exc:
            raise _connect_failure(exc, check) from None
        except httpx.HTTPError as exc:
            raise ProbeFailure("probe.http_error", url=check.host, error=str(exc) or type(exc).__name__) from None
        details = {"status_code": response.status_code}
        if cert_days is not None:
            details["cert_days"] = cert_days
        expected = opts.expected_status
        ok = response.status_code == expected if expected else response.status_code < 400
        if not ok:
            raise ProbeFailure("probe.http_status", url=check.host, status=response.status_code,
                               expected=expected or "< 400")
        if opts.keyword and opts.keyword.encode() not in body:
            raise ProbeFailure("probe.http_keyword", url=check.host, keyword=opts.keyword)
        return Outcome(State.UP, latency_ms=latency, details=details)


async def _read_some(response: httpx.Response) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) >= MAX_BODY:
            break
    return bytes(body)


def _certificate_days(response: httpx.Response) -> int | None:
    stream = response.extensions.get("network_stream")
    tls = stream.get_extra_info("ssl_object") if stream is not None else None
    if tls is None:
        return None
    der = tls.getpeercert(binary_form=True)
    if not der:
        return None
    expires = x509.load_der_x509_certificate(der).not_valid_after_utc
    return int((expires - datetime.now(UTC)).total_seconds() // 86400)


def _connect_failure(exc: httpx.ConnectError, check: Check) -> ProbeFailure:
    """The most specific reason in the exception chain (anyio wraps the refusal in a generic OSError)."""
    chain, cause = [], exc.__cause__ or exc.__context__
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for cause in chain:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return ProbeFailure("probe.tls_untrusted", url=check.host, error=cause.verify_message or str(cause))
        if isinstance(cause, ssl.SSLError):
            return ProbeFailure("probe.tls_error", url=check.host, error=cause.reason or str(cause))
    errors = [c for c in chain if isinstance(c, OSError)]
    if errors:
        specific = next((c for c in reversed(errors) if c.errno is not None or isinstance(c, socket.gaierror)),
                        errors[-1])
        url = httpx.URL(check.host)
        return connection_failure(specific, url.host, url.port or (443 if url.scheme == "https" else 80))
    return ProbeFailure("probe.http_error", url=check.host, error=str(exc))


PROBE = ProbeKind("http", HttpProbe, HttpOptions, address="url", port="unused", concurrency=200, order=30)
