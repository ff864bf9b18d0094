"""The incident page (Insiden, ?id=N) for every role: who sees which incident, who may acknowledge, note,
assign and set the cause there, and what people typed shown as text. Linked from the wall and Detail target."""

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.monitoring import Incident, IncidentActivity, Worker
from db.types import utcnow
from tests.apptest import app, assert_clean, frames, shown, texts
from tests.monitoring import add_target

PAGE = "pages/monitoring/incident.py"
NOT_FOUND = "Insiden itu tidak ada, atau bukan dari unit yang dapat Anda lihat."
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # pages; core runs on both stores


@pytest.fixture
def outages(store, city, admin) -> dict[str, int]:
    """An ongoing incident at Kel. Kauman (under operator A's Kec. Klojen) and one at Dinkes (operator B's)."""
    ids = {}
    for code, name in (("KEL-KAUMAN", "Router Kauman"), ("DINKES", "SIMPUS")):
        target = add_target(store, admin, city.units[code], name=name, port=9)
        with session_scope(store.engine) as s:
            row = Incident(target_id=target, unit_id=city.units[code], started_at=utcnow(), reason="mati")
            s.add(row)
            s.flush()
            ids[code] = row.id
    with session_scope(store.engine) as s:
        s.add(Worker(name="w"))  # a worker reported just now: the wall shows its incidents as live
    return ids


def incident_page(username: str, **params):
    at = app(username)
    for key, value in params.items():
        at.query_params[key] = str(value)
    return at.switch_page(PAGE).run()


def activity(store) -> list[tuple[str, str]]:
    with store.session() as s:
        return [(a.kind, a.text) for a in s.scalars(select(IncidentActivity).order_by(IncidentActivity.id))]


def test_an_admin_acknowledges_assigns_and_sets_the_cause_on_the_page(env, store, city, outages):
    incident = outages["DINKES"]
    at = incident_page("admin", id=incident)
    assert_clean(at)
    assert [shown(t.value) for t in at.title] == [f"Insiden #{incident}: SIMPUS"]
    at.text_area(key="incident_ack_note").input("Ditangani: teknisi menuju lokasi")
    at.button(key="FormSubmitter:incident_ack-Saya tangani").click().run()
    assert_clean(at)
    assert "Insiden ditandai ditangani" in texts(at)
    at.selectbox(key="incident_assignee").set_value(city.viewers["admin"].user_id)
    at.button(key="FormSubmitter:incident_assign-Serahkan").click().run()
    at.selectbox(key="incident_cause").set_value("listrik")
    at.text_area(key="incident_action").input("UPS dipasang")
    at.button(key="FormSubmitter:incident_cause-Simpan penyebab").click().run()
    assert_clean(at)
    assert activity(store) == [("ack", "Ditangani: teknisi menuju lokasi"), ("assign", "Admin"),
                               ("cause", "listrik: UPS dipasang")]
    assert "Ditangani oleh Admin" in frames(at)  # the timeline


def test_a_units_operator_acknowledges_and_notes_its_own_incident_and_cannot_open_another_units(
        env, store, city, outages):
    at = incident_page("op_a", id=outages["KEL-KAUMAN"])
    assert_clean(at)
    assert at.text_area(key="incident_ack_note") and at.text_area(key="incident_note_text")
    assert not [s for s in at.selectbox if s.key in ("incident_assignee", "incident_cause")]
    at.text_area(key="incident_note_text").input("**tebal** <b>x</b> [tautan](http://contoh)")
    at.button(key="FormSubmitter:incident_note-Simpan catatan").click().run()
    assert_clean(at)
    assert activity(store) == [("note", "**tebal** <b>x</b> [tautan](http://contoh)")]
    assert "**tebal** <b>x</b> [tautan](http://contoh)" in frames(at)  # a table cell: the text as typed
    other = incident_page("op_a", id=outages["DINKES"])
    assert_clean(other)
    assert [w.value for w in other.warning] == [NOT_FOUND]
    assert "SIMPUS" not in texts(other) + frames(other) and not other.text_area


@pytest.mark.parametrize("username", ["pimpinan", "op_b"])
def test_pimpinan_reads_and_the_other_operator_sees_nothing_of_kaumans_incident(env, store, city, outages, username):
    at = incident_page(username, id=outages["KEL-KAUMAN"])
    assert_clean(at)
    assert not at.text_area and not [s for s in at.selectbox if s.key != "_lang_sidebar"]
    if username == "pimpinan":
        assert at.title[0].value.endswith("Router Kauman")
        assert "Anda dapat membaca insiden ini" in texts(at)
    else:
        assert [w.value for w in at.warning] == [NOT_FOUND]


