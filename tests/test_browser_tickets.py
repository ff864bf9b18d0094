"""Tickets in chromium, through the real server: a citizen complains with JavaScript off and follows the report by
its code; a unit's operator files a report and Kominfo answers it; the operator reads the answer."""

import pytest
from sqlalchemy import select

from core.services import register
from core.tickets import complaints
from db.engine import session_scope
from db.tickets import Ticket
from tests.browser import chromium, log_in, running_app

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def test_a_citizen_complains_without_script_and_reads_the_answer_by_the_code(env, store, city, admin, operator_b,
                                                                           tmp_path):
    with session_scope(store.engine) as s:
        register.save_service(session=s, viewer=admin, data={"unit_id": city.units["DINKES"],
                                                             "name": "Antrean Puskesmas", "sla_response_h": 4})
    with running_app(env, tmp_path) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{base}/publik/laporan")
        assert page.locator("script").count() == 0
        page.get_by_label("Layanan").select_option(label="Antrean Puskesmas")
        page.get_by_label("Jenis gangguan").select_option(label="Aplikasi")
        page.get_by_label("Uraian").fill("Nomor antrean tidak keluar <img src=x onerror=alert(1)>")
        page.get_by_role("button", name="Kirim laporan").click()  # a plain form post
        page.get_by_text("Laporan diterima").wait_for(timeout=15_000)
        code = page.locator(".code").first.inner_text()
        assert page.get_by_text("Menunggu diperiksa petugas").is_visible()
        assert page.locator("img").count() == 0 and "onerror" not in page.content()
        with session_scope(store.engine) as s:
            ticket = s.scalars(select(Ticket).where(Ticket.code == code)).one()
            complaints.moderate(session=s, viewer=operator_b, ticket_id=ticket.id, accept=True)
        context.close()

        staff = browser.new_page(viewport={"width": 1440, "height": 1600})
        log_in(staff, base, "op_b")
        staff.goto(f"{base}/laporan-gangguan")
        staff.get_by_label("Jawaban").fill("Server antrean sudah kami nyalakan ulang.")
        staff.get_by_role("button", name="Kirim", exact=True).click()
        staff.get_by_text("Jawaban tersimpan.").wait_for(timeout=20_000)
        staff.close()

        citizen = browser.new_context(java_script_enabled=False).new_page()
        citizen.goto(f"{base}/publik/laporan")
        citizen.get_by_label("Kode laporan").fill(code.lower().replace("-", ""))
        citizen.get_by_role("button", name="Lihat").click()
        citizen.get_by_text("Server antrean sudah kami nyalakan ulang.").wait_for(timeout=15_000)
        assert citizen.get_by_text("Baru").first.is_visible() and "op_b" not in citizen.content()
