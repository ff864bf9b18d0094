"""The Laporan gangguan page, the unit home's open reports and the complaint response on SLA Layanan, as each
role sees them (AppTest)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.services import register
from core.tickets import complaints, tickets
from db.engine import session_scope
from db.tickets import Ticket
from db.types import utcnow
from tests.apptest import assert_clean, frames, open_page, shown, texts

TEXT = "Printer jaringan di loket tidak bisa mencetak."
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # page tests; core runs on both stores


def test_an_operator_files_a_report_on_the_page_and_only_its_unit_reads_it(env, store, city):
    at = open_page("op_a", "tickets")
    at.text_area(key="ticket_description_0").input(TEXT)
    at.button[0].click().run()  # the form's submit button
    assert_clean(at)
    with session_scope(store.engine) as s:
        ticket = s.scalars(select(Ticket)).one()
    assert (ticket.unit_id, ticket.reporter, ticket.source) == (city.units["KEC-KLOJEN"], "op_a", "unit")
    assert f"Laporan terkirim dengan kode {ticket.code}." in [shown(s.value) for s in at.success]
    assert ticket.code in frames(at)
    other = open_page("op_b", "tickets")
    assert_clean(other)
    assert ticket.code not in frames(other) + texts(other)
    pimpinan = open_page("pimpinan", "tickets")
    assert ticket.code in frames(pimpinan) and not pimpinan.text_area  # leadership reads, writes nothing


def test_kominfo_triages_and_answers_from_the_queue_and_the_unit_reads_the_answer(env, store, city, operator_a):
    with session_scope(store.engine) as s:
        ticket = tickets.file_ticket(session=s, viewer=operator_a, unit_id=city.units["KEC-KLOJEN"], category="perangkat",
                                     description=TEXT)
    at = open_page("admin", "tickets")
    at.selectbox(key=f"ticket_priority_{ticket.id}").set_value("kritis")
    at.button(key=f"ticket_triage_{ticket.id}").click().run()
    assert_clean(at)
    at.text_area(key=f"ticket_reply_text_{ticket.id}").input("Teknisi datang pukul 10.")
    next(b for b in at.button if b.label == "Kirim").click().run()
    assert_clean(at)
    with session_scope(store.engine) as s:
        row = s.get(Ticket, ticket.id)
    assert (row.priority, row.state) == ("kritis", "ditriase") and row.first_response_at is not None
    mine = open_page("op_a", "tickets")
    assert_clean(mine)
    assert "Teknisi datang pukul 10." in texts(mine) and "Kritis" in frames(mine)
    # who answered, by the name the incident page also uses (the display name), not the login name
    assert any(line.startswith("**Admin**") for line in texts(mine).split("\n"))
    assert not any(line.startswith("**admin**") for line in texts(mine).split("\n"))


def test_the_unit_home_lists_every_open_report_its_heading_counts(env, store, city, operator_a, admin):
    with session_scope(store.engine) as s:
        for n in range(3):
            tickets.file_ticket(session=s, viewer=operator_a, unit_id=city.units["KEL-KAUMAN"], category="jaringan",
                                description=f"{TEXT} ({n})")
        done = tickets.file_ticket(session=s, viewer=operator_a, unit_id=city.units["KEC-KLOJEN"], category="akun",
                                   description=TEXT)
        tickets.set_state(session=s, viewer=admin, ticket_id=done.id, state="selesai")
    at = open_page("op_a", "home")
    assert_clean(at)
    lines = [shown(m.value) for m in at.markdown]
    assert "**Laporan gangguan terbuka (3)**" in lines
    assert sum(1 for line in lines if " · Jaringan · Baru · " in line) == 3 and done.code not in "\n".join(lines)


def test_sla_layanan_shows_the_complaint_response_measured_from_complaints(env, store, city, admin, operator_b):
    with session_scope(store.engine) as s:
        service_id = register.save_service(session=s, viewer=admin, data={
            "unit_id": city.units["DINKES"], "name": "Antrean Puskesmas", "audience": "public",
            "sla_response_h": 2}).id
        filed = utcnow() - timedelta(minutes=30)
        for answer in (True, False):
            code = complaints.file_complaint(s, service_id=service_id, category="aplikasi", description=TEXT,
                                             client=f"c{answer}", now=filed)
            ticket = s.scalars(select(Ticket).where(Ticket.code == code)).one()
            complaints.moderate(session=s, viewer=admin, ticket_id=ticket.id, accept=True, now=filed)
            if answer:
                tickets.reply(session=s, viewer=operator_b, ticket_id=ticket.id, message="Kami tangani.")
    at = open_page("op_b", "sla")
    assert_clean(at)
    assert any(m.label == "Respons pengaduan" and m.value.startswith("100") and "(1/1)" in m.value
               for m in at.metric)
    assert "(1/1)" in frames(at)


def test_kominfo_opens_a_ticket_from_an_incident_without_one(env, store, city, admin):
    from db.monitoring import Incident
    from tests.monitoring import add_target

    target = add_target(store, admin, city.units["DINKES"], name="server SIMPUS", kind="ping")
    with session_scope(store.engine) as s:
        incident = Incident(target_id=target, unit_id=city.units["DINKES"], started_at=utcnow() - timedelta(hours=1))
        s.add(incident)
        s.flush()
        incident_id = incident.id
    at = open_page("admin", "tickets")
    at.button(key="ticket_from_incident_open").click().run()
    assert_clean(at)
    with session_scope(store.engine) as s:
        ticket = s.scalars(select(Ticket)).one()
        assert tickets.incidents_without_ticket(session=s, viewer=admin, since=utcnow() - timedelta(days=1)) == []
    assert (ticket.incident_id, ticket.source) == (incident_id, "kominfo")
    assert ticket.description == f"Gangguan server SIMPUS (insiden #{incident_id})"
