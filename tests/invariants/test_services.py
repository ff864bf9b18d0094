"""Invariants of the digital services on the demo city: every services page shows a viewer the same
services, and the public status page tells one story (its history holds what is going on, no update
comes before its incident, services with a problem come first)."""

import json
from datetime import date

import pytest

from core.i18n import t
from core.services import public, register, sla
from db.monitoring import Worker
from db.types import utcnow
from tests.invariants.conftest import JAKARTA
from web import public as public_pages

# Every role that may open the services pages: leadership and admin see the city, the operators their units
# (Setda with its bagian, Klojen with its kelurahan).
VIEWERS = ("admin", "pimpinan", "dinkes", "klojen", "setda")


def _month() -> date:
    return sla.month_start(utcnow().astimezone(JAKARTA).date())


@pytest.mark.parametrize("username", VIEWERS)
def test_a_viewer_sees_the_same_services_on_layanan_digital_sla_layanan_and_kepuasan_layanan(demo_city, username):
    """Rule: one scope rule for services — the core reads of Layanan Digital (sla.city_month), SLA Layanan and
    Kepuasan Layanan (register.list_services) give a viewer the same services."""
    viewer = demo_city.viewer(username)
    with demo_city.session() as s:
        digital = sorted(r.service.id for r in sla.city_month(session=s, viewer=viewer, month=_month(), zone=JAKARTA))
        listed = sorted(x.id for x in register.list_services(session=s, viewer=viewer))
    assert digital == listed
    if username == "setda":  # the viewer who found the two scopes: its one service is an internal one
        with demo_city.session() as s:
            assert [x.name for x in register.list_services(session=s, viewer=viewer)] == ["e-Office Naskah Dinas"]


@pytest.mark.only_store("sqlite")  # a page read off AppTest: the views, on one store
@pytest.mark.parametrize("username", VIEWERS)
def test_the_three_services_pages_list_the_same_services_for_a_viewer(demo_city, demo_env, username):
    """Rule: one scope rule for services — what Layanan Digital, SLA Layanan and Kepuasan Layanan list (read
    from the pages) is the set of services the core gives the viewer."""
    from tests.apptest import assert_clean, open_page, texts

    with demo_city.session() as s:
        expected = sorted(x.name for x in register.list_services(session=s, viewer=demo_city.viewer(username)))
    shown = {}
    for key in ("services", "sla", "feedback"):
        at = open_page(username, key)
        assert_clean(at)
        shown[key] = _listed(at, key)
        assert (t("services.none") in texts(at)) == (not expected)
    assert shown == {"services": expected, "sla": expected, "feedback": expected}


def _listed(at, key: str) -> list[str]:
    """The services a page lists: Layanan Digital's table, or the service picker of SLA and Kepuasan Layanan."""
    if key == "services":
        return sorted(at.dataframe[0].value[t("services.name")]) if at.dataframe else []
    pickers = [box for box in at.selectbox if box.key == f"{key}_service"]
    if not pickers:
        return []
    # SLA Layanan names each service with its unit: "e-Office Naskah Dinas (Setda)".
    return sorted(o.rsplit(" (", 1)[0] if key == "sla" else o for o in pickers[0].options)


def _public(demo_city) -> public.PublicStatus:
    with demo_city.session() as s:
        return public.collect(s, JAKARTA)


def test_the_public_history_of_14_days_holds_every_ongoing_incident(demo_city):
    """Rule: the public page's 14-day history ⊇ its ongoing incidents (in the data and on the page)."""
    status = _public(demo_city)
    ongoing = {(n.service, n.started_at) for n in status.incidents}
    assert ongoing, "the demo city has an ongoing outage (the closed port of Tiket Parkir dan Terminal)"
    assert ongoing <= {(n.service, n.started_at) for n in status.history}
    page = public_pages.as_html(status, "id", JAKARTA, "Pemerintah Kota Malang")
    history = page[page.index("Riwayat gangguan 14 hari terakhir"):]
    for service, _started in ongoing:
        assert f"{service}</strong> — " in history and "masih berlangsung" in history


def test_no_public_update_predates_its_incident(demo_city):
    """Rule: an update belongs to an incident of its service shown on the page and is not dated before it."""
    status = _public(demo_city)
    assert status.updates, "the demo city's services have news for citizens"
    incidents = {(n.service_id, n.incident_id): n for n in status.history}
    for update in status.updates:
        incident = incidents.get((update.service_id, update.incident_id))
        assert incident is not None, f"{update.service}: {update.message} has no incident on the page"
        assert update.at >= incident.started_at, (update.service, update.at, incident.started_at)
    page = public_pages.as_html(status, "id", JAKARTA, "Pemerintah Kota Malang")
    assert t("public.updates") not in page  # none is left without its incident: each stands under the one it is about


@pytest.mark.only_store("sqlite")
def test_services_with_a_problem_are_listed_before_services_without(demo_copy):
    """Rule: on the public page (data, JSON and HTML) every service with a problem comes before every service
    without one. Read with a worker reporting, so that states are live and not all 'unknown'."""
    with demo_copy.session() as s:
        s.add(Worker(name="invariant", seen_at=utcnow()))
        s.commit()
    status = _public(demo_copy)
    problems = [s.state in public.PROBLEMS for s in status.services()]
    assert any(problems), "the demo's closed port makes a service fail"
    assert problems == sorted(problems, reverse=True)
    page = public_pages.as_html(status, "id", JAKARTA, "Pemerintah Kota Malang")
    cards = sorted(status.services(), key=lambda svc: page.index(f'<span class="name">{svc.name}<'))
    assert [svc.id for svc in cards] == [svc.id for svc in status.services()]
    assert [x["name"] for x in json.loads(public.as_json(status))["services"]] == [svc.name for svc in cards]
