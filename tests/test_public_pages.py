"""The public pages beyond the status page: the Atom feed's entries keep their ids as entries come, one public
incident with what citizens were told (404 for what is not the public's), and the change log of 90 days;
nothing internal on any of them, every value shown as text."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from sqlalchemy import select

from core.services import public, voice
from db.engine import session_scope
from db.monitoring import Incident
from db.services import DigitalService
from db.types import utcnow
from tests import test_public
from tests.monitoring import JAKARTA, add_target
from tests.routes import call, serving
from tests.test_public import PAYLOADS, _service_ids, internal_strings
from web import public as public_pages

ATOM = "{http://www.w3.org/2005/Atom}"
services = test_public.services  # the same fixture: two public services (one down), one internal


def _feed(store) -> ET.Element:
    with session_scope(store.engine) as s:
        status = public.collect(s, JAKARTA)
    return ET.fromstring(public_pages.as_atom(status, "id", JAKARTA, "Kota Uji", "https://status.kota.test"))


def _entries(root: ET.Element) -> dict[str, str]:
    return {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")}


def _incident_of(store, admin, service_id: int) -> int:
    with session_scope(store.engine) as s:
        [(incident, _name)] = voice.service_incidents(session=s, viewer=admin, service_id=service_id)
        return incident.id


def _post(store, admin, service_id: int, incident_id: int, message: str, status: str = "investigating") -> int:
    with session_scope(store.engine) as s:
        return voice.post_update(session=s, viewer=admin, service_id=service_id, incident_id=incident_id,
                                 status=status, message=message)


def test_a_new_update_leaves_every_feed_entrys_id_as_it_was(store, admin, services):
    """Rule: an Atom entry's id is its row's (RFC 4287), so a reader never sees an old entry again as new."""
    queue = _service_ids(store)["Antrean Puskesmas"]
    incident = _incident_of(store, admin, queue)
    first = _post(store, admin, queue, incident, "Sedang diperiksa")
    before = _entries(_feed(store))
    second = _post(store, admin, queue, incident, "Penyebab ditemukan", "identified")
    root = _feed(store)
    after = _entries(root)
    assert set(before) < set(after) and all(after[key] == title for key, title in before.items())
    assert set(after) - set(before) == {f"urn:monev:service-update:{second}"}
    assert {f"urn:monev:service-update:{first}", f"urn:monev:incident:{incident}"} <= set(before)
    assert all(re.fullmatch(r"urn:monev:(service-update|incident):\d+", key) for key in after)
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Kota Uji"
    links = {e.findtext(f"{ATOM}id"): e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")}
    assert links[f"urn:monev:service-update:{second}"] == f"https://status.kota.test/publik/insiden/{incident}"
    assert links[f"urn:monev:incident:{incident}"] == f"https://status.kota.test/publik/insiden/{incident}"


def test_an_incident_that_hits_two_public_services_is_one_feed_entry(store, city, admin, services):
    web, queue, _hidden = services
    with session_scope(store.engine) as s:
        sambat = s.scalar(select(DigitalService).where(DigitalService.name.startswith("SAMBAT")))
        sambat.target_ids = [web, queue]
    entries = _entries(_feed(store))
    incidents = [key for key in entries if key.startswith("urn:monev:incident:")]
    assert len(incidents) == 1 and "Antrean Puskesmas" in entries[incidents[0]] and "SAMBAT" in entries[incidents[0]]


def test_an_incident_page_tells_what_citizens_were_told_in_order_and_nothing_internal(env, store, admin, services):
    queue = _service_ids(store)["Antrean Puskesmas"]
    incident = _incident_of(store, admin, queue)
    _post(store, admin, queue, incident, "Sedang diperiksa " + PAYLOADS[0])
    _post(store, admin, queue, incident, "Basis data antrean dipulihkan", "resolved")
    with serving(store.engine) as base:
        status, page, head = call(base, "GET", f"/publik/insiden/{incident}")
        assert status == 200 and head["content-type"].startswith("text/html")
        assert "script-src" not in head["content-security-policy"] and "default-src 'none'" in head["content-security-policy"]
        assert "Antrean Puskesmas" in page and "Gangguan masih berlangsung" in page
        assert page.index("Sedang diperiksa") < page.index("Basis data antrean dipulihkan")  # as told, oldest first
        assert "&lt;script&gt;" in page and "<script" not in page
        for secret in internal_strings(store):
            assert secret not in page, secret
        english = call(base, "GET", f"/publik/insiden/{incident}?lang=en")[1]
        assert "What citizens were told" in english and 'lang="en"' in english
        status_page = call(base, "GET", "/publik")[1]
        assert f'href="/publik/insiden/{incident}?lang=id"' in status_page  # linked from the status page
        data = call(base, "GET", "/publik/status.json")[1]
        assert [i["id"] for i in data["incidents"]] == [incident] and incident in [i["id"] for i in data["history"]]


def test_an_incident_no_public_service_is_built_on_is_not_found(env, store, city, admin, services):
    """Rule: /publik/insiden/<id> shows only incidents of public services' targets; the rest is a plain 404."""
    web, queue, hidden = services
    lonely = add_target(store, admin, city.units["DINKES"], name="router-lantai-2", kind="ping", host="10.9.9.9")
    now = utcnow()
    with session_scope(store.engine) as s:
        internal = Incident(target_id=hidden, unit_id=city.units["DISKOMINFO"], started_at=now - timedelta(hours=1))
        target_only = Incident(target_id=lonely, unit_id=city.units["DINKES"], started_at=now - timedelta(hours=1))
        s.add_all([internal, target_only])
        s.flush()
        ids = [internal.id, target_only.id]
    with serving(store.engine) as base:
        for path in [f"/publik/insiden/{i}" for i in ids] + ["/publik/insiden/999999", "/publik/insiden/x",
                                                             "/publik/insiden/99999999999999999999"]:
            status, page, _ = call(base, "GET", path)
            assert status == 404 and "Halaman tidak ditemukan" in page, path
            assert "router-lantai-2" not in page and "e-Office" not in page


def test_the_change_log_holds_90_days_of_incidents_with_their_updates(env, store, city, admin, services):
    web, queue, _hidden = services
    ids = _service_ids(store)
    incident = _incident_of(store, admin, ids["Antrean Puskesmas"])
    _post(store, admin, ids["Antrean Puskesmas"], incident, "Sedang diperiksa")
    now = utcnow()
    with session_scope(store.engine) as s:
        recent = Incident(target_id=web, unit_id=city.units["DISKOMINFO"], started_at=now - timedelta(days=60),
                          ended_at=now - timedelta(days=60) + timedelta(minutes=30))
        old = Incident(target_id=web, unit_id=city.units["DISKOMINFO"], started_at=now - timedelta(days=120),
                       ended_at=now - timedelta(days=119))
        s.add_all([recent, old])
        s.flush()
        recent_id, old_id = recent.id, old.id
    with session_scope(store.engine) as s:
        listed = public.changelog(s)
    assert [i.id for i in listed] == [incident, recent_id] and old_id not in [i.id for i in listed]
    assert [u.message for u in listed[0].updates] == ["Sedang diperiksa"]
    with serving(store.engine) as base:
        status, page, _ = call(base, "GET", "/publik/riwayat")
        assert status == 200 and "Riwayat gangguan dan kabar 90 hari terakhir" in page
        assert f"/publik/insiden/{recent_id}?lang=id" in page and f"/publik/insiden/{old_id}?" not in page
        assert "Sedang diperiksa" in page and "&lt;script&gt;" in page  # the service's name, as text
        for secret in internal_strings(store):
            assert secret not in page, secret
