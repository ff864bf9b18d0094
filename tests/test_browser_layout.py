"""Nothing cut at 1440×900: every page each role may open, on the demo city, in chromium — no table wider
than its frame (columns off the edge), no metric title, label, heading or line of text cut off. Each page
is saved under tests/artifacts/ for a person to look at."""

import pytest

from core.access import Role
from core.navigation import PAGES
from tests.browser import chromium, log_in
from tests.conftest import ROOT
from tests.inventory import workbook
from tests.test_browser_monitoring import ARTIFACTS, DONE
from tests.test_browser_wall import demo_city  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser
CLIPPED = (ROOT / "tests" / "clipped.js").read_text()  # what the check finds cut, as sentences
ROLES = {"admin": ("admin-demo", Role.ADMIN), "pimpinan": ("pimpinan-demo", Role.PIMPINAN),
         "dinkes": ("dinkes-demo", Role.SKPD), "presenter": ("presenter-demo", Role.PRESENTER)}


def test_no_page_cuts_its_tables_titles_or_text_at_1440_for_any_role(demo_city):  # noqa: F811
    base = demo_city["base"]
    found = []
    with chromium() as browser:
        for username, (password, role) in ROLES.items():  # one demo city for all: it takes a while to build
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            log_in(page, base, username, password)
            for spec in PAGES:
                if role not in spec.roles:
                    continue
                page.goto(f"{base}/{spec.url_path}")
                page.locator("h1").first.wait_for(timeout=60_000)
                page.locator(DONE).wait_for(timeout=60_000)
                page.wait_for_timeout(700)  # grids and charts draw once the script has finished
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"page-{username}-{spec.url_path}.png"))
                found += [f"{username} /{spec.url_path}: {problem}" for problem in page.evaluate(CLIPPED)]
            page.context.close()
    assert found == []


# Issue 29 (14): states a page reaches only by doing something, checked cell by cell too (the grid's canvas
# text measured against its column): the filling view of an indicator and what blocks its submit, the
# verification queue with items in it, and an import whose problems are listed.
KATEGORI_WRONG = ["Kode unit", "Kategori", "Merek/tipe", "Nomor seri", "Nilai perolehan", "Akhir garansi"]


def test_filling_the_queue_and_import_problems_show_every_cell_whole_at_1440(demo_city, tmp_path):  # noqa: F811
    base = demo_city["base"]
    bad = tmp_path / "perangkat-salah.xlsx"
    bad.write_bytes(workbook([KATEGORI_WRONG, ["DINKES", "Komputer meja", "HP ProDesk", "SN-1", "sembilan juta",
                                               "31/02/2027"], ["KLOJEN", "PC", "Asus", "SN-2", 7_000_000, ""]]))
    found = []

    def check(page, name: str) -> None:
        page.locator(DONE).wait_for(timeout=60_000)
        page.wait_for_timeout(700)  # grids draw once the script has finished
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"state-{name}.png"), full_page=True)
        found.extend(f"{name}: {problem}" for problem in page.evaluate(CLIPPED, {"cells": True}))

    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        log_in(page, base, "dinkes", "dinkes-demo")
        page.goto(f"{base}/evaluasi")
        page.get_by_text("Isi per indikator").wait_for(timeout=60_000)
        check(page, "dinkes-evaluasi-isi")
        page.get_by_role("button", name="Ajukan ke Kominfo").click()
        page.get_by_text("Belum bisa dikirim").wait_for(timeout=60_000)
        check(page, "dinkes-evaluasi-belum-lengkap")
        page.goto(f"{base}/perangkat")
        page.get_by_role("tab", name="Impor Excel").click()
        page.locator('input[type="file"]').set_input_files(str(bad))
        page.get_by_text("ditolak: 4 masalah").wait_for(timeout=60_000)
        check(page, "dinkes-perangkat-impor-masalah")
        # The same in English: longer words, the level descriptions in English.
        language = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first
        language.scroll_into_view_if_needed()
        language.click()
        page.keyboard.type("English")
        page.keyboard.press("Enter")
        page.get_by_text("Devices").first.wait_for(timeout=60_000)
        page.goto(f"{base}/evaluasi")
        page.get_by_text("Fill in one indicator at a time").wait_for(timeout=60_000)
        check(page, "dinkes-evaluasi-isi-en")
        page.context.close()
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        log_in(page, base, "admin", "admin-demo")
        page.goto(f"{base}/verifikasi")
        page.get_by_text("Menunggu verifikasi").wait_for(timeout=60_000)
        page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=60_000)  # the queue holds items
        check(page, "admin-verifikasi")
        page.context.close()
    assert found == []
