"""The citizens' complaint form and report page (web/complaints.py): no script, plain text, rate-limited, and a
report page that shows the state and the staff's public replies only."""

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from core.config import load_settings
from core.services import register
from core.tickets import complaints, tickets
from db.engine import session_scope
from db.tickets import Ticket
from web import complaints as routes
from web.common import STATE
from web.guard import Guard

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TEXT = "Aplikasi antrean puskesmas tidak bisa dibuka sejak pagi."


@pytest.fixture
def site(env, store, city, admin):
    """The complaint routes on this test's store, with one public and one internal service."""
    with session_scope(store.engine) as s:
        ids = {audience: register.save_service(session=s, viewer=admin, data={
            "unit_id": city.units["DINKES"], "name": f"Antrean {audience}", "audience": audience,
            "sla_response_h": 4}).id for audience in ("public", "internal")}
    STATE.update(engine=store.engine, settings=load_settings())
    client = TestClient(Starlette(routes=routes.ROUTES, middleware=[Middleware(Guard)]), follow_redirects=False)
    yield client, ids
    STATE.update(engine=None, settings=None)


def post(client, **fields):
    return client.post("/publik/laporan", content=urlencode(fields), headers=FORM)


def test_the_form_offers_public_services_only_and_runs_no_script(site):
    client, ids = site
    page = client.get("/publik/laporan")
    assert page.status_code == 200 and "Laporkan gangguan layanan" in page.text
    assert f'value="{ids["public"]}"' in page.text and f'value="{ids["internal"]}"' not in page.text
    assert "<script" not in page.text.lower()
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none': nothing runs
    assert "Report a service problem" in client.get("/publik/laporan?lang=en").text


def test_a_complaint_leads_to_its_code_which_shows_the_state_and_never_the_text(site, store):
    client, ids = site
    answer = post(client, service=ids["public"], category="aplikasi", description=TEXT + " <b>Budi</b> 0812")
    assert answer.status_code == 303
    code = re.fullmatch(r"/publik/laporan/([A-Z0-9-]{11})\?lang=id&baru=1", answer.headers["location"]).group(1)
    page = client.get(answer.headers["location"])
    assert page.status_code == 200 and code in page.text and "Laporan diterima" in page.text
    assert "Menunggu diperiksa petugas" in page.text
    assert "Budi" not in page.text and "antrean puskesmas" not in page.text
    assert page.headers["cache-control"] == "no-store"
    with session_scope(store.engine) as s:
        ticket = s.scalars(select(Ticket).where(Ticket.code == code)).one()
    assert ticket.description.endswith("<b>Budi</b> 0812") and ticket.source == "citizen"
    assert ticket.client and "testclient" not in ticket.client  # a keyed hash, never the address


def test_staff_replies_reach_the_report_page_escaped_and_internal_notes_never(site, store, admin, operator_b):
    client, ids = site
    code = post(client, service=ids["public"], category="jaringan", description=TEXT).headers["location"].split("/")[-1]
    code = code.split("?")[0]
    with session_scope(store.engine) as s:
        ticket = s.scalars(select(Ticket).where(Ticket.code == code)).one()
        complaints.moderate(session=s, viewer=operator_b, ticket_id=ticket.id, accept=True)
        tickets.reply(session=s, viewer=admin, ticket_id=ticket.id, message="server antrean 10.0.0.5 mati", public=False)
        tickets.reply(session=s, viewer=operator_b, ticket_id=ticket.id, message="Sudah kami perbaiki <script>x</script>")
        tickets.set_state(session=s, viewer=admin, ticket_id=ticket.id, state="selesai")
    page = client.get(f"/publik/laporan/{code.lower()}")
    assert page.status_code == 200 and "Selesai" in page.text
    assert "Sudah kami perbaiki &lt;script&gt;x&lt;/script&gt;" in page.text and "<script>" not in page.text
    assert "10.0.0.5" not in page.text and "op_b" not in page.text and "admin" not in page.text
    assert client.get(f"/publik/laporan?kode={code.lower().replace('-', '')}").headers["location"].startswith(
        f"/publik/laporan/{code}")


def test_what_the_citizen_must_correct_comes_back_on_the_form_with_what_they_typed(site):
    client, ids = site
    short = post(client, service=ids["public"], category="akun", description="<i>x</i>")
    assert short.status_code == 400 and "Laporan belum terkirim" in short.text
    assert "&lt;i&gt;x&lt;/i&gt;" in short.text and "<i>x</i>" not in short.text
    assert post(client, service=ids["internal"], category="akun", description=TEXT).status_code == 400
    for _ in range(complaints.MAX_PER_HOUR):
        assert post(client, service=ids["public"], category="akun", description=TEXT).status_code == 303
    many = post(client, service=ids["public"], category="akun", description=TEXT)
    assert many.status_code == 429 and "Paling banyak 3 pengaduan per jam" in many.text


def test_a_body_no_form_of_ours_sends_is_refused_and_an_unknown_code_is_not_found(site):
    client, ids = site
    assert post(client, service="satu", category="akun", description=TEXT).status_code == 400
    assert post(client, service=ids["public"], category="<script>", description=TEXT).status_code == 400
    assert post(client, service=ids["public"], category="akun", description="x" * 9000).status_code == 413
    missing = client.get("/publik/laporan/ABCDE-FGHJK")
    assert missing.status_code == 404 and "Tidak ada laporan dengan kode itu" in missing.text
    assert client.get("/publik/laporan?kode=%3Cscript%3E").status_code == 200


def test_each_public_service_on_the_status_page_links_to_the_form_with_that_service_chosen(site, store):
    """/publik names the complaint form beside each public service; the link opens the form on that service."""
    from core.services import public as public_data
    from web import public as public_pages

    client, ids = site
    with session_scope(store.engine) as s:
        status = public_data.collect(s, load_settings().zone)
    page = public_pages.as_html(status, "id", load_settings().zone, "Kota Malang")
    assert f'href="/publik/laporan?layanan={ids["public"]}&amp;lang=id"' in page
    assert f'layanan={ids["internal"]}' not in page
    assert 'href="/publik/laporan?lang=id"' in page  # and in the footer, without a service
    form = client.get(f"/publik/laporan?layanan={ids['public']}").text
    assert re.search(rf'<option value="{ids["public"]}"\s+selected>', form)
    assert " selected" not in client.get("/publik/laporan?layanan=99x").text  # anything else picks nothing


def test_the_complaint_pages_wear_the_public_pages_frame(site, store):
    """Stylesheet, language switch and footer as on /publik (from the chromium tour: the complaint pages had
    none, so a citizen could change language only by editing the address)."""
    client, ids = site
    code = re.search(r"/publik/laporan/([A-Z0-9-]+)",
                     post(client, service=ids["public"], category="aplikasi", description=TEXT).headers["location"])[1]
    for path in ("/publik/laporan", f"/publik/laporan/{code}"):
        page = client.get(path).text
        assert '<link rel="stylesheet" href="/publik/gaya.css">' in page, path
        assert 'hreflang="en"' in page and ">English<" in page, path
        assert 'href="/publik?lang=id"' in page and "<footer>" in page, path
        assert page.count("<h1>") == 1, path
    english = client.get(f"/publik/laporan/{code}?lang=en").text
    assert 'lang="en"' in english and 'hreflang="id"' in english
