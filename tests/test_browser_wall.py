"""The projector wall in a real browser on the demo city (91 units) and on a city of 150: every unit on one
screen at 1920×1080 and 1280×720 without scrolling, units with a problem large and first, no controls.

A real `python -m probes` checks the demo's loopback targets plus five that refuse connections, so five
units are DOWN (and Kec. Sukun's cut uplink, its 11 kelurahan unreachable behind it) while the rest are up; screenshots go to tests/artifacts/ for a person to judge."""

import time

import pytest
from sqlalchemy import func, select

from core.access import SYSTEM
from core.config import load_settings
from core.monitoring.targets import TargetCreate, create_target
from core.org.units import UnitRow, create_unit
from core.startup import open_store, prepare
from db.engine import session_scope
from db.models import Unit
from db.monitoring import Target, TargetState
from tests.browser import chromium, free_port, log_in, running_app
from tests.peers import closed_port
from tests.test_browser_monitoring import DONE, shot, start_worker, wait_until

pytestmark = pytest.mark.browser
FAULTY = ["DINKES", "BAPENDA", "DISHUB", "DISDIKBUD", "BPBD"]
BIG = len(FAULTY) + 1  # and Kec. Sukun, the demo's cut uplink: one root-cause tile for its 11 kelurahan
SCREENS = [(1920, 1080), (1280, 720)]  # a projector, and a small one (the 150-unit city: the first only)


@pytest.fixture
def demo_city(tmp_path, monkeypatch):
    port = free_port()  # the demo's own health target checks the port the app runs on
    env = {"MONEV_DEMO_APP_PORT": str(port), "MONEV_DEMO": "true", "MONEV_DATABASE_URL": f"sqlite:///{tmp_path}/monev.db",
           "MONEV_DATA_DIR": str(tmp_path / "data"), "MONEV_WORKER_IN_APP": "false", "MONEV_BCRYPT_ROUNDS": "4"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()
    engine = open_store(settings)
    prepare(engine, settings)
    with session_scope(engine) as s:
        units = {u.code: u.id for u in s.scalars(select(Unit))}
        for code in FAULTY:
            create_target(session=s, viewer=SYSTEM, data=TargetCreate(
                unit_id=units[code], name=f"Layanan {code.lower()}", kind="tcp", host="127.0.0.1",
                port=closed_port(), interval_s=10, timeout_s=1, fail_threshold=1))
    worker = start_worker(env, tmp_path)
    try:
        with running_app(env, tmp_path, port=port) as base:
            yield {"base": base, "engine": engine, "units": units}
    finally:
        worker.terminate()
        worker.wait(10)
        engine.dispose()


def faulty_down(engine) -> bool:
    with session_scope(engine) as s:
        states = s.scalars(select(TargetState.state).join(Target, Target.id == TargetState.target_id)
                           .where(Target.name.like("Layanan %"))).all()
    return len(states) == len(FAULTY) and set(states) == {"DOWN"}


def layout(page) -> dict:
    """What the screen shows: tiles in page order (size and state from their keys) and whether it scrolls."""
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        const tiles = [...document.querySelectorAll('[class*="st-key-walltile-"]')].map(e => {
            const key = [...e.classList].find(c => c.startsWith('st-key-walltile-')).split('-');
            const box = e.getBoundingClientRect();
            return {size: key[3], state: key[4], bottom: box.bottom, right: box.right};
        });
        return {tiles, scrolls: main.scrollHeight > main.clientHeight + 1,
                height: window.innerHeight, width: window.innerWidth,
                sidebar: !!document.querySelector('[data-testid=stSidebar]:not([style*="display: none"])')
                         && getComputedStyle(document.querySelector('[data-testid=stSidebar]')).display !== 'none',
                buttons: [...document.querySelectorAll('button')].filter(b => b.offsetParent !== null).length};
    }""")


def check_fits(page, units: int, name: str, screens=SCREENS) -> None:
    for width, height in screens:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(1000)
        seen = layout(page)
        assert len(seen["tiles"]) == units, f"{width}×{height}: {len(seen['tiles'])} tiles of {units}"
        assert not seen["scrolls"], f"{width}×{height}: the wall scrolls"
        assert all(t["bottom"] <= height and t["right"] <= width for t in seen["tiles"]), f"{width}×{height}: a tile off screen"
        assert not seen["sidebar"] and seen["buttons"] == 0, "controls on the projected view"
        sizes = [t["size"] for t in seen["tiles"]]
        assert sizes[:BIG] == ["big"] * BIG and set(sizes[BIG:]) == {"chip"}
        assert {t["state"] for t in seen["tiles"][:BIG]} == {"down"}
        assert [t["state"] for t in seen["tiles"]].count("unreachable") == 11  # behind the cut uplink: chips
        shot(page, f"wall-{name}-{width}x{height}")


def test_the_whole_city_fits_one_projector_screen_with_problems_large_and_first(demo_city):
    engine, base = demo_city["engine"], demo_city["base"]
    wait_until(lambda: faulty_down(engine), 90, "the five faulty targets DOWN")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        log_in(page, base, "presenter", "presenter-demo")
        page.goto(f"{base}/status")
        page.locator('[class*="st-key-walltile-big-down-"]').nth(BIG - 1).wait_for(timeout=60_000)
        page.locator(DONE).wait_for(timeout=30_000)
        check_fits(page, 91, "demo")

        # A bigger city: 59 more kelurahan (150 units), the wall still on one 1920×1080 screen.
        with session_scope(engine) as s:
            kecamatan = s.scalar(select(Unit.code).where(Unit.kind == "kecamatan"))
            for n in range(59):
                create_unit(session=s, viewer=SYSTEM, data=UnitRow(f"KEL-UJI-{n:02d}", f"Kelurahan Uji {n:02d}",
                                                                   "kelurahan", f"Kel. Uji {n:02d}", kecamatan))
            assert s.scalar(select(func.count()).select_from(Unit)) == 150
        time.sleep(6)  # past the wall's 5 s read cache
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.goto(f"{base}/status")
        page.locator('[class*="st-key-walltile-"]').nth(149).wait_for(timeout=60_000)
        page.locator(DONE).wait_for(timeout=30_000)
        check_fits(page, 150, "150-units", screens=SCREENS[:1])
