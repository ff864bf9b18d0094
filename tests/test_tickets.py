"""Tickets: a unit's reports and citizens' complaints, scoped by unit, with clocks counted in service hours."""

import io
from datetime import date, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from core.errors import NotFound, PermissionDenied, ValidationError
from core.services import register
from core.tickets import clock, complaints, tickets
from db.engine import session_scope
from db.monitoring import Incident
from db.services import Holiday
from db.tickets import Ticket
from tests.monitoring import JAKARTA, add_target

TEXT = "Jaringan internet kantor kelurahan putus sejak pagi."


def png(width: int = 8, height: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, "PNG")
    return out.getvalue()


def service(store, admin, unit_id: int, **extra) -> int:
    """A public service open Monday to Friday 08.00–16.00, holidays off, answering complaints within 4 hours."""
    data = {"unit_id": unit_id, "name": "SAMBAT Online", "group": "Pengaduan", "audience": "public",
            "days": [0, 1, 2, 3, 4], "start_minute": 8 * 60, "end_minute": 16 * 60, "holidays_off": True,
            "sla_response_h": 4, **extra}
    with session_scope(store.engine) as s:
        return register.save_service(session=s, viewer=admin, data=data).id


def test_an_operator_files_for_its_own_unit_and_reads_only_its_units_tickets(store, city, admin, operator_a,
                                                                           operator_b, pimpinan):
    klojen, kauman, dinkes = city.units["KEC-KLOJEN"], city.units["KEL-KAUMAN"], city.units["DINKES"]
    with session_scope(store.engine) as s:
        mine = tickets.file_ticket(session=s, viewer=operator_a, unit_id=kauman, category="jaringan", description=TEXT)
        with pytest.raises(PermissionDenied):
            tickets.file_ticket(session=s, viewer=operator_a, unit_id=dinkes, category="jaringan", description=TEXT)
        with pytest.raises(ValidationError):  # a category nobody offered
            tickets.file_ticket(session=s, viewer=operator_a, unit_id=klojen, category="printer", description=TEXT)
        with pytest.raises(ValidationError):  # a control character hidden in the text
            tickets.file_ticket(session=s, viewer=operator_a, unit_id=klojen, category="akun", description=TEXT + "\x00")
        with pytest.raises(PermissionDenied):
            tickets.file_ticket(session=s, viewer=pimpinan, unit_id=klojen, category="akun", description=TEXT)
        theirs = tickets.file_ticket(session=s, viewer=operator_b, unit_id=dinkes, category="akun", description=TEXT)
    assert mine.source == "unit" and len(mine.code) == 11 and mine.state == "baru"
    with session_scope(store.engine) as s:
        seen = {who: {line.ticket.id for line in tickets.list_tickets(session=s, viewer=viewer, zone=JAKARTA)}
                for who, viewer in (("a", operator_a), ("b", operator_b), ("admin", admin), ("p", pimpinan))}
        assert seen == {"a": {mine.id}, "b": {theirs.id}, "admin": {mine.id, theirs.id}, "p": {mine.id, theirs.id}}
        with pytest.raises(NotFound):
            tickets.ticket_detail(session=s, viewer=operator_b, ticket_id=mine.id, zone=JAKARTA)
        with pytest.raises(NotFound):
            tickets.reply(session=s, viewer=operator_b, ticket_id=mine.id, message="bukan urusan saya")


def test_a_link_to_what_another_unit_owns_is_refused(store, city, admin, operator_a):
    klojen, dinkes = city.units["KEC-KLOJEN"], city.units["DINKES"]
    own, other = add_target(store, admin, klojen, name="router", kind="ping"), add_target(store, admin, dinkes, name="server", kind="ping")
    with session_scope(store.engine) as s:
        ticket = tickets.file_ticket(session=s, viewer=operator_a, unit_id=klojen, category="jaringan",
                                     description=TEXT, target_id=own)
        with pytest.raises(ValidationError) as refused:
            tickets.file_ticket(session=s, viewer=operator_a, unit_id=klojen, category="jaringan", description=TEXT,
                                target_id=other)
        assert refused.value.field == "target_id"
    with session_scope(store.engine) as s:
        assert tickets.ticket_detail(session=s, viewer=operator_a, ticket_id=ticket.id, zone=JAKARTA).links == {
            "target": "router"}
        offered = tickets.link_options(session=s, viewer=operator_a)
        assert [i for i, _label in offered["target"]] == [own]
        assert {i for i, _label in tickets.link_options(session=s, viewer=admin)["target"]} == {own, other}


