"""A unit's home: what its operator must act on, read for their units only, most urgent first."""

from datetime import date, timedelta

import pytest

from core.errors import NotFound
from core.evaluation import assessment, periods
from core.home import unit as home
from core.inventory.kinds import DEVICE
from core.needs import workflow
from db.engine import session_scope
from probes.store import register
from probes.worker import ProbeWorker
from tests.apptest import assert_clean, open_page, shown, texts
from tests.evaluation import assess, new_period
from tests.inventory import add, device_cells
from tests.monitoring import JAKARTA, add_target, rounds
from tests.needs import add_needs, need_cells
from tests.peers import closed_port

TODAY = date(2026, 12, 2)


@pytest.fixture
def busy(store, city, admin):
    """Klojen (operator A, with its kelurahan) and Dinkes (another unit) each with a target that is down,
    a need Kominfo sent back, a device bought long ago; Klojen's assessment was returned with a note."""
    add_target(store, admin, city.units["KEL-KAUMAN"], name="Router Kauman", port=closed_port(), fail_threshold=1)
    add_target(store, admin, city.units["KEL-KAUMAN"], name="Ping Kauman", kind="ping")
    add_target(store, admin, city.units["DINKES"], name="SIMPUS", port=closed_port(), fail_threshold=1)
    register(store.engine, "home")
    rounds(ProbeWorker(store.engine, zone=JAKARTA, name="home"), store, 1)
    ids = add_needs(store, admin, need_cells("KEC-KLOJEN", "Laptop staf"), need_cells("DINKES", "Server SIMPUS"),
                    need_cells("KEC-KLOJEN", "Printer"))
    with session_scope(store.engine) as s:
        workflow.submit(session=s, viewer=admin, need_ids=ids)
        workflow.review(session=s, viewer=admin, need_ids=ids[:2], decision="revised", reason="Harga di atas SSH")
        workflow.review(session=s, viewer=admin, need_ids=ids[2:], decision="approved")
    add(store, admin, DEVICE, device_cells("KEL-KAUMAN", "OLD-1", purchase_year=2012),
        device_cells("KEL-KAUMAN", "NEW-1", purchase_year=2025), device_cells("DINKES", "OLD-2", purchase_year=2011))
    period = new_period(store, admin, 2026)
    with session_scope(store.engine) as s:
        periods.set_deadline(session=s, viewer=admin, period_id=period, deadline=TODAY + timedelta(days=10))
    klojen = assess(store, city.viewers["op_a"], period, city.units["KEC-KLOJEN"], level=2)
    with session_scope(store.engine) as s:
        assessment.return_assessment(session=s, viewer=admin, assessment_id=klojen, reason="Bukti SK belum diunggah")
    return period


def test_an_operators_home_shows_their_units_problems_only_with_the_most_urgent_first(store, city, operator_a, busy):
    with store.session() as s:
        mine = home.unit_home(session=s, viewer=operator_a, zone=JAKARTA, today=TODAY)
    assert mine.name == "Kecamatan Klojen"
    assert [(p.name, p.unit, p.state) for p in mine.problems] == [("Router Kauman", "Kel. Kauman", "DOWN")]
    assert mine.targets == {"DOWN": 1, "UP": 1}
    assert [(n.item, n.status, n.reason) for n in mine.sent_back] == [("Laptop staf", "revised", "Harga di atas SSH")]
    assert [d["serial"] for d in mine.past_life] == ["OLD-1"]
    ev = mine.evaluation
    assert (ev.status, ev.note, ev.deadline) == ("returned", "Bukti SK belum diunggah", TODAY + timedelta(days=10))
    assert 0 < ev.answered == ev.indicators
    assert [(todo.key, todo.urgency, todo.page) for todo in mine.todos][:3] == [
        ("home.todo.down", 0, "target"), ("home.todo.eval_returned", 0, "assessment"),
        ("home.todo.needs_revised", 1, "needs")]
    assert ("home.todo.past_life", 2, "devices") in [(todo.key, todo.urgency, todo.page) for todo in mine.todos]


def test_an_operator_cannot_open_another_units_home(store, city, operator_a, busy):
    with store.session() as s, pytest.raises(NotFound):
        home.unit_home(session=s, viewer=operator_a, unit_id=city.units["DINKES"], zone=JAKARTA, today=TODAY)


