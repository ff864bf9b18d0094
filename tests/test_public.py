"""The public status page: public services only, nothing internal in its HTML or JSON, data shown inert,
served by the app's own process (`streamlit run server.py`) without login, cached at most 30 s, and
/healthz. In chromium with JavaScript off: the page is all there."""

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.services import public, register
from db.engine import session_scope
from db.monitoring import State, Target, TargetState
from db.types import utcnow
from tests.browser import chromium, running_app
from tests.monitoring import JAKARTA, add_target
from web import public as public_pages

PAYLOADS = ['<script>alert("x")</script>', '<img src=x onerror=alert(1)>', "[tautan](http://evil.example)"]


@pytest.fixture
def services(store, city, admin):
    """Two public services (one down now), one internal, on targets whose names and hosts are internal."""
    kominfo, dinkes = city.units["DISKOMINFO"], city.units["DINKES"]
    web = add_target(store, admin, kominfo, name="srv-sambat-01.internal", kind="tcp", host="10.20.30.40", port=8443)
    queue = add_target(store, admin, dinkes, name="antrian-db-puskesmas", kind="http",
                       host="http://192.168.7.9:8080/health")
    hidden = add_target(store, admin, kominfo, name="eoffice-app", kind="ping", host="172.16.0.5")
    now = utcnow()
    with session_scope(store.engine) as s:
        s.execute(update(TargetState).where(TargetState.target_id == web).values(state=State.UP, last_check_at=now))
        s.execute(update(TargetState).where(TargetState.target_id == queue).values(state=State.DOWN, last_check_at=now))
        from db.monitoring import Incident, Worker
        s.add(Worker(name="w1", seen_at=now))
        s.add(Incident(target_id=queue, unit_id=dinkes, started_at=now - timedelta(minutes=20),
                       reason='["probe.refused",{"host":"192.168.7.9","port":8080}]'))
        common = dict(days=list(range(7)), start_minute=0, end_minute=1440, sla_availability=99.0)
        register.save_service(session=s, viewer=admin, data=dict(
            unit_id=kominfo, name="SAMBAT Online " + PAYLOADS[0], group="Pengaduan " + PAYLOADS[1],
            description=PAYLOADS[2], audience="public", target_ids=[web], **common))
        register.save_service(session=s, viewer=admin, data=dict(
            unit_id=dinkes, name="Antrean Puskesmas", group="Kesehatan", audience="public", target_ids=[queue],
            support_channel="Call Center 112", **common))
        register.save_service(session=s, viewer=admin, data=dict(
            unit_id=kominfo, name="e-Office Naskah Dinas", group="Internal", audience="internal", target_ids=[hidden],
            **common))
    return [web, queue, hidden]


def internal_strings(store) -> list[str]:
    """Every target's name and host, and the parts of a URL host: none may appear in public output."""
    with session_scope(store.engine) as s:
        rows = s.execute(select(Target.name, Target.host, Target.port)).all()
    found = []
    for name, host, port in rows:
        found += [name, host, host.split("//")[-1].split(":")[0].split("/")[0]]
        if port:
            found.append(f":{port}")
    return found + ["8080", "e-Office"]


def test_the_public_status_holds_public_services_only_and_nothing_internal(store, services):
    with session_scope(store.engine) as s:
        status = public.collect(s, JAKARTA)
    for lang in ("id", "en"):
        page = public_pages.as_html(status, lang, JAKARTA, "Pemerintah Kota Uji")
        data = public.as_json(status)
        for secret in internal_strings(store):
            assert secret not in page and secret not in data, secret
        for payload in PAYLOADS[:2]:
            assert payload not in page  # written as text: &lt;script&gt;
        assert "&lt;script&gt;" in page and "<script" not in page.lower() and "<img" not in page.lower()
        assert "<a href=\"http://evil" not in page
    assert status.overall == "outage"
    states = {s.name: s.state for s in status.services()}
    assert states == {f"SAMBAT Online {PAYLOADS[0]}": "operational", "Antrean Puskesmas": "outage"}
    assert [n.service for n in status.incidents] == ["Antrean Puskesmas"]
    parsed = json.loads(public.as_json(status))
    assert {s["name"] for s in parsed["services"]} == set(states) and len(parsed["services"][0]["days"]) == 90


def test_a_stale_worker_makes_every_state_unknown_not_operational(store, services):
    from db.monitoring import Worker

    with session_scope(store.engine) as s:
        s.execute(update(Worker).values(seen_at=utcnow() - timedelta(hours=1)))
    with session_scope(store.engine) as s:
        status = public.collect(s, JAKARTA)
    assert status.stale and status.overall == "unknown"
    assert {svc.state for svc in status.services()} == {"unknown"}