def test_a_photo_is_taken_by_its_content_within_the_upload_limit(store, city, operator_a):
    klojen = city.units["KEC-KLOJEN"]
    with session_scope(store.engine) as s:
        ticket = tickets.file_ticket(session=s, viewer=operator_a, unit_id=klojen, category="perangkat",
                                     description=TEXT, photo=png())
    with session_scope(store.engine) as s:
        assert tickets.ticket_photo(session=s, viewer=operator_a, ticket_id=ticket.id)[0] == "image/png"
    for bad in (b"", b"<script>alert(1)</script>", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, b"%PDF-1.7 ...",
                b"\xff\xd8\xff" + b"x" * (tickets.MAX_PHOTO_BYTES)):
        with pytest.raises(ValidationError) as refused:
            tickets.photo_type(bad)
        assert refused.value.field == "photo"
    # A small file declaring a huge picture (a decompression bomb) is refused before any pixel is read.
    big = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(big, "PNG")
    assert len(big.getvalue()) < 100_000
    with pytest.raises(ValidationError):
        tickets.photo_type(big.getvalue())


def test_kominfo_triages_assigns_answers_and_resolves_and_the_unit_reads_no_internal_note(store, city, admin,
                                                                                        operator_a):
    klojen = city.units["KEC-KLOJEN"]
    filed = datetime(2026, 12, 7, 9, 0, tzinfo=JAKARTA)
    with session_scope(store.engine) as s:
        ticket = tickets.file_ticket(session=s, viewer=operator_a, unit_id=klojen, category="aplikasi",
                                     description=TEXT, now=filed)
        with pytest.raises(PermissionDenied):
            tickets.triage(session=s, viewer=operator_a, ticket_id=ticket.id, priority="kritis")
        tickets.triage(session=s, viewer=admin, ticket_id=ticket.id, priority="tinggi", now=filed + timedelta(minutes=5))
        tickets.assign(session=s, viewer=admin, ticket_id=ticket.id, user_id=admin.user_id, now=filed + timedelta(minutes=6))
        tickets.reply(session=s, viewer=admin, ticket_id=ticket.id, message="cek kabel di ruang server", public=False,
                      now=filed + timedelta(minutes=7))
        tickets.reply(session=s, viewer=operator_a, ticket_id=ticket.id, message="sudah kami restart",
                      now=filed + timedelta(minutes=8))  # the reporter's own word is no response
        with pytest.raises(PermissionDenied):
            tickets.reply(session=s, viewer=operator_a, ticket_id=ticket.id, message="catatan", public=False)
        tickets.reply(session=s, viewer=admin, ticket_id=ticket.id, message="Teknisi menuju lokasi.",
                      now=filed + timedelta(hours=2))
        tickets.set_state(session=s, viewer=admin, ticket_id=ticket.id, state="selesai", now=filed + timedelta(hours=5))
        with pytest.raises(ValidationError):  # the unit only closes
            tickets.set_state(session=s, viewer=operator_a, ticket_id=ticket.id, state="dikerjakan")
        tickets.set_state(session=s, viewer=operator_a, ticket_id=ticket.id, state="ditutup",
                          now=filed + timedelta(hours=6))
    with session_scope(store.engine) as s:
        mine = tickets.ticket_detail(session=s, viewer=operator_a, ticket_id=ticket.id, zone=JAKARTA,
                                     now=filed + timedelta(days=3))
        everything = tickets.ticket_detail(session=s, viewer=admin, ticket_id=ticket.id, zone=JAKARTA)
    row = mine.line.ticket
    assert (row.priority, row.state, row.assignee_id) == ("tinggi", "ditutup", admin.user_id)
    assert row.first_response_at == filed + timedelta(hours=2) and row.resolved_at == filed + timedelta(hours=5)
    assert "note" not in {a.kind for a in mine.activity} and "note" in {a.kind for a in everything.activity}
    # Calendar time (no service): 2 h to respond of 4, 5 h to resolve of 24; both clocks stopped.
    assert mine.line.clocks.response.elapsed_s == 2 * 3600 and not mine.line.clocks.breached
    assert mine.line.clocks.resolution.elapsed_s == 5 * 3600 and mine.line.clocks.resolution.done_at is not None


