"""Starting the real app and Debian's chromium for end-to-end tests (loopback only)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from tests.conftest import PASSWORD, ROOT, skip_or_fail

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppUrl(str):
    """The app's base URL, carrying the server process's pid."""

    pid: int


@contextmanager
def running_app(env: dict[str, str], cwd, script: str = "server.py", port: int | None = None,
                address: str = "127.0.0.1"):
    """`streamlit run server.py` (the app and its HTTP routes) on `port` or a free loopback port, listening on
    `address` (a test's own namespace link, for an agent inside it); yields its base URL and stops it."""
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / script), "--server.port", str(port),
               "--server.address", address, "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
    log = open(os.path.join(cwd, "streamlit.log"), "w")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                            stdout=log, stderr=subprocess.STDOUT)
    base = AppUrl(f"http://{address}:{port}")
    base.pid = proc.pid  # for a test that reads the server's memory
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(f"streamlit did not start: {open(log.name).read()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def chromium():
    if not os.path.exists(CHROMIUM) or shutil.which("chromium") is None:
        skip_or_fail("Debian chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def login_form(page, timeout_ms=20_000):
    """The username field of the login form, once the run drawing it has finished: while a rerun draws
    (after logging out), the form of the run before can stay on screen beside it for a moment."""
    from playwright.sync_api import expect  # imported where chromium() has made sure playwright is there

    page.get_by_label("Nama pengguna").first.wait_for(timeout=timeout_ms)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=timeout_ms)
    expect(page.get_by_label("Nama pengguna")).to_have_count(1, timeout=10_000)
    return page.get_by_label("Nama pengguna")


def log_in(page, base, username, password=PASSWORD):
    page.goto(base)
    # A cold server imports pandas, altair and the app on the first session: allow for a slow machine.
    login_form(page, 60_000).fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_test_id("stSidebarNav").wait_for(state="attached", timeout=20_000)
    # The re-login cookie is written by a component once its frame loads; URLs opened before that
    # start a new session without it, as they would for a person who navigates within 100 ms.
    deadline = time.monotonic() + 20
    while not any(c["name"] == "monev_tik_auth" for c in page.context.cookies()):
        assert time.monotonic() < deadline, "the login cookie was never set"
        page.wait_for_timeout(100)