def _get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_apps_own_process_serves_the_page_the_json_and_healthz_without_login(env, store, services, tmp_path):
    with running_app(env, tmp_path) as base:
        code, headers, page = _get(f"{base}/publik")
        assert code == 200 and headers["content-type"].startswith("text/html")
        assert "max-age=30" in headers["cache-control"]
        assert "Antrean Puskesmas" in page and "Gangguan" in page and "e-Office" not in page
        for secret in internal_strings(store):
            assert secret not in page, secret
        again = _get(f"{base}/publik")[2]
        assert again == page  # one computation serves every visitor for up to 30 s
        english = _get(f"{base}/publik?lang=en")[2]
        assert "Outage" in english and 'lang="en"' in english
        code, _, data = _get(f"{base}/publik/status.json")
        assert code == 200 and json.loads(data)["overall"] == "outage"
        code, _, health = _get(f"{base}/healthz")
        assert code == 200 and json.loads(health)["store"] == "ok"


@pytest.mark.browser
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_citizen_reads_the_status_page_in_chromium_with_javascript_off(env, store, services, tmp_path):
    from tests.test_browser_monitoring import shot

    with running_app(env, tmp_path) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{base}/publik")
        assert page.get_by_role("heading", name="Ada layanan yang tidak dapat diakses").is_visible()
        assert page.get_by_text("Antrean Puskesmas").first.is_visible()
        assert page.locator("script").count() == 0 and page.locator("img").count() == 0
        assert page.locator('a[href^="http://evil"]').count() == 0
        assert page.locator(".bar").first.locator("i").count() == 90
        shot(page, "public-status-mobile")
        form = page.locator("li.svc").filter(has_text="Antrean Puskesmas")
        form.get_by_text("Berikan masukan").click()
        form.get_by_role("radio", name="4").check()
        form.get_by_role("textbox").fill(PAYLOADS[1])
        form.get_by_role("button", name="Kirim").click()  # a plain form post: no script on the page
        # The post answers 303 to the page with its notice: wait for that page, as a reader would.
        page.get_by_text("Terima kasih, masukan Anda sudah kami terima.").wait_for(timeout=15_000)
        assert "masukan=thanks" in page.url
        page.get_by_role("link", name="English").click()
        page.get_by_role("heading", name="A service cannot be reached").wait_for(timeout=15_000)  # after the link loads
        feed = page.goto(f"{base}/publik/feed.atom")  # the feed, as a reader fetches it
        assert feed.ok and feed.headers["content-type"].startswith("application/atom+xml")
        assert "Antrean Puskesmas" in feed.text() and "192.168.7.9" not in feed.text()
        context.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_worker_starts_with_the_server_and_metrics_show_it_without_any_page_view(env, store, services, tmp_path):
    import time

    with running_app({**env, "MONEV_WORKER_IN_APP": "true"}, tmp_path) as base:
        assert json.loads(_get(f"{base}/healthz")[2])["worker_in_process"] is True  # no page was opened
        deadline, body = time.monotonic() + 30, ""
        while time.monotonic() < deadline and "monev_worker_seen_seconds_ago{" not in body:
            time.sleep(0.5)
            code, headers, body = _get(f"{base}/metrics")
        assert code == 200 and headers["content-type"].startswith("text/plain")
        assert "monev_worker_seen_seconds_ago{" in body and 'monev_targets{unit="DINKES"' in body
        for secret in internal_strings(store):
            assert secret not in body, secret


def _service_ids(store) -> dict[str, int]:
    from db.services import DigitalService

    with session_scope(store.engine) as s:
        return {row.name: row.id for row in s.scalars(select(DigitalService))}


def test_feedback_is_rate_limited_per_client_and_service_and_kept_as_plain_text(store, services):
    from core.errors import NotFound, ValidationError
    from core.services import voice

    ids = _service_ids(store)
    queue, internal = ids["Antrean Puskesmas"], ids["e-Office Naskah Dinas"]
    with session_scope(store.engine) as s:
        for _ in range(voice.MAX_FEEDBACK_PER_HOUR):
            voice.give_feedback(s, service_id=queue, rating=5, comment=PAYLOADS[0], client="a")
        with pytest.raises(ValidationError) as refused:
            voice.give_feedback(s, service_id=queue, rating=5, comment="", client="a")
        assert refused.value.key == "feedback.too_many"
        voice.give_feedback(s, service_id=queue, rating=2, comment="", client="b")  # another client
        with pytest.raises(ValidationError):
            voice.give_feedback(s, service_id=queue, rating=6, comment="", client="c")
        with pytest.raises(NotFound):  # an internal service takes no public feedback
            voice.give_feedback(s, service_id=internal, rating=4, comment="", client="c")
        voice.give_feedback(s, service_id=queue, rating=4, comment="", client="d")
    with session_scope(store.engine) as s:
        status = public.collect(s, JAKARTA)
        page = public_pages.as_html(status, "id", JAKARTA, "Kota Uji")
    [queue_view] = [svc for svc in status.services() if svc.id == queue]
    assert queue_view.satisfaction == (pytest.approx((5 * 3 + 2 + 4) / 5), 5)
    assert "4,2 dari 5 (5 penilaian)" in page and PAYLOADS[0] not in page  # comments never reach the page


