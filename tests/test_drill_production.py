"""The production drill: the installation as deploy/ describes it, on this machine. Non-demo settings
from deploy/monev.env.example, a fresh PostgreSQL database, the app and `python -m probes` as their own
processes started with the commands of deploy/monev-app.service and deploy/monev-probes.service, Caddy
(Debian's package) in front with deploy/Caddyfile and a certificate made here. Then: log in through the
proxy in chromium, watch a probe result arrive, back up while the worker writes, wipe the database,
restore, compare counts and an evidence file's checksum; then copy a demo SQLite store into PostgreSQL
and open the wall on it."""

import configparser
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import ssl
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select, text

from core.access import SYSTEM
from core.evaluation import assessment, lifecycle
from core.monitoring.targets import TargetCreate, create_target
from core.ops.backup import counts
from core.org.units import UnitRow, create_unit
from db.engine import make_engine, session_scope
from db.evaluation import Evidence
from tests.browser import chromium, free_port, log_in
from tests.conftest import PG_BASE_URL, _postgres_unreachable, skip_or_fail
from tests.peers import http_server, self_signed
from tests.test_browser_monitoring import DONE, shot, tile_state, wait_until

pytestmark = [pytest.mark.drill, pytest.mark.timeout(1200)]
ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
PDF = b"%PDF-1.4\n% SK Tim Koordinasi SPBE\n" + os.urandom(4096)