def test_the_clock_counts_service_hours_past_a_holiday_and_a_weekend_as_computed_by_hand(store, city, admin,
                                                                                       operator_b):
    """Mon–Fri 08.00–16.00 WIB. Filed Thursday 24 Dec 2026 15.00; Friday 25 Dec is a holiday, then the weekend.
    Priority tinggi: 4 h to respond = Thu 1 h + Mon 28 Dec 08.00–11.00 → due Mon 11.00 WIB;
    24 h to resolve = Thu 1 h + Mon 8 h + Tue 8 h + Wed 30 Dec 08.00–15.00 → due Wed 15.00 WIB."""
    dinkes = city.units["DINKES"]
    service_id = service(store, admin, dinkes, sla_response_h=None)
    filed = datetime(2026, 12, 24, 15, 0, tzinfo=JAKARTA)
    with session_scope(store.engine) as s:
        s.add(Holiday(day=date(2026, 12, 25), name="Hari Raya Natal"))
        ticket = tickets.file_ticket(session=s, viewer=operator_b, unit_id=dinkes, category="aplikasi",
                                     description=TEXT, service_id=service_id, now=filed)
        tickets.triage(session=s, viewer=admin, ticket_id=ticket.id, priority="tinggi", now=filed)

    def clocks_at(now):
        with session_scope(store.engine) as s:
            return tickets.ticket_detail(session=s, viewer=admin, ticket_id=ticket.id, zone=JAKARTA, now=now).line.clocks

    saturday = clocks_at(datetime(2026, 12, 26, 12, 0, tzinfo=JAKARTA))
    assert saturday.response.in_service_hours
    assert saturday.response.elapsed_s == 3600 and saturday.response.remaining_s == 3 * 3600
    assert saturday.response.due_at == datetime(2026, 12, 28, 11, 0, tzinfo=JAKARTA)
    assert saturday.resolution.due_at == datetime(2026, 12, 30, 15, 0, tzinfo=JAKARTA)
    late = clocks_at(datetime(2026, 12, 28, 11, 30, tzinfo=JAKARTA))
    assert late.response.elapsed_s == 4.5 * 3600 and late.response.breached and not late.resolution.breached
    with session_scope(store.engine) as s:  # answered Monday 10.30: 3.5 service hours, in time
        tickets.reply(session=s, viewer=admin, ticket_id=ticket.id, message="Sedang kami periksa.",
                      now=datetime(2026, 12, 28, 10, 30, tzinfo=JAKARTA))
    answered = clocks_at(datetime(2027, 1, 4, 9, 0, tzinfo=JAKARTA))
    assert answered.response.elapsed_s == 3.5 * 3600 and not answered.response.breached
    assert answered.resolution.breached  # never resolved: past Wednesday 15.00
    with session_scope(store.engine) as s:
        breached = tickets.list_tickets(session=s, viewer=admin, zone=JAKARTA, which="breached",
                                        now=datetime(2027, 1, 4, 9, 0, tzinfo=JAKARTA))
    assert [line.ticket.id for line in breached] == [ticket.id]


def test_targets_per_priority_are_set_by_admin_and_checked(store, city, admin, operator_a):
    with session_scope(store.engine) as s:
        assert clock.targets(session=s, viewer=operator_a) == clock.DEFAULT_TARGETS
        with pytest.raises(PermissionDenied):
            clock.save_targets(session=s, viewer=operator_a, values=clock.DEFAULT_TARGETS)
        with pytest.raises(ValidationError):  # a response later than the resolution
            clock.save_targets(session=s, viewer=admin, values={**clock.DEFAULT_TARGETS, "kritis": (10, 2)})
        clock.save_targets(session=s, viewer=admin, values={**clock.DEFAULT_TARGETS, "kritis": (0.5, 4)})
    with session_scope(store.engine) as s:
        assert clock.targets(session=s, viewer=admin)["kritis"] == (0.5, 4)


