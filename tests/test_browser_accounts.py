"""Rekening & SSH in a real browser: an admin uploads the city's SSH workbook, reads the preview and
imports it; a unit's operator uploads their SIPD export (merged headers, text numbers), imports it and
sees their lines, and a bad file is refused with its cells named. Screenshots go to tests/artifacts/."""

import pytest
from sqlalchemy import select

from db.needs import BudgetLine, StandardPrice
from tests.browser import chromium, log_in, running_app
from tests.needs import NEXT_YEAR
from tests.test_browser_monitoring import DONE, open_url, shot
from tests.test_sipd import LINES, SSH, rka_workbook, ssh_workbook

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def upload(page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.locator('input[type="file"]').set_input_files(str(path))
    page.locator(DONE).wait_for(timeout=30_000)


def test_an_admin_imports_the_ssh_and_an_operator_their_sipd_export_through_the_page(env, store, city, tmp_path):
    with running_app(env, tmp_path) as base, chromium() as browser:
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        log_in(page, base, "admin")
        open_url(page, base, "rekening-ssh", "Rekening & SSH")
        shot(page, "admin-rekening")
        page.get_by_role("tab", name="Standar harga (SSH)").click()
        page.get_by_text("Impor SSH").wait_for(timeout=20_000)
        upload(page, tmp_path, "ssh.xlsx", ssh_workbook(*SSH))
        page.get_by_text("Siap diimpor: 3 item baru, 0 berubah, 0 tetap.").wait_for(timeout=20_000)
        page.get_by_role("button", name="Impor sekarang").click()
        page.get_by_text("SSH diimpor: 3 item baru").wait_for(timeout=20_000)
        page.get_by_text("3 item ditampilkan").wait_for(timeout=20_000)  # the list below shows them
        shot(page, "admin-rekening-ssh")
        page.context.close()
        with store.session() as s:
            assert len(s.scalars(select(StandardPrice).where(StandardPrice.fiscal_year == NEXT_YEAR)).all()) == 3

        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        log_in(page, base, "op_a")
        open_url(page, base, "rekening-ssh", "Rekening & SSH")
        page.get_by_role("tab", name="Anggaran dari SIPD").click()
        page.get_by_text("Impor RKA/DPA dari SIPD").wait_for(timeout=20_000)
        upload(page, tmp_path, "bad.xlsx", rka_workbook(LINES[1], (2, "", "", "", "", "PC", "", "dua", "", "x", "")))
        page.get_by_text("koefisien").first.wait_for(timeout=20_000)
        assert page.get_by_role("button", name="Impor sekarang").count() == 0  # nothing to write from a bad file
        upload(page, tmp_path, "rka.xlsx", rka_workbook(*LINES))
        page.get_by_text("Siap diimpor: 3 baris senilai Rp 81.000.000").wait_for(timeout=20_000)
        page.get_by_role("button", name="Impor sekarang").click()
        page.get_by_text("Diimpor: 3 baris senilai Rp 81.000.000").wait_for(timeout=20_000)
        page.get_by_role("tab", name="Anggaran dari SIPD").click()
        page.get_by_label("Tahun anggaran").last.click()
        page.get_by_role("option", name=str(NEXT_YEAR - 1)).click()
        page.get_by_text("3 baris, jumlah Rp 81.000.000").wait_for(timeout=20_000)
        shot(page, "op_a-rekening-sipd")
    with store.session() as s:
        assert {r.unit_id for r in s.scalars(select(BudgetLine))} == {city.units["KEC-KLOJEN"]}