def test_updates_reach_the_page_and_the_feed_as_text(store, city, admin, services):
    import xml.etree.ElementTree as ET

    from core.services import voice

    queue = _service_ids(store)["Antrean Puskesmas"]
    with session_scope(store.engine) as s:
        [(incident, _name)] = voice.service_incidents(session=s, viewer=admin, service_id=queue)
        voice.post_update(session=s, viewer=admin, service_id=queue, incident_id=incident.id,
                          status="identified", message="Basis data antrean diperbaiki " + PAYLOADS[1])
    with session_scope(store.engine) as s:
        status = public.collect(s, JAKARTA)
    page = public_pages.as_html(status, "id", JAKARTA, "Kota Uji")
    assert "Penyebab ditemukan" in page and "&lt;img src=x" in page and "<img" not in page
    feed = public_pages.as_atom(status, "id", JAKARTA, "Kota Uji")
    root = ET.fromstring(feed)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert any(PAYLOADS[1] in (e.findtext("{http://www.w3.org/2005/Atom}content") or "") for e in entries)
    for secret in internal_strings(store):
        assert secret not in feed, secret


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_public_form_takes_feedback_and_says_when_there_is_too_much(env, store, services, tmp_path):
    import urllib.parse

    queue = _service_ids(store)["Antrean Puskesmas"]

    def post(rating):
        fields = {"service": queue, "comment": PAYLOADS[0], **({"rating": rating} if rating is not None else {})}
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(f"{base}/publik/masukan?lang=id", data=body, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=30) as response:  # follows the 303 back to the page
            return response.url, response.read().decode()

    with running_app(env, tmp_path) as base:
        url, page = post(5)
        assert url.endswith("masukan=thanks") and "Terima kasih" in page
        assert post(None)[0].endswith("masukan=invalid")  # no rating chosen: the page says what to do
        assert post(7)[0].endswith("masukan=invalid")
        with pytest.raises(urllib.error.HTTPError) as refused:  # what no form of ours sends: 400, saying so
            post("x")
        assert refused.value.code == 400 and "tidak dapat dibaca" in refused.value.read().decode()
        post(4), post(3)
        url, page = post(2)
        assert url.endswith("masukan=too_many") and "sudah cukup banyak" in page
        assert PAYLOADS[0] not in page


def test_the_history_of_14_days_holds_the_ongoing_incidents_and_says_they_go_on(store, services):
    """Rule: the public page's 14-day history holds every incident still going on, marked as such."""
    with session_scope(store.engine) as s:
        status = public.collect(s, JAKARTA)
    ongoing = {(n.service, n.started_at) for n in status.incidents}
    assert ongoing and ongoing <= {(n.service, n.started_at) for n in status.history}
    page = public_pages.as_html(status, "id", JAKARTA, "Kota Uji")
    history = page[page.index("Riwayat gangguan 14 hari terakhir"):]
    assert "Antrean Puskesmas</strong> — " in history and "– masih berlangsung" in history
    assert "Tidak ada gangguan." not in history


def _card_positions(page: str) -> dict[str, int]:
    return {name: page.index(f'<span class="name">{name}') for name in ("SAMBAT Online", "Antrean Puskesmas")}


def test_services_with_a_problem_come_first_on_the_page_and_in_the_json(store, services):
    """Rule: a service with a problem is listed before every service without one, whatever its group."""
    web, queue, _hidden = services
    with session_scope(store.engine) as s:  # the service of the group that sorts last is the one down now
        s.execute(update(TargetState).where(TargetState.target_id == web).values(state=State.DOWN))
        s.execute(update(TargetState).where(TargetState.target_id == queue).values(state=State.UP))
    with session_scope(store.engine) as s:
        status = public.collect(s, JAKARTA)
    page = public_pages.as_html(status, "id", JAKARTA, "Kota Uji")
    cards = _card_positions(page)
    assert cards["SAMBAT Online"] < cards["Antrean Puskesmas"]
    assert page.index("Layanan yang sedang bermasalah") < cards["SAMBAT Online"]
    assert [x["state"] for x in json.loads(public.as_json(status))["services"]] == ["outage", "operational"]


