"""Page speed with the demo city grown to 2,000 targets, each with a year of history.

(e) each monitoring page as a user waits for it: Playwright in Debian's chromium opens the page's URL
    (a new session: cookie login, menu, the page's queries and charts) and stops the clock when the
    script has finished and the heading is drawn. Median of 5 per page; the goal is under 2 s.
(g) logging in on the demo city: from the click on "Masuk" to the settled landing page (Ringkasan Kota for
    leadership and Kominfo, the unit's home for an operator), median of 5 fresh browser sessions each, beside
    the same login landing on Akun saya (the lightest page: login, cookie and menu alone) as the reference,
    and two people logging in at the same moment. The goal is under 2 s.
(f) the live wall's refresh on the server: the queries the fragment makes (`status.wall`), uncached and
    cached, and the whole status page script run by AppTest. Median of 21; the goal is under 200 ms.
The probe worker runs beside the app during the measurement, as it does in production.
"""

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from core.access import SYSTEM
from core.config import load_settings
from core.demo import monitoring
from core.monitoring import status
from core.startup import open_store, prepare
from db.engine import session_scope
from db.models import Unit
from db.monitoring import Target, TargetState
from db.types import utcnow

TARGETS = 2000
PAGES = [("status", "Status Langsung"), ("ketersediaan", "Ketersediaan"), ("target", None),
         ("admin-target", "Target pemantauan"), ("ringkasan", "Ringkasan"), ("admin-notifikasi", "Notifikasi")]
MENU = {"status": "Status Langsung", "ketersediaan": "Ketersediaan", "target": "Detail target",
        "admin-target": "Admin → Target", "ringkasan": "Ringkasan", "admin-notifikasi": "Admin → Notifikasi"}


def demo_store(folder: Path, bcrypt_rounds: int = 4):
    """The demo city in a fresh SQLite file under `folder`, and the environment that points the app at it."""
    env = {"MONEV_DEMO": "true", "MONEV_DATABASE_URL": f"sqlite:///{folder}/monev.db",
           "MONEV_DATA_DIR": str(folder / "data"), "MONEV_WORKER_IN_APP": "false",
           "MONEV_BCRYPT_ROUNDS": str(bcrypt_rounds)}
    os.environ.update(env)
    settings = load_settings()
    engine = open_store(settings)
    prepare(engine, settings)
    return env, engine


def build_city(folder: Path, targets: int = TARGETS) -> dict[str, str]:
    """A demo store in `folder` with `targets` targets in all: the demo's own plus loopback pings."""
    env, engine = demo_store(folder)
    settings = load_settings()
    now, rng = utcnow(), random.Random(7)
    with session_scope(engine) as s:
        have = s.scalar(select(func.count()).select_from(Target))
        units = list(s.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id)))
        created = now - timedelta(days=monitoring.HISTORY_DAYS)
        extra = []
        for i in range(targets - have):
            unit = units[i % len(units)]
            host = f"127.{1 + i // 250}.{i % 250 + 1}.1"
            target = Target(unit_id=unit.id, name=f"Perangkat {i + 1:04d} {unit.short_name}", kind="ping",
                            host=host, interval_s=60, timeout_s=2, created_at=created, updated_at=created,
                            criticality=rng.choice(["high", "normal", "normal", "low"]))
            s.add(target)
            extra.append(target)
        s.flush()
        for target in extra:
            s.add(TargetState(target_id=target.id, next_due_at=now + timedelta(seconds=rng.uniform(0, 60))))
        monitoring._history(s, extra, now, settings.zone, rng)
    return env


def median_ms(samples: list[float]) -> str:
    return f"{1000 * statistics.median(samples):.0f} ms"


def page_as(username: str, key: str, timeout: int = 60):
    """AppTest logged in as `username` (the session state a login leaves) with page `key` open."""
    from streamlit.testing.v1 import AppTest

    from core.navigation import PAGES as SPECS

    spec = next(p for p in SPECS if p.key == key)
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=timeout)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.run()
    return at.switch_page(spec.script).run()


def wall_server_time(env: dict[str, str]) -> None:
    settings = load_settings()
    engine = open_store(settings)
    uncached = []
    for _ in range(21):
        started = time.perf_counter()
        with session_scope(engine) as s:
            status.freshness(session=s, viewer=SYSTEM)
            wall = status.wall(session=s, viewer=SYSTEM, now=utcnow())
        uncached.append(time.perf_counter() - started)
    print(f"(f) wall data for {sum(u.targets for u in wall.units)} targets in {len(wall.units)} units "
          f"(status.freshness + status.wall, uncached): median {median_ms(uncached)} over 21")

    at = page_as("admin", "status")
    runs = []
    for _ in range(21):
        started = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - started)
    assert not at.exception, [e.message for e in at.exception]
    print(f"(f) whole status page script (AppTest rerun, cache warm as between refreshes): "
          f"median {median_ms(runs)} over 21")


def _finished(page, heading: str | None, done: str) -> None:
    """The heading is drawn and the page's script has finished on the server."""
    if heading:
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    else:
        page.locator("h1").first.wait_for(timeout=60_000)
    page.locator(done).wait_for(timeout=60_000)


