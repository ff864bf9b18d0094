"""Every page for every role through Streamlit's AppTest: what each person sees, and what they may not."""

import json
import threading

import pyarrow
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core import formatting
from core.config import load_settings
from core.navigation import PAGES
from core.startup import open_store
from db.models import AuditLog, User
from pages.common.shell import CTX_KEY, Ctx
from tests.apptest import app, assert_clean, frames, open_page, shown, texts
from tests.conftest import PASSWORD, ROOT

ROLES = ["admin", "pimpinan", "op_a", "op_b", "presenter"]
ROLE_OF = {"admin": "admin", "pimpinan": "pimpinan", "op_a": "skpd", "op_b": "skpd", "presenter": "presenter"}
NOT_ALLOWED = "Tidak diizinkan: Anda tidak punya akses ke halaman ini."

ALLOWED = [(p.key, u) for p in PAGES for u in ROLES if ROLE_OF[u] in {r.value for r in p.roles}]
DENIED = [(p.key, u) for p in PAGES for u in ROLES if ROLE_OF[u] not in {r.value for r in p.roles}]


# The page × role matrix runs on SQLite: it tests the pages; every core query they make is tested on
# both stores (tests/test_scope.py and the module tests), and the tests below run on both too.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("key", "username"), ALLOWED)
def test_every_allowed_page_renders_for_the_role_without_error(env, city, key, username):
    at = open_page(username, key)
    assert_clean(at)
    assert NOT_ALLOWED not in texts(at)
    assert at.title, "every page has a heading"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("key", "username"), DENIED)
def test_a_page_run_for_a_role_that_may_not_open_it_shows_only_not_allowed(env, city, store, key, username):
    # Run the page script directly, as if the menu had forgotten to hide it: its own guard must stop it.
    settings = load_settings()
    ctx = Ctx(settings=settings, engine=open_store(settings), viewer=city.viewers[username], lang="id")
    spec = next(p for p in PAGES if p.key == key)
    at = AppTest.from_file(str(ROOT / spec.script), default_timeout=30)
    at.session_state[CTX_KEY] = ctx
    at.run()
    assert_clean(at)
    assert [e.value for e in at.error] == [NOT_ALLOWED]
    assert not at.title and not at.dataframe and not at.text_input and not at.button


def test_logged_out_visitor_sees_only_the_login_form(env, city):
    at = app()
    assert_clean(at)
    assert at.text_input(key="login_username") and at.text_input(key="login_password")
    assert not at.dataframe  # demo accounts are listed only in demo mode


def test_login_form_logs_in_and_lands_an_operator_on_their_unit(env, city):
    at = app()
    at.text_input(key="login_username").input("op_a")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert_clean(at)
    assert at.session_state["username"] == "op_a"
    assert [t.value for t in at.title] == ["Kecamatan Klojen"]


def test_five_wrong_passwords_make_this_client_wait_and_the_form_says_so(env, city):
    at = app()
    for _ in range(5):
        at.text_input(key="login_username").input("op_b")
        at.text_input(key="login_password").input("salah-sekali")
        at.button[0].click().run()
        assert shown(at.error[0].value) == "Nama pengguna atau kata sandi salah."
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert "Coba lagi dalam 15 menit" in shown(at.error[0].value) and "sesi yang sudah masuk tidak terpengaruh" in shown(at.error[0].value)
    assert "authentication_status" not in at.session_state or not at.session_state["authentication_status"]
    assert at.text_input(key="login_username") is not None  # still the login form


def test_demo_mode_shows_the_demo_accounts_on_the_login_page(env, store, monkeypatch):
    monkeypatch.setenv("MONEV_DEMO", "true")
    at = app()
    assert_clean(at)
    shown = frames(at)
    assert "admin-demo" in shown and "klojen-demo" in shown


def test_english_switch_on_the_login_page(env, city):
    at = app()
    at.selectbox(key="_lang_login").set_value("en").run()
    assert at.text_input(key="login_username").label == "User name"


def test_a_language_chosen_on_the_login_page_outlasts_the_login_and_is_kept_for_the_account(env, city, store):
    from core.org import users

    with store.session() as s:
        users.set_language(session=s, viewer=city.viewers["op_a"], language="id")  # stored earlier
        s.commit()
    at = app()
    at.selectbox(key="_lang_login").set_value("en").run()
    at.text_input(key="login_username").input("op_a")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert_clean(at)
    assert at.session_state["lang"] == "en"
    with store.session() as s:
        assert users.language_of(session=s, viewer=city.viewers["op_a"]) == "en"


