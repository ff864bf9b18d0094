"""Real peers on loopback for the probe tests: HTTP(S) servers, a closed port, snmpsim, a netns host."""

import datetime as dt
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import skip_or_fail


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        routes = {
            "/ok": (200, b"<h1>Selamat datang di Monev TIK</h1>"),
            "/error": (500, b"internal error"),
            "/other": (200, b"<h1>Halaman lain</h1>"),
        }
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok")
            self.end_headers()
            return
        status, body = routes.get(self.path, (200, b"slow") if self.path == "/slow" else (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def self_signed(tmp: Path, days_left: int) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=days_left, hours=12))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address(
                "127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@contextmanager
def http_server(tls_dir: Path | None = None, days_left: int = 10):
    """A threaded HTTP server on 127.0.0.1; with tls_dir, HTTPS with a self-signed certificate."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if tls_dir is not None:
        cert, key = self_signed(tls_dir, days_left)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def listen_on(port: int = 0) -> socket.socket:
    """A TCP port on 127.0.0.1 that accepts connections (into its backlog) until closed."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    return sock


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def tcp_listener():
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    stop = threading.Event()

    def accept():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                conn.close()
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        sock.close()


def snmprec(rows: list[tuple[str, int, object]]) -> str:
    """snmpsim's record format: OID|type|value, sorted by OID (2 integer, 4 string, 65 counter32, 67 timeticks, 70 counter64)."""
    def key(oid):
        return tuple(int(p) for p in oid.split("."))
    return "".join(f"{oid}|{kind}|{value}\n" for oid, kind, value in sorted(rows, key=lambda r: key(r[0])))


def device(uptime: int | None, interfaces: list[dict], name: str = "sw-core-01") -> str:
    """A switch as snmprec rows; `uptime` None leaves sysUpTime out (as many UPS and printer agents do);
    an interface may give `speed` (ifSpeed, bit/s) and `high_speed` (ifHighSpeed, Mbit/s)."""
    rows = [("1.3.6.1.2.1.1.1.0", 4, "Monev test switch"), ("1.3.6.1.2.1.1.5.0", 4, name)]
    if uptime is not None:
        rows.append(("1.3.6.1.2.1.1.3.0", 67, uptime))
    for i, spec in enumerate(interfaces, start=1):
        rows += [(f"1.3.6.1.2.1.2.2.1.2.{i}", 4, spec["name"]), (f"1.3.6.1.2.1.2.2.1.7.{i}", 2, spec["admin"]),
                 (f"1.3.6.1.2.1.2.2.1.8.{i}", 2, spec["oper"])]
        if "in64" in spec:
            rows += [(f"1.3.6.1.2.1.31.1.1.1.6.{i}", 70, spec["in64"]), (f"1.3.6.1.2.1.31.1.1.1.10.{i}", 70,
                                                                           spec["out64"])]
        rows += [(f"1.3.6.1.2.1.2.2.1.10.{i}", 65, spec.get("in32", 0)),
                 (f"1.3.6.1.2.1.2.2.1.16.{i}", 65, spec.get("out32", 0))]
        if "speed" in spec:
            rows.append((f"1.3.6.1.2.1.2.2.1.5.{i}", 66, spec["speed"]))
        if "high_speed" in spec:
            rows.append((f"1.3.6.1.2.1.31.1.1.1.15.{i}", 66, spec["high_speed"]))
    return snmprec(rows)


@contextmanager
def snmpsim(data_dir: Path):
    """snmpsim-command-responder on a loopback UDP port, serving the .snmprec files in data_dir."""
    binary = shutil.which("snmpsim-command-responder") or str(Path(sys.executable).parent / "snmpsim-command-responder")
    if not os.path.exists(binary):
        skip_or_fail("snmpsim is not installed (pip install snmpsim pysmi)")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (data_dir / "ready.snmprec").write_text(device(1, []))  # the community the readiness probe asks
    cache = data_dir.parent / f"{data_dir.name}-cache"
    proc = subprocess.Popen([binary, f"--data-dir={data_dir}", f"--cache-dir={cache}",
                             f"--agent-udpv4-endpoint=127.0.0.1:{port}", "--logging-method=null",
                             "--v3-user=monev", "--v3-auth-key=kunci-auth-123", "--v3-auth-proto=SHA",
                             "--v3-priv-key=kunci-priv-123", "--v3-priv-proto=AES"], env={**os.environ, "SNMPSIM_ALLOW_ROOT": "true"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for_agent(port, proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def _wait_for_agent(port: int, proc: subprocess.Popen) -> None:
    import asyncio

    from pysnmp.hlapi.v3arch import asyncio as snmp

    async def ask():
        engine = snmp.SnmpEngine()
        try:
            target = await snmp.UdpTransportTarget.create(("127.0.0.1", port), timeout=0.3, retries=0)
            error, *_ = await snmp.get_cmd(engine, snmp.CommunityData("ready"), target, snmp.ContextData(),
                                           snmp.ObjectType(snmp.ObjectIdentity("1.3.6.1.2.1.1.3.0")), lookupMib=False)
            return error is None
        finally:
            engine.close_dispatcher()

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"snmpsim exited: {proc.stderr.read().decode()[-2000:]}")
        with ThreadPoolExecutor(1) as pool:  # its own loop, even when the caller already runs one
            if pool.submit(asyncio.run, ask()).result():
                return
        time.sleep(0.2)
    raise RuntimeError("snmpsim did not answer")


def _wait_until_pingable(address: str, seconds: float = 10) -> None:
    import ping3

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ping3.ping(address, timeout=0.5):
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{address} did not come up")


@dataclass
class Namespace:
    """A network namespace joined to this one by a veth pair: `inside` is its end's address, `outside` ours."""

    name: str
    inside: str
    outside: str
    link: str  # the veth end inside

    def ip(self, *args) -> None:
        subprocess.run(["ip", "netns", "exec", self.name, "ip", *args], check=True, capture_output=True)

    def start(self, command: list[str], **kwargs) -> subprocess.Popen:
        """A process inside the namespace: it sees only the namespace's own interfaces."""
        return subprocess.Popen(["ip", "netns", "exec", self.name, *command], **kwargs)

    def cut(self) -> None:
        self.ip("link", "set", self.link, "down")

    def restore(self) -> None:
        self.ip("link", "set", self.link, "up")
        _wait_until_pingable(self.inside)  # a link that just came up needs a moment (carrier, neighbour)


@contextmanager
def netns(index: int = 0):
    """A namespace on a veth pair (10.213.<index>.0/30). Root only."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        skip_or_fail("network namespaces need root and iproute2")
    tag = f"{os.getpid() % 10000}"
    ns, outer, inner, net = f"monev{tag}x{index}", f"mv{tag}a{index}", f"mv{tag}b{index}", f"10.213.{index}."

    def ip(*args):
        subprocess.run(["ip", *args], check=True, capture_output=True)

    space = Namespace(ns, f"{net}2", f"{net}1", inner)
    try:
        ip("netns", "add", ns)
        ip("link", "add", outer, "type", "veth", "peer", "name", inner)
        ip("link", "set", inner, "netns", ns)
        ip("addr", "add", f"{net}1/30", "dev", outer)
        ip("link", "set", outer, "up")
        space.ip("addr", "add", f"{net}2/30", "dev", inner)
        space.ip("link", "set", inner, "up")
        space.ip("link", "set", "lo", "up")
        _wait_until_pingable(f"{net}2")
        yield space
    finally:
        subprocess.run(["ip", "link", "del", outer], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


@contextmanager
def netns_host(index: int = 0):
    """A host in a network namespace on a veth pair; yields (address, cut, restore). Root only."""
    with netns(index) as space:
        yield space.inside, space.cut, space.restore


class Recorder:
    """What a stand-in chat API or webhook received, and what it answers next."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.body: bytes = b'{"ok": true, "result": {}}'


@contextmanager
def recording_server():
    """An HTTP server on 127.0.0.1 that records every POST (path, headers, JSON) and answers as told:
    it stands in for the Telegram Bot API base URL and for a webhook such as a WhatsApp gateway."""
    recorder = Recorder()

    class Recording(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            recorder.requests.append({"path": self.path, "headers": dict(self.headers),
                                      "json": __import__("json").loads(raw or b"null")})
            self.send_response(recorder.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(recorder.body)))
            self.end_headers()
            self.wfile.write(recorder.body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recording)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def smtp_server(tls_dir: Path):
    """aiosmtpd on 127.0.0.1 that insists on STARTTLS (self-signed certificate, whose file is returned
    so the client can trust it) and keeps each message with whether it arrived encrypted."""
    from aiosmtpd.controller import Controller

    cert, key = self_signed(tls_dir, 30)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    received: list[dict] = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            received.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                             "data": envelope.content.decode("utf-8", "replace"), "tls": session.ssl is not None})
            return "250 OK"

    controller = Controller(Keep(), hostname="127.0.0.1", port=closed_port(), tls_context=context,
                            require_starttls=True)
    controller.start()
    try:
        yield controller.port, cert, received
    finally:
        controller.stop()


class TcpProxy:
    """A loopback TCP proxy in front of a real server (PostgreSQL): `cut()` drops every connection and
    refuses new ones, as a stopped server does; `restore()` listens again on the same port."""

    def __init__(self, upstream_port: int):
        self.upstream = ("127.0.0.1", upstream_port)
        self.port = closed_port()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        self._listener = listen_on(self.port)
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with suppress(OSError):  # wakes the accepting thread (close alone would leave it accepting)
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            for sock in self._open:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def close(self) -> None:
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)