def test_a_ticket_opened_from_an_incident_names_it_and_one_can_be_linked_later(store, city, admin, operator_a):
    klojen = city.units["KEC-KLOJEN"]
    target = add_target(store, admin, klojen, name="uplink kecamatan", kind="ping")
    with session_scope(store.engine) as s:
        incident = Incident(target_id=target, unit_id=klojen, started_at=datetime(2026, 12, 1, 8, tzinfo=JAKARTA))
        s.add(incident)
        s.flush()
        spawned = tickets.from_incident(session=s, viewer=admin, incident_id=incident.id)
        reported = tickets.file_ticket(session=s, viewer=operator_a, unit_id=klojen, category="jaringan", description=TEXT)
        with pytest.raises(PermissionDenied):
            tickets.link_incident(session=s, viewer=operator_a, ticket_id=reported.id, incident_id=incident.id)
        assert [i[0] for i in tickets.recent_incidents(session=s, viewer=admin, ticket_id=reported.id)] == [incident.id]
        tickets.link_incident(session=s, viewer=admin, ticket_id=reported.id, incident_id=incident.id)
    assert (spawned.source, spawned.unit_id, spawned.target_id, spawned.incident_id) == ("kominfo", klojen, target,
                                                                                        incident.id)
    with session_scope(store.engine) as s:
        detail = tickets.ticket_detail(session=s, viewer=operator_a, ticket_id=reported.id, zone=JAKARTA)
    assert detail.links["incident"] == f"#{incident.id}" and detail.activity[-1].kind == "incident"


def test_a_citizens_complaint_waits_for_moderation_and_its_code_shows_state_and_public_replies_only(
        store, city, admin, operator_b, operator_a, pimpinan):
    dinkes = city.units["DINKES"]
    service_id = service(store, admin, dinkes)
    with session_scope(store.engine) as s:
        code = complaints.file_complaint(s, service_id=service_id, category="aplikasi",
                                         description="Antrean online error terus, nama saya Budi 0812-3456", client="c1")
        for _ in range(complaints.MAX_PER_HOUR - 1):
            complaints.file_complaint(s, service_id=service_id, category="aplikasi", description=TEXT, client="c1")
        with pytest.raises(ValidationError) as refused:
            complaints.file_complaint(s, service_id=service_id, category="aplikasi", description=TEXT, client="c1")
        assert refused.value.key == "complaint.too_many"
        complaints.file_complaint(s, service_id=service_id, category="aplikasi", description=TEXT, client="c2")
    with session_scope(store.engine) as s:
        ticket = s.scalars(select(Ticket).where(Ticket.code == code)).one()
        assert tickets.list_tickets(session=s, viewer=pimpinan, zone=JAKARTA) == []  # nothing read before moderation
        assert len(tickets.list_tickets(session=s, viewer=operator_b, zone=JAKARTA, which="moderation")) == complaints.MAX_PER_HOUR + 1
        assert tickets.list_tickets(session=s, viewer=operator_a, zone=JAKARTA, which="moderation") == []
        with pytest.raises(NotFound):
            tickets.get_ticket(session=s, viewer=pimpinan, ticket_id=ticket.id)
        assert complaints.lookup(s, code.lower().replace("-", " ")).state == "moderasi"
        complaints.moderate(session=s, viewer=operator_b, ticket_id=ticket.id, accept=True)
        tickets.reply(session=s, viewer=admin, ticket_id=ticket.id, message="internal: cek server antrean", public=False)
        tickets.reply(session=s, viewer=operator_b, ticket_id=ticket.id, message="Terima kasih, sedang kami perbaiki.")
    with session_scope(store.engine) as s:
        view = complaints.lookup(s, code)
        assert tickets.get_ticket(session=s, viewer=pimpinan, ticket_id=ticket.id).first_response_at is not None
    assert view.state == "baru" and view.service == "SAMBAT Online"
    assert [r.message for r in view.replies] == ["Terima kasih, sedang kami perbaiki."]
    assert "Budi" not in repr(view) and "internal" not in repr(view)
    with session_scope(store.engine) as s:
        assert complaints.lookup(s, "XXXXX-XXXXX") is None
    internal = service(store, admin, dinkes, name="SIMPEG", audience="internal")
    with session_scope(store.engine) as s, pytest.raises(NotFound):  # an internal service takes no complaints
        complaints.file_complaint(s, service_id=internal, category="akun", description=TEXT, client="c3")