def test_logout_button_ends_the_session(env, city):
    at = app("admin")
    at.button(key="logout_button").click().run()
    assert_clean(at)
    assert not at.session_state["authentication_status"]
    assert at.text_input(key="login_username")


def test_deactivated_account_is_logged_out_on_its_next_click(env, city, store, admin):
    at = app("op_b")
    with store.session() as s:
        s.get(User, city.viewers["op_b"].user_id).active = False
        s.commit()
    at.run()
    assert at.text_input(key="login_username")


def test_unit_page_offers_an_operator_only_their_units_and_saves_their_profile(env, city, store):
    at = open_page("op_a", "unit")
    assert set(at.selectbox(key="unit_pick").options) == {
        "Kecamatan Klojen (KEC-KLOJEN)", "Kelurahan Oro-oro Dowo (KEL-ORO-ORO-DOWO)", "Kelurahan Kauman (KEL-KAUMAN)"}
    at.text_input(key="profile_head_name").input("Drs. Camat Klojen")
    at.button[0].click().run()
    assert_clean(at)
    with store.session() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "update")).one()
    assert entry.actor == "op_a" and entry.new_values == {"head_name": "Drs. Camat Klojen"}


def test_unit_page_is_read_only_for_pimpinan(env, city):
    at = open_page("pimpinan", "unit")
    assert_clean(at)
    assert not [ti for ti in at.text_input if ti.key and ti.key.startswith("profile_")]


def test_admin_adds_a_unit_and_sees_an_indonesian_error_for_a_bad_parent(env, city):
    at = open_page("admin", "admin_units")
    at.text_input(key="unit_add_code").input("KEL-BARU")
    at.text_input(key="unit_add_name").input("Kelurahan Baru")
    at.selectbox(key="unit_add_kind").set_value("kelurahan")
    at.selectbox(key="unit_add_parent").set_value("DINKES")
    at.button[0].click().run()
    assert "harus berada di bawah kecamatan" in shown(at.error[0].value)
    at.selectbox(key="unit_add_parent").set_value("KEC-SUKUN")
    at.button[0].click().run()
    assert_clean(at)
    assert "Unit KEL-BARU ditambahkan." in texts(at)
    assert "KEL-BARU" in frames(at)


def test_admin_creates_an_account_with_a_one_time_password(env, city, store):
    at = open_page("admin", "admin_users")
    at.text_input(key="user_add_username").input("op_baru")
    at.text_input(key="user_add_name").input("Operator Baru")
    at.selectbox(key="user_add_role").set_value("skpd")
    at.button[0].click().run()
    assert shown(at.error[0].value) == "Pengguna berperan Operator SKPD harus punya unit."
    at.selectbox(key="user_add_unit").set_value(city.units["DINKES"])
    at.button[0].click().run()
    assert_clean(at)
    warning = shown(at.warning[0].value)
    assert warning.startswith("Kata sandi baru untuk op_baru: ")
    password = warning.split(": ")[1].split(" ")[0]
    with store.session() as s:
        created = s.scalars(select(User).where(User.username == "op_baru")).one()
    assert created.unit_id == city.units["DINKES"] and password not in created.password_hash
    at.run()
    assert not at.warning  # shown once only


def test_account_page_refuses_a_mismatched_new_password(env, city):
    at = open_page("op_b", "account")
    at.text_input(key="pw_current").input(PASSWORD)
    at.text_input(key="pw_new").input("baru-sekali-123")
    at.text_input(key="pw_repeat").input("baru-sekali-124")
    at.button[0].click().run()
    assert shown(at.error[0].value) == "Kata sandi baru dan ulangannya tidak sama."


def test_status_wall_never_shows_an_unmonitored_unit_as_up(env, city):
    at = open_page("presenter", "status")
    assert_clean(at)
    tiles = [m.value for m in at.markdown if m.value.startswith(":material/")]
    assert len(tiles) == len(city.units)
    assert all(tile.startswith(":material/help:") and "tanpa target" in tile for tile in tiles)