def template_env() -> dict[str, str]:
    """deploy/monev.env.example as the service reads it (EnvironmentFile): KEY=VALUE lines."""
    found = {}
    for line in (DEPLOY / "monev.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            found[key.strip()] = value.strip()
    return found


def exec_start(unit: str, key: str = "ExecStart") -> list[str]:
    """A service's command as its unit file gives it, with the checkout here instead of /opt/monev-tik."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(DEPLOY / unit)
    words = shlex.split(parser["Service"][key])
    venv = "/opt/monev-tik/.venv/bin/"
    if words[0] == venv + "streamlit":
        return [sys.executable, "-m", "streamlit", *words[1:]]
    assert words[0] == venv + "python", words
    return [sys.executable, *words[1:]]


@contextmanager
def database():
    """A new PostgreSQL database: its URL, and a way to wipe it (drop and create it again)."""
    reason = _postgres_unreachable()
    if reason:
        skip_or_fail(reason)
    name = f"monev_drill_{uuid.uuid4().hex[:10]}"
    server = make_engine(PG_BASE_URL, isolation_level="AUTOCOMMIT")

    def wipe():
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))

    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_BASE_URL.rsplit("/", 1)[0] + f"/{name}", wipe
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


class Processes:
    """The services of the drill, each logging to a file of its own, all stopped at the end."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder, self.env, self.running = folder, env, {}

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("w")
        proc = subprocess.Popen(command, cwd=ROOT, env={**self.env, **(env or {})}, stdout=log,
                                stderr=subprocess.STDOUT)
        self.running[name] = proc
        return proc

    def stop(self, name: str) -> None:
        proc = self.running.pop(name)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()[-3000:]

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def app_command(port: int) -> list[str]:
    command = exec_start("monev-app.service")
    command[command.index("8501")] = str(port)
    return [*command, "--server.fileWatcherType", "none"]


def wait_for(url: str, what: str, proc: subprocess.Popen, logs, seconds: float = 60, context=None) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if urllib.request.urlopen(url, timeout=2, context=context).status == 200:
                return
        except OSError:
            pass
        assert proc.poll() is None, f"{what} stopped: {logs()}"
        assert time.monotonic() < deadline, f"{what} did not answer {url}: {logs()}"
        time.sleep(0.3)


def test_the_production_shape_runs_behind_caddy_and_survives_backup_wipe_and_restore(tmp_path):
    for tool in ("caddy", "pg_dump", "pg_restore", "chromium"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} is not installed (apt-get install caddy postgresql-client chromium)")
    with database() as (url, wipe):
        settings = template_env()
        assert settings["MONEV_DEMO"] == "false" and settings["MONEV_COOKIE_KEY"] == ""  # filled in below
        env = {**{k: v for k, v in settings.items() if v}, "MONEV_DATABASE_URL": url,
               "MONEV_COOKIE_KEY": secrets.token_urlsafe(48), "MONEV_DATA_DIR": str(tmp_path / "data"),
               "PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
        services = Processes(tmp_path, env)
        try:
            # The first start: migrations and the first admin, whose one-time password is printed.
            first = run(exec_start("monev-app.service", "ExecStartPre"), env)
            password = re.search(r"Kata sandi: (\S+)", first.stdout).group(1)
            app_port, https_port = free_port(), free_port()
            app = services.start("app", app_command(app_port))
            wait_for(f"http://127.0.0.1:{app_port}/healthz", "the app", app, lambda: services.log("app"))
            services.start("probes", exec_start("monev-probes.service"))
            cert, key = self_signed(tmp_path, 30)
            caddy = services.start("caddy", ["caddy", "run", "--config", str(DEPLOY / "Caddyfile"),
                                             "--adapter", "caddyfile"], env={
                "MONEV_SITE": f"https://127.0.0.1:{https_port}", "MONEV_TLS": f"{cert} {key}",
                "MONEV_UPSTREAM": f"127.0.0.1:{app_port}", "MONEV_HTTP_PORT": str(free_port()),
                "MONEV_HTTPS_PORT": str(https_port), "MONEV_CADDY_ADMIN": f"127.0.0.1:{free_port()}",
                "MONEV_CADDY_LOG": str(tmp_path / "access.log"), "XDG_DATA_HOME": str(tmp_path / "caddy"),
                "XDG_CONFIG_HOME": str(tmp_path / "caddy")})
            trusting = ssl.create_default_context(cafile=str(cert))
            base = f"https://127.0.0.1:{https_port}"
            wait_for(f"{base}/healthz", "Caddy", caddy, lambda: services.log("caddy"), context=trusting)

            engine = make_engine(url)
            with http_server() as site, session_scope(engine) as s:
                unit = create_unit(session=s, viewer=SYSTEM, data=UnitRow("DISKOMINFO", "Dinas Komunikasi dan "
                                                                          "Informatika", "dinas", "Diskominfo"))
                create_target(session=s, viewer=SYSTEM, data=TargetCreate(
                    unit_id=unit.id, name="Portal kota", kind="http", host=f"{site}/ok", interval_s=10))
                period = lifecycle.create_period(session=s, viewer=SYSTEM, year=2026)
                evidence = assessment.add_evidence(session=s, viewer=SYSTEM, period_id=period.id,
                                                   unit_id=unit.id, indicator=1, filename="SK Tim SPBE.pdf",
                                                   data=PDF)
                s.commit()
                with chromium() as browser:
                    page = browser.new_context(ignore_https_errors=True,
                                               viewport={"width": 1440, "height": 900}).new_page()
                    log_in(page, base, "admin", password)  # through Caddy: the pages' websocket too
                    page.goto(f"{base}/status")
                    page.locator(DONE).wait_for(timeout=60_000)
                    wait_until(lambda: (page.reload(), page.locator(DONE).wait_for(timeout=30_000),
                                        tile_state(page, "Diskominfo"))[-1] == "up", 90,
                               "the probe result on the wall through the proxy")
                    shot(page, "drill-wall-through-caddy")
                # The pages' websocket went through Caddy (logged once the browser closed it).
                wait_until(lambda: "/_stcore/stream" in (tmp_path / "access.log").read_text(), 30,
                           "the websocket in Caddy's access log")

                # A backup while the worker keeps writing, then the database wiped and restored.
                made = run([sys.executable, "-m", "core.cli", "backup", str(tmp_path / "backup")], env)
                assert "Cadangan ditulis" in made.stdout
            manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
            engine.dispose()
            services.stop("probes")
            services.stop("app")
            wipe()
            restored = run([sys.executable, "-m", "core.cli", "restore", str(tmp_path / "backup")], env)
            assert "cocok dengan manifes" in restored.stdout
            engine = make_engine(url)
            with engine.connect() as conn:
                assert counts(conn) == manifest["tables"] and manifest["tables"]["heartbeat"] > 0
            with session_scope(engine) as s:
                data = s.scalar(select(Evidence.data).where(Evidence.id == evidence))
            assert hashlib.sha256(data).hexdigest() == hashlib.sha256(PDF).hexdigest() \
                == next(e["sha256"] for e in manifest["evidence"] if e["id"] == evidence)
            engine.dispose()
        finally:
            services.stop_all()


def test_a_demo_sqlite_pilot_copied_into_postgresql_opens_on_the_wall(tmp_path):
    with database() as (url, _wipe):
        pilot = f"sqlite:///{tmp_path / 'pilot.db'}"
        app_port = free_port()
        env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(ROOT), "MONEV_DEMO": "true",
               "MONEV_DATA_DIR": str(tmp_path / "data"), "MONEV_WORKER_IN_APP": "false",
               "MONEV_DEMO_APP_PORT": str(app_port), "MONEV_BCRYPT_ROUNDS": "4"}
        run([sys.executable, "-m", "core.cli", "prepare"], {**env, "MONEV_DATABASE_URL": pilot})
        copied = run([sys.executable, "-m", "core.cli", "copy-store", pilot, url], {**env, "MONEV_DATABASE_URL": url})
        assert "jumlahnya cocok" in copied.stdout
        pilot_engine, engine = make_engine(pilot), make_engine(url)
        with pilot_engine.connect() as a, engine.connect() as b:
            assert counts(a) == counts(b) and counts(b)["unit"] == 91
        pilot_engine.dispose()
        engine.dispose()
        services = Processes(tmp_path, {**env, "MONEV_DATABASE_URL": url})
        try:
            app = services.start("app", app_command(app_port))
            base = f"http://127.0.0.1:{app_port}"
            wait_for(f"{base}/healthz", "the app on the copy", app, lambda: services.log("app"))
            services.start("probes", exec_start("monev-probes.service"))  # the copy goes on being monitored
            with chromium() as browser:
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                log_in(page, base, "presenter", "presenter-demo")

                def wall() -> int:
                    page.goto(f"{base}/status")
                    page.locator('[class*="st-key-walltile-"]').nth(90).wait_for(timeout=60_000)
                    page.locator(DONE).wait_for(timeout=30_000)
                    assert page.locator('[class*="st-key-walltile-"]').count() == 91
                    return page.locator('[class*="st-key-walltile-"][class*="-up-"]').count()

                # The copied demo's loopback targets come up under the worker: live again, not stale.
                wait_until(lambda: wall() > 0 and page.get_by_text("DATA TIDAK TERKINI").count() == 0, 120,
                           "the copied store's targets UP on the wall")
                shot(page, "drill-wall-on-copied-store")
        finally:
            services.stop_all()
