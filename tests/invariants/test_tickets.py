"""Tickets on the demo city: counts that point to a list equal that list, the complaint response is one
computation wherever it is shown, and every reader sees its own units' tickets only."""

import pytest

from core.access import unit_scope
from core.home import unit as home
from core.services import register, sla
from core.tickets import complaints, tickets
from db.types import utcnow
from tests.apptest import assert_clean, frames, open_page, shown
from tests.invariants.conftest import JAKARTA

OPERATORS = ("klojen", "setda", "dinkes")
READERS = ("admin", "pimpinan", *OPERATORS)


def _today():
    return utcnow().astimezone(JAKARTA).date()


def test_the_demo_city_has_reports_of_units_and_citizens_some_past_their_targets(demo_city):
    with demo_city.session() as s:
        admin = demo_city.viewer("admin")
        every = tickets.list_tickets(session=s, viewer=admin, zone=JAKARTA)
        breached = tickets.list_tickets(session=s, viewer=admin, zone=JAKARTA, which="breached")
        waiting = tickets.list_tickets(session=s, viewer=admin, zone=JAKARTA, which="moderation")
    assert {line.ticket.source for line in every} == {"unit", "citizen", "kominfo"}
    assert {line.ticket.source for line in breached} >= {"unit", "citizen"}
    assert waiting and any(line.ticket.incident_id for line in every)


@pytest.mark.parametrize("username", READERS)
def test_every_reader_sees_only_tickets_of_its_units_and_no_complaint_before_moderation(demo_city, username):
    """Rule: every ticket list is scoped by the viewer's units; a complaint waiting for moderation is in no list
    but the moderation list, and there only for its moderators."""
    with demo_city.session() as s:
        viewer = demo_city.viewer(username)
        scope = unit_scope(s, viewer)
        for which in ("all", "open", "breached", "moderation"):
            lines = tickets.list_tickets(session=s, viewer=viewer, zone=JAKARTA, which=which)
            assert scope is None or {line.ticket.unit_id for line in lines} <= scope, (username, which)
            pending = {line.ticket.id for line in lines if line.ticket.moderation == "pending"}
            assert pending == ({line.ticket.id for line in lines} if which == "moderation" else set()), which
            if username == "pimpinan" and which == "moderation":
                assert lines == []


@pytest.mark.parametrize("username", OPERATORS)
def test_the_unit_home_counts_exactly_the_open_reports_the_report_page_lists(demo_city, username):
    """Rule: a count that points to a list equals that list (home's open reports → Laporan gangguan, open)."""
    with demo_city.session() as s:
        viewer = demo_city.viewer(username)
        data = home.unit_home(session=s, viewer=viewer, zone=JAKARTA, today=_today())
        listed = tickets.list_tickets(session=s, viewer=viewer, zone=JAKARTA, which="open")
    assert [line.ticket.id for line in data.tickets] == [line.ticket.id for line in listed]


@pytest.mark.only_store("sqlite")
@pytest.mark.parametrize("username", OPERATORS)
def test_the_home_page_heading_counts_the_codes_the_report_page_shows(demo_env, username):
    with demo_env.session() as s:
        listed = tickets.list_tickets(session=s, viewer=demo_env.viewer(username), zone=JAKARTA, which="open")
    at = open_page(username, "home")
    assert_clean(at)
    lines = [shown(m.value) for m in at.markdown]
    assert f"**Laporan gangguan terbuka ({len(listed)})**" in lines
    page = open_page(username, "tickets")
    assert_clean(page)
    assert all(line.ticket.code in frames(page) for line in listed)
    assert len(page.dataframe[0].value) == len(listed) if listed else not page.dataframe


@pytest.mark.parametrize("username", ("admin", "dinkes"))
def test_complaint_response_counts_every_accepted_complaint_once(demo_city, username):
    """Rule: the complaint first-response compliance of a service and month counts each complaint let in that
    month once (met, missed or not yet decided), and only complaints the viewer may read on the report page."""
    months = sla.last_months(_today(), 3)
    with demo_city.session() as s:
        viewer = demo_city.viewer(username)
        services = register.list_services(session=s, viewer=viewer)
        found = complaints.response_compliance(s, services, months, JAKARTA)
        readable = {line.ticket.id for line in tickets.list_tickets(session=s, viewer=viewer, zone=JAKARTA)
                    if line.ticket.source == "citizen"}
    counted = [i for result in found.values() for i in result.ticket_ids]
    assert len(counted) == len(set(counted)) and set(counted) <= readable
    for result in found.values():
        assert result.met + result.missed + result.pending == len(result.ticket_ids)
    if username == "admin":
        assert sum(r.decided for r in found.values()) > 0


@pytest.mark.only_store("sqlite")
def test_sla_layanan_shows_the_complaint_response_core_computes(demo_env):
    """Rule: computed once in core, shown as computed: the SLA page's complaint cell of this month."""
    with demo_env.session() as s:
        viewer = demo_env.viewer("dinkes")
        service = register.list_services(session=s, viewer=viewer)[0]
        this_month = complaints.service_response(session=s, viewer=viewer, service_id=service.id,
                                                 months=sla.last_months(_today(), 1), zone=JAKARTA)[0]
    at = open_page("dinkes", "sla")
    assert_clean(at)
    cell = next(m.value for m in at.metric if m.label == "Respons pengaduan")
    if this_month is None:
        assert cell == "tanpa target"
    elif not this_month.decided:
        assert cell == "–"
    else:
        assert cell.endswith(f"({this_month.met}/{this_month.decided})")
