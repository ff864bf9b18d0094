"""The inventory in a real browser: an operator uploads a workbook, sees every bad cell, fixes it and
imports; each role opens the inventory pages and sees its own rows. Screenshots go to tests/artifacts/."""

import re

import pytest
from sqlalchemy import func, select

from core.inventory.kinds import DEVICE
from db.inventory import Device
from tests.browser import chromium, log_in, running_app
from tests.inventory import add, device_cells, fill_every_unit, workbook
from tests.test_browser_monitoring import DONE, open_url, shot

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]
HEADER = ["Kode unit", "Kategori", "Merek/tipe", "Nomor seri", "Nilai perolehan", "Akhir garansi"]
CELLS = "() => [...document.querySelectorAll('[data-testid=stDataFrame] td')].map(td => td.innerText.trim())"


def test_an_operator_imports_a_workbook_after_fixing_every_cell_the_preview_names(env, store, city, tmp_path):
    bad = tmp_path / "perangkat-salah.xlsx"
    bad.write_bytes(workbook([HEADER, ["KEC-KLOJEN", "PC", "HP ProDesk", "SN-1", "Rp 9.500.000", "31/12/2027"],
                              ["KEL-KAUMAN", "Laptop", "Lenovo", "SN-2", "1.250.000,00", "31/02/2027"],
                              ["DINKES", "PC", "Asus", "SN-3", 7000000, ""]]))
    good = tmp_path / "perangkat.xlsx"
    good.write_bytes(workbook([HEADER, ["KEC-KLOJEN", "PC", "HP ProDesk", "SN-1", "Rp 9.500.000", "31/12/2027"],
                               ["KEL-KAUMAN", "Laptop", "Lenovo", "SN-2", "1.250.000,00", "28/02/2027"]]))
    with running_app(env, tmp_path) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1100})
        log_in(page, base, "op_a")
        open_url(page, base, "perangkat", "Perangkat")
        page.get_by_role("tab", name="Impor Excel").click()
        page.get_by_text("Unduh templat Excel").wait_for(timeout=20_000)
        page.locator('input[type="file"]').set_input_files(str(bad))
        page.get_by_text("ditolak: 2 masalah").wait_for(timeout=30_000)
        shot(page, "op_a-perangkat-impor-ditolak")
        page.locator('input[type="file"]').set_input_files(str(good))
        page.get_by_text("Berkas benar: 2 data baru").wait_for(timeout=30_000)
        page.get_by_text("Yang akan ditulis").wait_for(timeout=30_000)
        page.wait_for_timeout(700)  # the grid draws once the script has finished
        shown = page.evaluate(CELLS)
        assert {"SN-1", "SN-2", "Rp 9.500.000", "baru"} <= set(shown), shown  # the rows it writes, as the file has them
        shot(page, "op_a-perangkat-impor-pratinjau")
        with store.session() as s:
            assert s.scalar(select(func.count()).select_from(Device)) == 0, "the preview writes nothing"
        page.get_by_role("button", name="Impor sekarang").click()
        page.get_by_text("Impor selesai: 2 ditambah").wait_for(timeout=30_000)
        page.locator(DONE).wait_for(timeout=30_000)
        # One outcome: no second preview of the same file ("0 new, 2 unchanged") and no button to import it again.
        assert page.get_by_text(re.compile("^Berkas benar")).count() == 0  # (the help above says "berkas benar" too)
        assert page.get_by_text("Yang akan ditulis").count() == 0
        assert page.get_by_role("button", name="Impor sekarang").count() == 0
        assert page.get_by_text("perangkat.xlsx").count() == 0, "the uploader is empty for the next file"
        shot(page, "op_a-perangkat-impor-selesai")
    with store.session() as s:
        stored = {d.serial_number: (d.purchase_value, str(d.warranty_end)) for d in s.scalars(select(Device))}
    assert stored == {"SN-1": (9_500_000, "2027-12-31"), "SN-2": (1_250_000, "2027-02-28")}


def test_each_role_opens_the_inventory_pages_and_sees_only_what_it_may(env, store, city, admin, tmp_path):
    fill_every_unit(store, admin, city)
    add(store, admin, DEVICE, device_cells("SETDA", "SN-DINKES"))  # the same laptop registered twice
    with running_app(env, tmp_path) as base, chromium() as browser:
        for username in ("admin", "pimpinan", "op_a"):
            page = browser.new_context(viewport={"width": 1600, "height": 1100}).new_page()
            log_in(page, base, username)
            for path, heading in (("perangkat", "Perangkat"), ("sdm", "SDM TIK"), ("aplikasi", "Aplikasi")):
                open_url(page, base, path, heading)
                page.get_by_text("dari").first.wait_for(timeout=20_000)
                count = "3 dari 3 data" if username == "op_a" else f"dari {len(city.units) + (path == 'perangkat')}"
                assert page.get_by_text(count).count() == 1, (username, path)
                if username == "pimpinan":
                    assert page.get_by_text("Hanya baca").count() == 1
                shot(page, f"{username}-{path}")
            open_url(page, base, "unit")
            page.get_by_text("Inventaris TIK").wait_for(timeout=20_000)
            page.get_by_text("Perangkat per kategori dan kondisi").wait_for(timeout=20_000)
            shot(page, f"{username}-unit-inventaris")
            if username != "op_a":
                open_url(page, base, "duplikat", "Duplikat data antar-unit")
                page.get_by_text("Nomor seri sama").first.wait_for(timeout=20_000)
                shot(page, f"{username}-duplikat")
            page.context.close()