def test_a_refused_complaint_is_closed_and_counted_nowhere(store, city, admin, operator_b):
    service_id = service(store, admin, city.units["DINKES"])
    with session_scope(store.engine) as s:
        code = complaints.file_complaint(s, service_id=service_id, category="lainnya", description="iklan judi " * 3,
                                         client="c9")
        ticket = s.scalars(select(Ticket).where(Ticket.code == code)).one()
        complaints.moderate(session=s, viewer=operator_b, ticket_id=ticket.id, accept=False, message="Bukan pengaduan.")
        with pytest.raises(ValidationError):
            complaints.moderate(session=s, viewer=operator_b, ticket_id=ticket.id, accept=True)
    with session_scope(store.engine) as s:
        assert complaints.lookup(s, code).state == "ditolak"
        assert tickets.list_tickets(session=s, viewer=admin, zone=JAKARTA) == []


def test_complaint_first_response_compliance_per_month_in_service_hours(store, city, admin, operator_b, operator_a):
    """December 2026, target 4 service hours (Mon–Fri 08–16): one answered in 2 h, one in 5 h (missed), one not
    answered and past its target (missed), one not answered filed just now (pending); one refused (not counted)."""
    dinkes = city.units["DINKES"]
    service_id = service(store, admin, dinkes)
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=JAKARTA)
    now = datetime(2026, 12, 10, 9, 0, tzinfo=JAKARTA)
    with session_scope(store.engine) as s:
        def filed(at, answer_after=None, accept=True):
            code = complaints.file_complaint(s, service_id=service_id, category="aplikasi", description=TEXT,
                                             client=f"c{at.isoformat()}", now=at)
            ticket = s.scalars(select(Ticket).where(Ticket.code == code)).one()
            complaints.moderate(session=s, viewer=admin, ticket_id=ticket.id, accept=accept, now=at)
            if answer_after is not None:
                tickets.reply(session=s, viewer=operator_b, ticket_id=ticket.id, message="Kami tangani.",
                              now=at + answer_after)
        filed(monday, timedelta(hours=2))
        filed(monday + timedelta(hours=1), timedelta(hours=5))
        filed(monday + timedelta(days=1))
        filed(now - timedelta(minutes=30))
        filed(monday, accept=False)
    with session_scope(store.engine) as s:
        months = complaints.service_response(session=s, viewer=admin, service_id=service_id,
                                             months=[date(2026, 11, 1), date(2026, 12, 1)], zone=JAKARTA, now=now)
        with pytest.raises(NotFound):
            complaints.service_response(session=s, viewer=operator_a, service_id=service_id,
                                        months=[date(2026, 12, 1)], zone=JAKARTA, now=now)
    november, december = months
    assert november.decided == 0 and november.share is None
    assert (december.met, december.missed, december.pending) == (1, 2, 1)
    assert december.share == pytest.approx(100 / 3)


def test_a_clock_in_service_hours_reads_in_hours_of_service_never_in_days():
    running = clock.Clock(24 * 3600, 23 * 3600, None, None, True)
    assert clock.words(running, "id") == "sisa 1 j 00 m layanan (target 24 j 00 m layanan)"
    calendar = clock.Clock(24 * 3600, 25 * 3600, None, None, False)
    assert clock.words(calendar, "en").startswith("1 h 00 m past the 1 d")
    assert clock.words(calendar, "id").startswith("terlambat 1 j 00 m dari target 1 h")


def test_a_finished_clock_says_how_long_it_took_and_never_calls_that_length_the_delay():
    """A reply after 20 hours against a 1-hour target took 20 hours and was 19 hours late: the words must not
    read as if it were 20 hours late (from the chromium tour)."""
    from datetime import UTC, datetime

    late = clock.Clock(3600, 20 * 3600, None, datetime(2026, 12, 5, tzinfo=UTC), False)
    assert clock.words(late, "id") == "selesai dalam 20 j 00 m, melewati target 1 j 00 m"
    assert clock.words(late, "en") == "done in 20 h 00 m, past the 1 h 00 m target"
    kept = clock.Clock(3600, 1800, None, datetime(2026, 12, 5, tzinfo=UTC), False)
    assert clock.words(kept, "id") == "selesai dalam 30 m (target 1 j 00 m)"