def test_status_wall_shows_a_down_target_in_its_unit_while_the_worker_is_fresh(env, city, store, admin):
    from probes.store import register
    from probes.worker import ProbeWorker
    from tests.monitoring import JAKARTA, add_target, rounds
    from tests.peers import closed_port

    add_target(store, admin, city.units["DINKES"], port=closed_port(), fail_threshold=1)
    worker = ProbeWorker(store.engine, zone=JAKARTA, name="wall")
    register(store.engine, "wall")
    rounds(worker, store, 1)
    at = open_page("presenter", "status")
    assert not at.error
    # The worst unit comes first, as a large tile with its shape, state, share of targets and the reason.
    big = [m.value for m in at.markdown if m.value.startswith("**Dinkes**  \n")]
    assert len(big) == 1 and big[0].startswith("**Dinkes**  \n:material/cancel: Mati · 1 dari 1 target · selama ")
    assert "Koneksi ditolak" in big[0]
    assert [m.value for m in at.metric][2] == "1"
    incidents = [m.value for m in at.markdown if m.value.startswith("**Dinkes** · ")]
    assert len(incidents) == 1 and incidents[0].endswith(" m")  # the open incident: unit, target, how long
    chips = [m.value for m in at.markdown if m.value.startswith(":material/")]
    assert len(chips) == len(city.units) - 1 and not any("Dinkes" in chip for chip in chips)


def test_the_app_starts_one_probe_worker_per_process_however_many_sessions_and_reruns(env, city, monkeypatch):
    from probes.worker import WorkerThread

    monkeypatch.setenv("MONEV_WORKER_IN_APP", "true")
    try:
        first = app("admin")
        first.run()
        app("op_a").run()
        assert len(WorkerThread.running) == 1
        assert [t.name for t in threading.enumerate()].count("monev-probes") == 1
    finally:
        for runner in list(WorkerThread.running):
            runner.stop()
    assert "monev-probes" not in [t.name for t in threading.enumerate()]


def test_availability_page_shows_the_units_figures_and_an_operator_only_theirs(env, city, store, admin):
    from datetime import timedelta

    from core.monitoring import uptime
    from db.types import utcnow
    from probes.worker import ProbeWorker
    from tests.monitoring import JAKARTA, add_target, rounds
    from tests.peers import closed_port

    for code in ("DINKES", "KEL-KAUMAN"):
        add_target(store, admin, city.units[code], name=f"svc {code}", port=closed_port())
    rounds(ProbeWorker(store.engine, zone=JAKARTA, name="page"), store, 3)
    at = open_page("admin", "availability")
    assert_clean(at)
    table = frames(at)
    assert "Dinas Kesehatan" in table and "Kelurahan Kauman" in table
    with store.session() as s:
        expected = uptime.unit_report(session=s, viewer=admin, start=utcnow() - timedelta(days=30), end=utcnow(),
                                      zone=JAKARTA)
    assert at.metric[2].value == str(sum(r.incidents for r in expected)) == "2"
    mine = open_page("op_a", "availability")
    assert "Kelurahan Kauman" in frames(mine) and "Dinas Kesehatan" not in frames(mine)

    # The calendar and the incident timeline name days and times as the rest of the app does.
    today = formatting.day(utcnow(), "id", JAKARTA)
    at.session_state["availability_tab"] = "Kalender"
    at.run()
    assert_clean(at)
    (calendar,) = at.get("vega_lite_chart")
    tips = {tip["field"]: tip["title"] for tip in json.loads(calendar.proto.spec)["encoding"]["tooltip"]}
    days = pyarrow.ipc.open_stream(calendar.proto.datasets[0].data.data).read_pandas()
    assert tips["day_label"] == "Hari" and today in set(days["day_label"])
    at.session_state["availability_tab"] = "Insiden"
    at.run()
    assert_clean(at)
    (timeline,) = [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]
    tips = [layer["encoding"]["tooltip"] for layer in timeline["layer"]]
    assert {(tip["title"], tip.get("format")) for tip in tips[0]} >= {("Mulai", "%-d %b %Y %H.%M"),
                                                                      ("Selesai", "%-d %b %Y %H.%M")}


