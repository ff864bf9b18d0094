"""Citizens' e-mail subscriptions, end to end over HTTP and a real SMTP peer (aiosmtpd with STARTTLS on
127.0.0.1): a plain form, a confirm mail whose link asks for a button (double opt-in), news of the service by
mail with an unsubscribe link in every one, retries when the mail server fails (the incident and the update
stay), and nothing kept about the person but the address."""

import hashlib
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from email import message_from_string
from email.policy import default

import httpx
import pytest
from sqlalchemy import inspect, select

from core.config import load_settings
from core.services import subscriptions, voice
from db.engine import session_scope
from db.monitoring import Incident
from db.services import Subscription, SubscriptionMail
from db.types import utcnow
from tests import test_public
from tests.peers import closed_port, smtp_server
from tests.routes import serving
from tests.test_public import _service_ids

services = test_public.services  # the same fixture: two public services (one down), one internal
PUBLIC_URL = "https://status.kota.test"


def _mail_settings(port: int, ca_file) -> dict:
    return dict(smtp_host="127.0.0.1", smtp_port=port, smtp_from="status@kota.test", smtp_ca_file=str(ca_file),
                public_url=PUBLIC_URL)


def _post(base: str, path: str, fields: dict) -> tuple[int, str, str]:
    """A form post as a browser sends it; (status, page after the redirect, its URL)."""
    request = urllib.request.Request(base + path, data=urllib.parse.urlencode(fields).encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), response.url
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.url