@pytest.mark.parametrize(("username", "rows"), [("admin", 2), ("pimpinan", 2), ("op_a", 1), ("op_b", 1)])
def test_the_list_of_unacknowledged_incidents_is_the_viewers_own(env, store, city, outages, username, rows):
    at = incident_page(username, daftar="unacknowledged")
    assert_clean(at)
    [table] = at.dataframe
    assert len(table.value) == rows
    assert f"{rows} insiden masih berlangsung dan belum ditangani" in texts(at)


def test_the_wall_links_each_ongoing_incident_to_its_page_except_for_the_presenter(env, store, city, outages):
    admin = app("admin").switch_page("pages/monitoring/status.py").run()
    assert_clean(admin)
    links = [str(link.proto) for link in admin.get("page_link")]
    assert len([p for p in links if "insiden" in p]) == 2, links
    presenter = app("presenter").switch_page("pages/monitoring/status.py").run()
    assert_clean(presenter)
    assert not [p for p in presenter.get("page_link") if "insiden" in str(p.proto)]


def test_detail_target_links_each_incident_to_its_page(env, store, city, outages):
    with store.session() as s:
        target = s.get(Incident, outages["DINKES"]).target_id
    at = app("op_b")
    at.query_params["id"] = str(target)
    at.switch_page("pages/monitoring/target.py").run()
    assert_clean(at)
    [links] = [d.value["Insiden"].tolist() for d in at.dataframe if "Insiden" in d.value.columns]
    assert links == [f"/insiden?id={outages['DINKES']}"]


def test_the_incident_page_reads_in_english(env, store, city, outages):
    at = app("admin")
    at.session_state["lang"] = "en"
    at.query_params["id"] = str(outages["DINKES"])
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert shown(at.title[0].value) == f"Incident #{outages['DINKES']}: SIMPUS"
    assert {"State", "Acknowledged", "Assignee", "Cause category"} <= {str(m.label) for m in at.metric}


def test_an_admin_sets_the_escalation_minutes_and_marks_an_escalation_channel(env, store, city):
    from core.monitoring.incidents import escalation_minutes
    from db.monitoring import AlertChannel

    at = app("admin").switch_page("pages/admin/alerts.py").run()
    assert_clean(at)
    at.number_input(key="escalation_critical").set_value(10)
    at.button(key="FormSubmitter:escalation_minutes-Simpan batas eskalasi").click().run()
    assert_clean(at)
    assert "Batas eskalasi disimpan." in texts(at)
    at.text_input(key="channel_add_name").input("Telegram Kadis")
    at.selectbox(key="channel_add_kind").set_value("webhook")
    at.text_input(key="channel_add_address").input("http://127.0.0.1:9/hook")
    at.checkbox(key="channel_add_escalation").check()
    at.button(key="FormSubmitter:channel_add-Simpan").click().run()
    assert_clean(at)
    with store.session() as s:
        assert escalation_minutes(session=s)["critical"] == 10
        assert [(c.name, c.escalation) for c in s.scalars(select(AlertChannel))] == [("Telegram Kadis", True)]


def test_an_incident_page_lists_its_tickets_and_each_ticket_links_back(env, store, city, admin, outages):
    """Issue 31: the incident page and its tickets point at each other, for the viewers who may open both."""
    from core.tickets import tickets

    with session_scope(store.engine) as s:
        code = tickets.from_incident(session=s, viewer=admin, incident_id=outages["DINKES"]).code
        # a newer ticket of the same unit: it heads the list, so the link must pick the incident's one
        tickets.file_ticket(session=s, viewer=admin, unit_id=city.units["DINKES"], category="perangkat",
                            description="Printer di ruang rapat lantai dua tidak menarik kertas.")
    for username in ("admin", "op_b"):
        at = incident_page(username, id=outages["DINKES"])
        assert_clean(at)
        assert "Laporan gangguan terkait (1)" in texts(at)
        links = [str(link.proto) for link in at.get("page_link")]
        assert [p for p in links if code in p and "laporan-gangguan" in p], links
    other = incident_page("admin", id=outages["KEL-KAUMAN"])
    assert "Laporan gangguan terkait (0)" in texts(other) and code not in str(other.get("page_link"))

    at = app("op_b")
    at.query_params["kode"] = code
    at.switch_page("pages/tickets/tickets.py").run()
    assert_clean(at)
    assert at.selectbox(key="tickets_pick").value is not None
    assert code in str(at.selectbox(key="tickets_pick").format_func(at.selectbox(key="tickets_pick").value))
    assert [p for p in at.get("page_link") if f"id={outages['DINKES']}" in str(p.proto).replace("%3D", "=")
            or "insiden" in str(p.proto)]
