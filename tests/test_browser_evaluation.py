"""The evaluation in a real browser: leadership opens the overview, has the annual report made (its progress
shown) and downloads it; an operator sees their unit beside the city and no other unit. Screenshots go to tests/artifacts/."""

import pypdfium2
import pytest

from tests.browser import chromium, log_in, running_app
from tests.conftest import CITY, UNIT_A
from tests.evaluation import evaluated_city
from tests.test_browser_monitoring import open_url, shot

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def test_leadership_downloads_the_annual_report_and_an_operator_sees_only_their_units(env, store, city, admin,
                                                                                       tmp_path):
    evaluated_city(store, city, admin)
    own = {row.code for row in CITY if row.code == UNIT_A or row.parent_code == UNIT_A}
    with running_app(env, tmp_path) as base, chromium() as browser:
        page = browser.new_context(viewport={"width": 1600, "height": 2200}, accept_downloads=True).new_page()
        log_in(page, base, "pimpinan")
        open_url(page, base, "ringkasan", "Ringkasan Kota")
        page.get_by_text("Indeks SPBE kota").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Siapkan laporan PDF").click()
        # The hundred-page PDF is made in a status box that says what it is doing, then says it is ready.
        page.get_by_text("Siap diunduh: laporan PDF").wait_for(timeout=60_000)
        page.get_by_role("button", name="Unduh laporan PDF").wait_for(timeout=60_000)
        shot(page, "pimpinan-ringkasan")
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Unduh laporan PDF").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.name == "laporan-monev-tik-2026.pdf"
        doc = pypdfium2.PdfDocument(path.read_bytes())
        assert "Laporan Monev TIK Tahun 2026" in doc[0].get_textpage().get_text_range()
        assert len(doc) >= 3 + len(city.units)
        doc.close()
        page.context.close()

        page = browser.new_context(viewport={"width": 1600, "height": 2200}).new_page()
        log_in(page, base, "op_a")
        open_url(page, base, "ringkasan", "Ringkasan Unit")
        page.get_by_text("Unit Anda dibanding kota").wait_for(timeout=30_000)
        page.get_by_text("Rekomendasi").first.wait_for(timeout=30_000)
        shot(page, "op_a-ringkasan")
        body = page.locator("body").inner_text()
        for row in CITY:
            if row.code not in own:
                assert row.name not in body and row.short_name not in body, row.code
        open_url(page, base, "evaluasi", "Evaluasi Indeks SPBE")
        page.get_by_text("Indikator terisi").wait_for(timeout=30_000)
        shot(page, "op_a-evaluasi")
