"""The real server (streamlit run server.py): no request body is held past its route's limit, and every route
answers with the security headers (issue 30, items 2 and 10)."""

import http.client
import time

import pytest

from tests.browser import running_app

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # the HTTP layer, not the store
BODY = 200 * 1024 * 1024
CHUNK = b"x" * (1024 * 1024)
ROUTES = ["/publik/masukan", "/publik/laporan", "/publik/langganan", "/publik/langganan/konfirmasi", "/agent/v1/enrol",
          "/agent/v1/results", "/api/v1/units", "/publik",
          "/publik/status.json", "/publik/data", "/api/openapi.json", "/healthz", "/metrics", "/",
          "/_stcore/health", "/_stcore/upload_file/sesi/berkas"]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def send(base: str, path: str, declared: bool) -> int | None:
    """200 MB to `path`: with a Content-Length, or chunked without one. The status, or None when the server
    cut the connection before answering (which is also a refusal)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.putrequest("POST", path)
        conn.putheader("Content-Type", "application/json")
        if declared:
            conn.putheader("Content-Length", str(BODY))
        else:
            conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for _ in range(BODY // len(CHUNK)):
            conn.send(CHUNK if declared else b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
        if not declared:
            conn.send(b"0\r\n\r\n")
        return conn.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        try:
            return conn.getresponse().status
        except (http.client.HTTPException, OSError):
            return None
    finally:
        conn.close()


def test_a_200_mb_body_to_any_route_never_grows_the_server_by_50_mb(env, tmp_path):
    with running_app(env, tmp_path) as base:
        send(base, "/publik", True)  # the first request warms the routes' imports
        idle = rss_mb(base.pid)
        answers = {}
        for path in ROUTES:
            for declared in (True, False):
                answers[(path, declared)] = send(base, path, declared)
                grown = rss_mb(base.pid) - idle
                assert grown < 50, (path, declared, grown)
        time.sleep(0.5)
        assert rss_mb(base.pid) - idle < 50
    refused = {key: status for key, status in answers.items() if status not in (None, 401, 405, 413)}
    assert refused == {}, refused  # each refused: too large, no credential, not a method it takes, or cut off


def test_every_route_sends_the_security_headers_and_the_public_ones_forbid_scripts(env, tmp_path):
    with running_app(env, tmp_path) as base:
        host, port = base.removeprefix("http://").split(":")
        for path in ["/publik", "/publik/status.json", "/publik/data", "/publik/feed.atom", "/publik/riwayat",
                     "/publik/insiden/1", "/publik/langganan", "/publik/gaya.css", "/publik/laporan",
                     "/publik/laporan/ABCDE-FGHJK", "/api/v1/units",
                     "/api/openapi.json", "/healthz", "/agent/v1/targets", "/", "/_stcore/health"]:
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            conn.close()
            assert response.getheader("X-Content-Type-Options") == "nosniff", path
            assert response.getheader("Referrer-Policy"), path
            policy = response.getheader("Content-Security-Policy") or ""
            assert "default-src" in policy, path
            if path.startswith(("/publik", "/api", "/healthz", "/agent")):
                assert "default-src 'none'" in policy and "script-src" not in policy, path