SILENT_UDP = ("import socket, sys\n"
              "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
              "s.bind(('127.0.0.1', int(sys.argv[1])))\n"
              "print('ready', flush=True)\n"
              "while True:\n"
              "    s.recv(4096)\n")


@contextmanager
def silent_resolver_netns(name: str = "resolver"):
    """A network namespace whose resolver never answers: its resolv.conf (bind-mounted by `ip netns exec`)
    names 127.0.0.1 inside the namespace, where a UDP socket reads queries and answers none. Yields the
    command prefix that runs a program inside. Nothing leaves the namespace (it has only a loopback). Root only."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        skip_or_fail("network namespaces need root and iproute2")
    ns = f"monev{os.getpid() % 10000}{name}"[:15]
    etc = Path("/etc/netns") / ns
    silent = None
    try:
        subprocess.run(["ip", "netns", "add", ns], check=True, capture_output=True)
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], check=True, capture_output=True)
        etc.mkdir(parents=True, exist_ok=True)
        (etc / "resolv.conf").write_text("nameserver 127.0.0.1\noptions timeout:5 attempts:2\n")
        prefix = ["ip", "netns", "exec", ns]
        silent = subprocess.Popen([*prefix, sys.executable, "-c", SILENT_UDP, "53"], stdout=subprocess.PIPE, text=True)
        if silent.stdout.readline().strip() != "ready":
            raise RuntimeError("the silent resolver did not start")
        yield prefix
    finally:
        if silent is not None:
            silent.kill()
            silent.wait(5)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(etc, ignore_errors=True)