def test_admin_adds_a_target_and_a_bad_host_is_refused_in_indonesian(env, city, store):
    from sqlalchemy import select as sql_select

    from db.monitoring import Target

    at = open_page("admin", "admin_targets")
    at.selectbox(key="target_add_unit").set_value(city.units["DINKES"])
    at.text_input(key="target_add_name").input("Server SIMPUS")
    at.selectbox(key="target_add_kind").set_value("tcp")
    at.text_input(key="target_add_host").input("server simpus!")
    at.number_input(key="target_add_port").set_value(443)
    at.button[0].click().run()
    assert shown(at.error[0].value) == "Host 'server simpus!' bukan alamat IP atau nama host yang valid."
    at.text_input(key="target_add_host").input("simpus.dinkes.local")
    at.button[0].click().run()
    assert_clean(at)
    with store.session() as s:
        created = s.scalars(sql_select(Target)).one()
    assert (created.name, created.host, created.port) == ("Server SIMPUS", "simpus.dinkes.local", 443)
    assert "Server SIMPUS" in frames(at)


def test_an_operator_sees_their_targets_read_only(env, city, store, admin):
    from tests.monitoring import add_target

    add_target(store, admin, city.units["KEL-KAUMAN"], name="Router Kauman", kind="ping")
    add_target(store, admin, city.units["DINKES"], name="Router Dinkes", kind="ping")
    at = open_page("op_a", "admin_targets")
    assert_clean(at)
    assert "Router Kauman" in frames(at) and "Router Dinkes" not in frames(at)
    assert not [ti for ti in at.text_input if ti.key and ti.key.startswith("target_add")]


def test_target_detail_page_shows_the_state_and_the_latest_checks(env, city, store, admin):
    from probes.worker import ProbeWorker
    from tests.monitoring import JAKARTA, add_target, rounds
    from tests.peers import closed_port

    add_target(store, admin, city.units["DINKES"], name="Server SIMPUS", port=closed_port(), fail_threshold=1)
    rounds(ProbeWorker(store.engine, zone=JAKARTA, name="p"), store, 2)
    at = open_page("admin", "target")
    assert_clean(at)
    assert [t.value for t in at.title] == ["Server SIMPUS"]
    assert "Mati" in at.markdown[0].value and "Koneksi ditolak" in at.caption[0].value
    assert frames(at).count("Koneksi ditolak") >= 2


def test_admin_adds_a_webhook_channel_and_the_test_button_reaches_it(env, city, store):
    from tests.peers import recording_server

    with recording_server() as (url, hook):
        at = open_page("admin", "admin_alerts")
        assert "Belum ada saluran" in texts(at)
        at.text_input(key="channel_add_name").input("Gateway WA Diskominfo")
        at.selectbox(key="channel_add_kind").set_value("webhook")
        at.text_input(key="channel_add_address").input("bukan url")
        at.button(key="FormSubmitter:channel_add-Simpan").click().run()
        assert "URL webhook 'bukan url' tidak sah" in shown(at.error[0].value)
        at.text_input(key="channel_add_address").input(f"{url}/api/sendText")
        at.button(key="FormSubmitter:channel_add-Simpan").click().run()
        assert_clean(at)
        assert "Saluran Gateway WA Diskominfo ditambahkan." in texts(at)
        test_button = next(b for b in at.button if b.key and b.key.startswith("test_"))
        test_button.click().run()
        assert_clean(at)
        assert "Pesan uji terkirim ke Gateway WA Diskominfo." in texts(at)
    assert [r["json"]["event"] for r in hook.requests] == ["test"]
    assert "terkirim" in frames(at) and "uji" in frames(at)


def test_the_wall_rotates_through_unit_groups_by_the_clock_when_asked(env, city):
    """?putar=30: one group per 30 s (the perangkat daerah, then each kecamatan with its kelurahan)."""
    groups = {"Perangkat daerah": {"Setda", "Bag. Hukum", "Diskominfo", "Dinkes"},
              "Kec. Klojen": {"Kec. Klojen", "Kel. Oro-oro Dowo", "Kel. Kauman"},
              "Kec. Sukun": {"Kec. Sukun", "Kel. Sukun"}}
    at = app("presenter")
    at.query_params["putar"] = "30"
    at.switch_page("pages/monitoring/status.py").run()
    assert_clean(at)
    [line] = [shown(m.value) for m in at.markdown if "berganti tiap 30 detik" in m.value]
    group = next(name for name in groups if f": {name} ·" in line)
    assert f"/{len(groups)}: " in line
    names = {shown(m.value).split("**")[1] for m in at.markdown if m.value.startswith(":material/")}
    assert names == groups[group]