def demo_admin_page(browser, base: str):
    """A page logged in as the demo admin, with the re-login cookie set, so URLs open as a returning user."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(base)
    page.get_by_label("Nama pengguna").wait_for(timeout=120_000)
    page.get_by_label("Nama pengguna").fill("admin")
    page.get_by_label("Kata sandi").fill("admin-demo")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_test_id("stSidebarNav").wait_for(state="attached", timeout=60_000)
    deadline = time.monotonic() + 30
    while not any(c["name"] == "monev_tik_auth" for c in page.context.cookies()):
        if time.monotonic() > deadline:
            raise RuntimeError("no login cookie")
        page.wait_for_timeout(100)
    return page


def browser_times(env: dict[str, str], folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_app

    with running_app(env, folder) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = demo_admin_page(browser, base)
        done = '[data-testid="stApp"][data-test-script-state="notRunning"]'
        for path, heading in PAGES:
            opened, navigated = [], []
            for attempt in range(6):
                started = time.perf_counter()
                page.goto(f"{base}/{path}")
                _finished(page, heading, done)
                if attempt:  # the first open of each page warms the server's imports and caches
                    opened.append(time.perf_counter() - started)
            for _ in range(5):  # from another page through the menu, as people move around the dashboard
                page.goto(f"{base}/akun")
                _finished(page, "Akun saya", done)
                started = time.perf_counter()
                page.get_by_test_id("stSidebarNav").get_by_role("link", name=MENU[path]).click()
                if heading is None:  # the target page's heading is the target's name: wait for its picker
                    page.get_by_text("Pilih target").first.wait_for(timeout=60_000)
                _finished(page, heading, done)
                navigated.append(time.perf_counter() - started)
            print(f"(e) /{path}: median {median_ms(opened)} opening the URL (new session), "
                  f"{median_ms(navigated)} from the menu, 5 each")
        browser.close()


LANDINGS = [("akun", "akun", "Akun saya"), ("pimpinan", "", "Ringkasan Kota"), ("admin", "", "Ringkasan Kota"),
            ("klojen", "", "Kecamatan Klojen")]


def _settled(page, quiet_s: float = 1.5, timeout_s: float = 60) -> float:
    """perf_counter() when the app's last script run finished: a run that ends and no other starts within
    `quiet_s` (the login page reruns once its cookie component reports; a page after login once more)."""
    state = '[data-testid="stApp"]'
    finished, deadline = None, time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        running = page.locator(state).get_attribute("data-test-script-state") != "notRunning"
        now = time.perf_counter()
        if running:
            finished = None
        elif finished is None:
            finished = now
        elif now - finished >= quiet_s:
            return finished
        page.wait_for_timeout(20)
    raise TimeoutError("the app never settled")


def _log_in_and_land(browser, base: str, username: str, path: str, heading: str) -> float:
    """Seconds from the click on "Masuk" to the landing page drawn and the app settled (every rerun done)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/{path}")
    page.get_by_label("Nama pengguna").wait_for(timeout=120_000)
    _settled(page)
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(f"{username}-demo")
    started = time.perf_counter()
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    took = _settled(page) - started
    context.close()
    return took


def landing_times() -> None:
    """(g): the demo city as `make run` makes it, the app and its worker running."""
    folder = Path(tempfile.mkdtemp(prefix="monev-bench-landing-"))
    env, _ = demo_store(folder, bcrypt_rounds=12)  # the passwords hashed at the production cost, as `make run`
    # The probe worker as its own process beside the app, as `make run` and deploy/ run it.
    worker = subprocess.Popen([sys.executable, "-m", "probes"], env={**os.environ, **env}, cwd=folder,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _landings(env, folder)
    finally:
        worker.terminate()
        worker.wait(10)


def _landings(env: dict[str, str], folder: Path) -> None:
    import threading

    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_app

    with running_app(env, folder) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _log_in_and_land(browser, base, "pimpinan", "", "Ringkasan Kota")  # warms imports and caches
        for username, path, heading in LANDINGS:
            runs = [_log_in_and_land(browser, base, "admin" if username == "akun" else username, path, heading)
                    for _ in range(5)]
            label = "reference: Akun saya" if username == "akun" else f"{username} → {heading}"
            print(f"(g) login to a settled landing page, {label}: median {median_ms(runs)} over 5")
        browser.close()

        pair: list[float] = []

        def one(username: str, heading: str) -> None:
            with sync_playwright() as q:
                own = q.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                pair.append(_log_in_and_land(own, base, username, "", heading))
                own.close()

        for _ in range(3):
            threads = [threading.Thread(target=one, args=a) for a in (("pimpinan", "Ringkasan Kota"),
                                                                       ("klojen", "Kecamatan Klojen"))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        print(f"(g) two people logging in at once (pimpinan and klojen): median {median_ms(pair)} over 3 pairs, "
              f"slowest {max(pair):.1f} s")


def main() -> None:
    landing_times()
    folder = Path(tempfile.mkdtemp(prefix="monev-bench-pages-"))
    started = time.perf_counter()
    env = build_city(folder)
    print(f"(e/f) demo city with {TARGETS} targets and a year of history built in "
          f"{time.perf_counter() - started:.0f} s")
    worker = subprocess.Popen([sys.executable, "-m", "probes"], env={**os.environ, **env}, cwd=folder,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(5)
        wall_server_time(env)
        browser_times(env, folder)
    finally:
        worker.terminate()
        worker.wait(10)