def test_an_update_is_about_an_incident_of_its_service_and_never_dated_before_it(store, city, admin, services):
    """Rule: an update names an incident of its own service and cannot predate it, nor be ahead of now."""
    from core.errors import ValidationError
    from core.services import voice
    from db.monitoring import Incident

    web, _queue, _hidden = services
    ids = _service_ids(store)
    queue = ids["Antrean Puskesmas"]
    now = utcnow()
    with session_scope(store.engine) as s:
        other = Incident(target_id=web, unit_id=city.units["DISKOMINFO"], started_at=now - timedelta(hours=2),
                         ended_at=now - timedelta(hours=1))
        s.add(other)
        s.flush()
        other_id = other.id
    with session_scope(store.engine) as s:
        [(incident, _name)] = voice.service_incidents(session=s, viewer=admin, service_id=queue)
        began = incident.started_at

        def refused(**given) -> str:
            with pytest.raises(ValidationError) as error:
                voice.post_update(session=s, viewer=admin, service_id=queue, status="investigating", message="Cek",
                                  now=now, **given)
            return error.value.key

        assert refused(incident_id=None) == "update.incident_required"
        assert refused(incident_id=other_id) == "update.incident_required"  # another service's incident
        assert refused(incident_id=incident.id, at=began - timedelta(minutes=5)) == "update.before_incident"
        assert refused(incident_id=incident.id, at=now + timedelta(minutes=5)) == "update.in_future"
        # Typed to the minute, in the incident's own first minute: counted from the incident's start.
        first = voice.post_update(session=s, viewer=admin, service_id=queue, incident_id=incident.id, now=now,
                                  status="investigating", message="Diperiksa", at=began.replace(second=0, microsecond=0))
        voice.post_update(session=s, viewer=admin, service_id=queue, incident_id=incident.id, now=now,
                          status="identified", message="Ketemu")
    with session_scope(store.engine) as s:
        from db.services import ServiceUpdate

        assert s.get(ServiceUpdate, first).at == began
        status = public.collect(s, JAKARTA)
    [notice] = status.incidents
    assert [u.message for u in notice.updates] == ["Ketemu", "Diperiksa"]  # under its incident, newest first
    assert all(u.at >= notice.started_at for u in notice.updates)
    page = public_pages.as_html(status, "id", JAKARTA, "Kota Uji")
    now_section = page[page.index("Gangguan saat ini"):page.index("Riwayat gangguan")]
    assert now_section.index("Antrean Puskesmas") < now_section.index("Ketemu") < now_section.index("Diperiksa")
    assert "Kabar dari pengelola layanan" not in page  # every update is shown under its incident


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_update_form_refuses_a_time_before_its_incident_and_says_why(env, store, admin, services):
    """Rule: the form where people write updates refuses one dated before its incident, in plain words."""
    from core.i18n import t
    from core.services import voice
    from db.services import ServiceUpdate
    from tests.apptest import assert_clean, open_page, texts

    queue = _service_ids(store)["Antrean Puskesmas"]
    with session_scope(store.engine) as s:
        [(incident, _name)] = voice.service_incidents(session=s, viewer=admin, service_id=queue)
    before = (incident.started_at - timedelta(hours=1)).astimezone(JAKARTA)
    at = open_page("admin", "feedback")
    at.selectbox(key="feedback_service").select(queue).run()
    assert_clean(at)
    at.date_input[0].set_value(before.date())
    at.time_input[0].set_value(before.time().replace(second=0, microsecond=0))
    at.text_area[0].input("Sedang diperiksa")
    next(b for b in at.button if b.label == t("update.post")).click().run()
    assert_clean(at)
    assert t("update.before_incident") in texts(at)
    with session_scope(store.engine) as s:
        assert s.scalars(select(ServiceUpdate)).all() == []
    at.date_input[0].set_value(incident.started_at.astimezone(JAKARTA).date())
    at.time_input[0].set_value((incident.started_at + timedelta(minutes=2)).astimezone(JAKARTA).time()
                               .replace(second=0, microsecond=0))
    at.text_area[0].input("Sedang diperiksa")
    next(b for b in at.button if b.label == t("update.post")).click().run()
    assert_clean(at)
    with session_scope(store.engine) as s:
        [row] = s.scalars(select(ServiceUpdate)).all()
    assert row.incident_id == incident.id and row.at >= incident.started_at