def _get(base: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _body(mail: dict) -> str:
    return message_from_string(mail["data"], policy=default).get_body().get_content()


def _link(text: str, path: str) -> str:
    """The local path and query of the link to `path` a mail carries (its host is the public address)."""
    [url] = re.findall(re.escape(PUBLIC_URL + path) + r"\S+", text)
    return url[len(PUBLIC_URL):]


def _round(store, settings) -> dict:
    with httpx.Client() as client:
        return subscriptions.mail_round(store.engine, settings, client)


def test_a_citizen_subscribes_confirms_gets_news_and_unsubscribes_through_a_real_mail_server(
        env, store, city, admin, services, tmp_path):
    _web, queue_target, _hidden = services
    queue = _service_ids(store)["Antrean Puskesmas"]
    with smtp_server(tmp_path) as (port, ca_file, inbox), serving(store.engine, **_mail_settings(port, ca_file)) as base:
        settings = load_settings(**_mail_settings(port, ca_file))
        status, page = _get(base, f"/publik/langganan?layanan={queue}")
        assert status == 200 and 'type="email"' in page and "<script" not in page
        assert f'<option value="{queue}" selected>Antrean Puskesmas</option>' in page and "e-Office" not in page
        status, page, url = _post(base, "/publik/langganan?lang=id", {"service": queue, "email": "Warga@Contoh.TEST"})
        assert status == 200 and url.endswith(f"kabar=sent&layanan={queue}") and "Periksa kotak masuk" in page
        with store.session() as s:
            [sub] = s.scalars(select(Subscription)).all()
        assert sub.email == "Warga@contoh.test" and sub.confirmed_at is None
        # What is kept about the person: the address, for the service, and when; the token only as its hash.
        assert set(inspect(Subscription).columns.keys()) == {"id", "service_id", "email", "token_hash", "created_at",
                                                             "confirmed_at"}

        assert _round(store, settings)["sent"] == 1
        [confirm_mail] = inbox
        assert confirm_mail["to"] == ["Warga@contoh.test"] and confirm_mail["tls"]
        text = _body(confirm_mail)
        assert "Antrean Puskesmas" in text
        confirm_link, leave_link = _link(text, "/publik/langganan/konfirmasi"), _link(text, "/publik/langganan/berhenti")
        token = urllib.parse.parse_qs(urllib.parse.urlparse(confirm_link).query)["kode"][0].split(".")[0]
        with store.session() as s:
            assert s.get(Subscription, sub.id).token_hash == hashlib.sha256(token.encode()).hexdigest() != token
            assert [m.secret for m in s.scalars(select(SubscriptionMail))] == [""]  # gone from the outbox once sent

        # News before the confirmation reaches no one.
        incident = _incident_of(store, admin, queue)
        _update(store, admin, queue, incident, "Sedang diperiksa")
        assert _round(store, settings) == {"sent": 0, "retry": 0, "failed": 0} and len(inbox) == 1

        status, page = _get(base, confirm_link)  # a mail scanner opening the link confirms nothing
        assert status == 200 and "Ya, aktifkan" in page and 'method="post"' in page
        with store.session() as s:
            assert s.get(Subscription, sub.id).confirmed_at is None
        code = urllib.parse.parse_qs(urllib.parse.urlparse(confirm_link).query)["kode"][0]
        status, page, _ = _post(base, "/publik/langganan/konfirmasi?lang=id", {"kode": code})
        assert status == 200 and "Langganan kabar Antrean Puskesmas aktif" in page
        assert _post(base, "/publik/langganan/konfirmasi", {"kode": code[:-1] + "x"})[0] == 404  # a forged code

        update_id = _update(store, admin, queue, incident, "Basis data antrean dipulihkan <b>", "resolved")
        with session_scope(store.engine) as s:  # and a new incident of the service's target
            new = Incident(target_id=queue_target, unit_id=city.units["DINKES"], started_at=utcnow())
            s.add(new)
            s.flush()
            new_id = new.id
        assert _round(store, settings)["sent"] == 2
        assert _round(store, settings)["sent"] == 0  # each news item once
        bodies = [_body(m) for m in inbox[1:]]
        told = next(b for b in bodies if "dipulihkan" in b)
        assert "Basis data antrean dipulihkan <b>" in told and f"/publik/insiden/{incident}" in told
        assert any(f"/publik/insiden/{new_id}" in b and "tidak dapat diakses sejak" in b for b in bodies)
        assert all(_link(b, "/publik/langganan/berhenti") == leave_link for b in bodies)  # in every mail
        with store.session() as s:
            kinds = {(m.kind, m.ref_id) for m in s.scalars(select(SubscriptionMail))}
        assert kinds == {("confirm", None), ("update", update_id), ("incident", new_id)}

        status, page = _get(base, leave_link)
        assert status == 200 and "Ya, berhenti" in page
        leave_code = urllib.parse.parse_qs(urllib.parse.urlparse(leave_link).query)["kode"][0]
        status, page, _ = _post(base, "/publik/langganan/berhenti?lang=id", {"kode": leave_code})
        assert status == 200 and "sudah dihapus" in page
        with store.session() as s:
            assert s.scalars(select(Subscription)).all() == [] and s.scalars(select(SubscriptionMail)).all() == []
        assert _get(base, leave_link)[0] == 404  # used: the address is gone
        _update(store, admin, queue, incident, "Selesai")
        assert _round(store, settings)["sent"] == 0 and len(inbox) == 3


def _incident_of(store, admin, service_id: int) -> int:
    with session_scope(store.engine) as s:
        [(incident, _name)] = voice.service_incidents(session=s, viewer=admin, service_id=service_id)
        return incident.id


def _update(store, admin, service_id: int, incident_id: int, message: str, status: str = "investigating") -> int:
    with session_scope(store.engine) as s:
        return voice.post_update(session=s, viewer=admin, service_id=service_id, incident_id=incident_id,
                                 status=status, message=message)


def _confirmed(store, service_id: int, email: str) -> int:
    with session_scope(store.engine) as s:
        subscriptions.subscribe(s, service_id=service_id, email=email, key="k" * 40)
        row = s.scalar(select(Subscription).where(Subscription.email == email))
        row.confirmed_at = utcnow() - timedelta(minutes=5)
        s.execute(SubscriptionMail.__table__.delete())
        return row.id


def test_a_failing_mail_server_keeps_the_mail_for_later_and_loses_no_incident(env, store, admin, services, tmp_path):
    """Rule: a mail that cannot go out stays pending with the alerts' backoff; the news it reports is stored."""
    queue = _service_ids(store)["Antrean Puskesmas"]
    _confirmed(store, queue, "warga@contoh.test")
    incident = _incident_of(store, admin, queue)
    update_id = _update(store, admin, queue, incident, "Sedang diperiksa")
    down = load_settings(smtp_host="127.0.0.1", smtp_port=closed_port(), smtp_from="status@kota.test",
                         public_url=PUBLIC_URL, alert_max_attempts=3)
    assert _round(store, down) == {"sent": 0, "retry": 1, "failed": 0}
    with store.session() as s:
        [mail] = s.scalars(select(SubscriptionMail)).all()
        assert s.get(Incident, incident) is not None
    assert mail.status == "pending" and mail.attempts == 1 and mail.ref_id == update_id and mail.last_error
    assert 25 < (mail.next_attempt_at - utcnow()).total_seconds() <= 30
    with smtp_server(tmp_path) as (port, ca_file, inbox):
        up = load_settings(**_mail_settings(port, ca_file))
        with httpx.Client() as client:
            assert subscriptions.deliver_due(store.engine, up, client=client)["sent"] == 0  # not before its time
            later = utcnow() + timedelta(seconds=31)
            assert subscriptions.deliver_due(store.engine, up, client=client, now=later)["sent"] == 1
    assert "Sedang diperiksa" in _body(inbox[0])


def test_the_form_is_limited_per_client_and_per_address_and_refuses_what_no_form_sends(env, store, services, tmp_path):
    queue = _service_ids(store)["Antrean Puskesmas"]
    internal = _service_ids(store)["e-Office Naskah Dinas"]
    with smtp_server(tmp_path) as (port, ca_file, _inbox), serving(store.engine, **_mail_settings(port, ca_file)) as base:
        outcomes = [_post(base, "/publik/langganan", {"service": queue, "email": e})[2].split("kabar=")[1].split("&")[0]
                    for e in ("bukan-alamat", "a@contoh.test", "a@contoh.test", "a@contoh.test", "a@contoh.test")]
        assert outcomes == ["invalid", "sent", "sent", "sent", "too_many"]  # 3 confirm mails a day to one address
        assert "kabar=too_many" in _post(base, "/publik/langganan", {"service": queue, "email": "b@contoh.test"})[2]
        subscriptions_web = __import__("web.subscriptions", fromlist=["limit"])
        subscriptions_web.limit._seen.clear()  # another hour
        assert "kabar=invalid" in _post(base, "/publik/langganan", {"service": internal, "email": "b@contoh.test"})[2]
        status, page, _ = _post(base, "/publik/langganan", {"service": "x", "email": "b@contoh.test"})
        assert status == 400 and "Isian tidak dapat dibaca" in page
        assert _get(base, "/publik/langganan/konfirmasi?kode=abc.def")[0] == 404
    with store.session() as s:
        assert [m.kind for m in s.scalars(select(SubscriptionMail))] == ["confirm"] * 3


def test_without_a_mail_server_or_public_address_the_page_takes_no_subscription(env, store, services):
    queue = _service_ids(store)["Antrean Puskesmas"]
    with serving(store.engine) as base:
        status, page = _get(base, "/publik/langganan")
        assert status == 200 and "belum tersedia" in page and 'type="email"' not in page
        assert "kabar=invalid" in _post(base, "/publik/langganan", {"service": queue, "email": "a@contoh.test"})[2]
    with store.session() as s:
        assert s.scalars(select(Subscription)).all() == []


@pytest.mark.browser
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_citizen_reads_an_incident_and_subscribes_in_chromium_with_javascript_off(env, store, admin, services,
                                                                                    tmp_path):
    from tests.browser import chromium, free_port, running_app
    from tests.test_browser_monitoring import shot

    queue = _service_ids(store)["Antrean Puskesmas"]
    incident = _incident_of(store, admin, queue)
    _update(store, admin, queue, incident, "Basis data antrean sedang dipulihkan")
    port = free_port()
    with smtp_server(tmp_path) as (smtp_port, ca_file, inbox):
        mail = {**_mail_settings(smtp_port, ca_file), "public_url": f"http://127.0.0.1:{port}"}
        app_env = {**env, **{f"MONEV_{k.upper()}": str(v) for k, v in mail.items()}}
        with running_app(app_env, tmp_path, port=port) as base, chromium() as browser:
            context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
            page = context.new_page()
            page.goto(f"{base}/publik")
            page.locator("section").filter(has_text="Gangguan saat ini").get_by_role("link", name="Rincian").click()
            page.get_by_role("heading", name="Gangguan masih berlangsung").wait_for(timeout=15_000)
            assert page.get_by_text("Basis data antrean sedang dipulihkan").is_visible()
            assert page.locator("script").count() == 0
            shot(page, "public-incident-mobile")
            page.get_by_role("link", name="Berlangganan kabar Antrean Puskesmas").click()
            page.get_by_label("Alamat e-mail").fill("warga@contoh.test")
            assert page.get_by_label("Layanan").input_value() == str(queue)
            page.get_by_role("button", name="Kirim tautan konfirmasi").click()  # a plain form post
            page.get_by_text("Periksa kotak masuk Anda").wait_for(timeout=15_000)
            shot(page, "public-subscribe-mobile")
            assert _round(store, load_settings(**mail))["sent"] == 1
            link = re.search(r"http://127\.0\.0\.1:\d+/publik/langganan/konfirmasi\S+", _body(inbox[0])).group(0)
            page.goto(link)
            page.get_by_role("button", name="Ya, aktifkan").click()
            page.get_by_text("Langganan kabar Antrean Puskesmas aktif").wait_for(timeout=15_000)
            page.goto(f"{base}/publik/riwayat")
            assert page.get_by_role("link", name="Antrean Puskesmas").first.is_visible()
            context.close()
    with store.session() as s:
        assert s.scalar(select(Subscription)).confirmed_at is not None


def test_the_public_pages_offer_e_mail_news_only_where_subscriptions_work(env, store, services):
    """Without SMTP and the public address the subscription page says it is not available: then no page links
    to it (from the chromium tour: every service offered news by e-mail that led to that dead end)."""
    from core.services import public as public_data
    from tests.monitoring import JAKARTA
    from web import public as public_pages
    from web.common import STATE

    with session_scope(store.engine) as s:
        status = public_data.collect(s, JAKARTA)
    try:
        STATE.update(settings=load_settings())  # no SMTP here
        bare = public_pages.as_html(status, "id", JAKARTA, "Kota Uji")
        STATE.update(settings=load_settings().model_copy(update=_mail_settings(2525, "")))
        mailing = public_pages.as_html(status, "id", JAKARTA, "Kota Uji")
    finally:
        STATE.update(settings=None)
    assert "/publik/langganan" not in bare
    assert "/publik/laporan" in bare  # the other ways to speak up stay
    assert "/publik/langganan?lang=id" in mailing and "/publik/langganan?layanan=" in mailing
