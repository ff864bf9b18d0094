"""Tinjauan SLA through AppTest, per role, on the hand-built November of tests/test_review.py: admin reads the
city and writes actions, leadership reads, an operator reads its own unit and marks its own unit's actions."""

import pytest
from sqlalchemy import select

from core.review import actions
from db.engine import session_scope
from db.evaluation import Evidence
from db.tickets import ReviewAction
from tests.apptest import assert_clean, frames, open_page, texts
from tests.evaluation import new_period
from tests.test_review import NOVEMBER, month  # noqa: F401 - the fixture

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # page tests; core runs on both stores


def november(username: str):
    at = open_page(username, "review")
    at.selectbox(key="review_month").select(NOVEMBER).run()
    assert_clean(at)
    return at


def test_admin_reads_the_citys_month_agrees_an_action_and_attaches_the_review(env, store, city, admin,
                                                                              month):  # noqa: F811
    at = november("admin")
    page = texts(at)
    assert "5 dari 7 gangguan Dinkes karena listrik: pertimbangkan UPS atau genset." in page
    assert "Antrean Dinkes" in frames(at) and "Web Klojen" in frames(at)
    at.text_input(key="review_action_text").input("Pasang UPS di Dinkes")
    at.text_input(key="review_action_owner").input("=1+1")
    at.selectbox(key="review_action_unit").select(month["dinkes"])
    at.button(key="FormSubmitter:review_action_new-Simpan").click().run()
    assert_clean(at)
    assert "Tindak lanjut disimpan." in texts(at)
    assert "Pasang UPS di Dinkes" in frames(at) and "=1+1" in frames(at)
    with session_scope(store.engine) as s:
        [action] = s.scalars(select(ReviewAction)).all()
    assert (action.month, action.unit_id, action.owner, action.state) == (NOVEMBER, month["dinkes"], "=1+1", "terbuka")
    at.text_input(key=f"review_edit_text_{action.id}").input("Pasang UPS 2 kVA di Dinkes")
    at.selectbox(key=f"review_edit_state_{action.id}").select("batal")
    at.button(key=f"FormSubmitter:review_action_edit_{action.id}-Simpan").click().run()
    assert_clean(at)
    with session_scope(store.engine) as s:
        assert (s.get(ReviewAction, action.id).text, s.get(ReviewAction, action.id).state) == (
            "Pasang UPS 2 kVA di Dinkes", "batal")
    new_period(store, admin, 2026, "pemdi-2026")
    at.button(key="review_attach").click().run()
    assert_clean(at)
    assert "Terlampir sebagai bukti indikator 19: tinjauan-sla-2026-11.pdf." in texts(at)
    with session_scope(store.engine) as s:
        assert [(e.indicator, e.filename) for e in s.scalars(select(Evidence))] == [(19, "tinjauan-sla-2026-11.pdf")]


def test_leadership_reads_the_city_and_writes_nothing(env, city, month):  # noqa: F811
    at = november("pimpinan")
    assert "5 dari 7 gangguan Dinkes" in texts(at)
    assert not at.text_input and not [b for b in at.button if b.key == "review_attach"]


def test_an_operator_reads_only_its_unit_and_marks_its_units_action_done(env, store, city, admin, month):  # noqa: F811
    with session_scope(store.engine) as s:
        mine = actions.create_action(session=s, viewer=admin, month=NOVEMBER, unit_id=month["klojen"],
                                     text="Jalur cadangan Klojen")
        actions.create_action(session=s, viewer=admin, month=NOVEMBER, unit_id=month["dinkes"], text="UPS Dinkes")
        actions.create_action(session=s, viewer=admin, month=NOVEMBER, unit_id=None, text="Piket NOC kota")
    at = november("op_a")
    assert at.selectbox(key="review_unit").options == ["Kecamatan Klojen"]
    shown = texts(at) + frames(at)
    assert "Web Klojen" in shown and "Jalur cadangan Klojen" in shown
    for other in ("Dinkes", "Antrean", "Piket NOC kota"):
        assert other not in shown
    assert "review_action_text" not in [w.key for w in at.text_input]  # agreeing actions is Kominfo's
    at.selectbox(key="review_state_value").select("selesai")
    at.button(key="FormSubmitter:review_action_state-Simpan").click().run()
    assert_clean(at)
    with session_scope(store.engine) as s:
        assert s.get(ReviewAction, mine).state == "selesai"