def test_the_deadline_counts_down_and_turns_urgent_in_the_last_two_weeks(store, city, admin, operator_b):
    period = new_period(store, admin, 2026)
    for days, urgency, key in ((30, 1, "home.todo.eval_due"), (10, 0, "home.todo.eval_due"),
                               (-3, 0, "home.todo.eval_late")):
        with session_scope(store.engine) as s:
            periods.set_deadline(session=s, viewer=admin, period_id=period, deadline=TODAY + timedelta(days=days))
        with store.session() as s:
            todo = next(t for t in home.unit_home(session=s, viewer=operator_b, zone=JAKARTA, today=TODAY).todos
                        if t.page == "assessment")
        assert (todo.key, todo.urgency) == (key, urgency)
        assert todo.params.get("days") == abs(days)


def test_an_operator_lands_on_their_units_home_with_a_link_for_each_thing_to_do(env, city, busy):
    at = open_page("op_a", "home")
    assert_clean(at)
    assert at.title[0].value == "Kecamatan Klojen"
    shown_text = texts(at)
    assert "1 target mati, antara lain Router Kauman" in shown_text
    assert "Evaluasi 2026 dikembalikan Kominfo" in shown_text and "Catatan Kominfo: Bukti SK belum diunggah" in shown_text
    assert "Alasan: Harga di atas SSH" in shown_text and "Server SIMPUS" not in shown_text and "SIMPUS" not in shown_text
    assert "Batas pengajuan" in shown_text
    links = [shown(p.label) for p in at.get("page_link")]
    assert {"Detail target", "Isi evaluasi", "Kebutuhan", "Perangkat"} <= set(links)


def test_the_overview_is_titled_for_what_the_viewer_sees(env, city):
    assert open_page("op_a", "overview").title[0].value == "Ringkasan Unit"
    assert open_page("pimpinan", "overview").title[0].value == "Ringkasan Kota"


def test_each_to_do_count_equals_the_items_its_box_lists_with_revisions_before_rejections(env, store, city, admin):
    """Rule: a to-do line's count is the number of items the box it points to shows, and what needs action
    (a revision) comes before what is only news (a rejection), however many there are."""
    cells = [need_cells("KEC-KLOJEN" if i % 2 else "KEL-KAUMAN", f"Kebutuhan {i:02d}") for i in range(24)]
    ids = add_needs(store, admin, *cells)
    with session_scope(store.engine) as s:
        workflow.submit(session=s, viewer=admin, need_ids=ids)
        workflow.review(session=s, viewer=admin, need_ids=ids[:9], decision="revised", reason="Spesifikasi kurang")
        workflow.review(session=s, viewer=admin, need_ids=ids[9:], decision="rejected", reason="Tidak prioritas")
    with store.session() as s:
        mine = home.unit_home(session=s, viewer=city.viewers["op_a"], zone=JAKARTA, today=TODAY)
    todo = next(t for t in mine.todos if t.key == "home.todo.needs_revised")
    assert todo.params["n"] == len(todo.items) == 9
    assert [n.status for n in mine.sent_back] == ["revised"] * 9 + ["rejected"] * 15

    at = open_page("op_a", "home")
    assert_clean(at)
    lines = [shown(m.value) for m in at.markdown]
    assert "9 kebutuhan dikembalikan Kominfo untuk direvisi: lihat alasannya di bawah." in texts(at)
    assert "Kebutuhan dikembalikan untuk direvisi (9)" in "\n".join(lines)
    revised = [line for line in lines if line.startswith(":orange[Revisi]")]
    rejected = [line for line in lines if line.startswith(":red[Ditolak]")]
    assert len(revised) == 9 and len(rejected) == 15
    first_rejected = next(i for i, line in enumerate(lines) if line.startswith(":red[Ditolak]"))
    assert max(i for i, line in enumerate(lines) if line.startswith(":orange[Revisi]")) < first_rejected
    assert any(e.label.startswith("Ditolak Kominfo (15)") for e in at.expander)


def test_the_down_to_do_counts_the_targets_the_live_box_lists(env, store, city, admin, operator_a):
    """Rule: "N target mati" equals the DOWN targets listed in the live box, however many (none cut at six)."""
    for i in range(8):
        add_target(store, admin, city.units["KEL-KAUMAN"], name=f"Router {i}", port=closed_port(), fail_threshold=1)
    register(store.engine, "home")
    rounds(ProbeWorker(store.engine, zone=JAKARTA, name="home"), store, 1)
    with store.session() as s:
        mine = home.unit_home(session=s, viewer=operator_a, zone=JAKARTA, today=TODAY)
    todo = next(t for t in mine.todos if t.key == "home.todo.down")
    assert todo.params["n"] == len(todo.items) == 8
    assert set(todo.items) <= {p.target_id for p in mine.problems}
    at = open_page("op_a", "home")
    assert_clean(at)
    assert "8 target mati, antara lain" in texts(at)
    listed = [shown(m.value) for m in at.markdown if "**Router " in shown(m.value)]
    assert len(listed) == 8
