"""The needs, checks and budget pages through AppTest: what each role sees and does, and that an
operator's pages never name another unit."""

import pytest
from sqlalchemy import select

from core.needs import budget
from db.engine import session_scope
from db.needs import Need, Scenario
from tests.apptest import assert_clean, frames, open_page, shown, texts
from tests.conftest import CITY, UNIT_A
from tests.evaluation import new_period
from tests.needs import NEXT_YEAR, add_needs, need_cells, needs_in_every_unit

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
PAGES = {"needs": ["admin", "pimpinan", "op_a"], "need_checks": ["admin", "pimpinan", "op_a"],
         "budget": ["admin", "pimpinan", "op_a"], "accounts": ["admin", "pimpinan", "op_a"]}


@pytest.fixture
def planned(env, store, city, admin, pimpinan):
    """An evaluation period to project from, the same approved need in every unit, a saved scenario."""
    new_period(store, admin, NEXT_YEAR - 1)
    ids = needs_in_every_unit(store, admin, city)
    with session_scope(store.engine) as s:
        budget.save_scenario(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR, name="Pagu awal",
                             params=budget.Params(ceiling=16_000_000))
    return ids


def other_units(shown: str) -> list[str]:
    own = {row.code for row in CITY if row.code == UNIT_A or row.parent_code == UNIT_A}
    return [name for row in CITY if row.code not in own for name in (row.code, row.name, row.short_name)
            if name in shown]


@pytest.mark.parametrize(("key", "username"), [(k, u) for k, users in PAGES.items() for u in users])
def test_needs_pages_render_with_data_for_each_role(planned, key, username):
    at = open_page(username, key)
    assert_clean(at)
    assert at.title
    if username == "op_a":
        assert other_units(texts(at) + frames(at)) == []


def test_an_operator_adds_a_need_in_the_table_and_submits_it_through_the_page(env, store, city):
    at = open_page("op_a", "needs")
    key = at.data_editor[0].key  # the year is left out: the page fills in the fiscal year it shows
    at.session_state[key] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"unit": UNIT_A, "item": "Laptop pelayanan", "category": "Perangkat keras", "quantity": 2,
         "unit_price": "Rp 15.000.000", "priority": 1}]}
    at.button(key="need_save").click().run()
    assert_clean(at)
    with store.session() as s:
        [need] = s.scalars(select(Need))
    assert (need.fiscal_year, need.quantity, need.unit_price, need.status) == (NEXT_YEAR, 2, 15_000_000, "draft")
    at = open_page("op_a", "needs")
    at.session_state["need_tabs"] = "Ajukan"
    at.run()
    at.checkbox(key="needs_submit_all").check().run()
    at.button(key="needs_submit_go").click().run()
    assert_clean(at)
    assert "1 kebutuhan diajukan ke Kominfo." in texts(at)
    with store.session() as s:
        assert s.get(Need, need.id).status == "submitted"


def test_kominfo_sends_a_need_back_with_a_reason_through_the_page(env, store, city, admin):
    [need_id] = add_needs(store, admin, need_cells("DINKES", "Server sendiri", 150_000_000, device_category="Server"))
    with session_scope(store.engine) as s:
        from core.needs import workflow

        workflow.submit(session=s, viewer=admin, need_ids=[need_id])
    at = open_page("admin", "needs")
    at.session_state["need_tabs"] = "Tinjau"
    at.run()
    at.checkbox(key="needs_review_all").check().run()
    at.radio(key="needs_decision").set_value("revised").run()
    at.button(key="needs_review_go").click().run()
    assert "Tuliskan alasan" in texts(at)  # no reason: refused, nothing changed
    at.text_area(key="needs_reason").input("Gunakan VM Pusat Data").run()
    at.button(key="needs_review_go").click().run()
    assert_clean(at)
    with store.session() as s:
        need = s.get(Need, need_id)
    assert (need.status, need.review_note) == ("revised", "Gunakan VM Pusat Data")


def test_leadership_moves_the_ceiling_and_saves_the_scenario(planned, store):
    at = open_page("pimpinan", "budget")
    assert_clean(at)
    funded = next(m for m in at.metric if m.label == "Kebutuhan didanai")
    assert funded.value == f"4 / {len(CITY)}"  # the saved scenario: 16 M for needs of 4 M each
    at.select_slider(key="budget_ceiling").set_value(36).run()
    assert next(m for m in at.metric if m.label == "Kebutuhan didanai").value == f"9 / {len(CITY)}"
    at.session_state["budget_tabs"] = "Simpan & ekspor"
    at.run()
    at.text_input(key="budget_name").input("Pagu penuh").run()
    at.button(key="budget_save_new").click().run()
    assert_clean(at)
    with store.session() as s:
        saved = s.scalar(select(Scenario).where(Scenario.name == "Pagu penuh"))
    assert saved.params["ceiling"] == 36_000_000 and saved.owner == "pimpinan"


def test_an_operator_sees_their_units_outcome_and_the_checks_of_their_own_needs_only(planned):
    at = open_page("op_a", "budget")
    assert_clean(at)
    shown = texts(at) + frames(at)
    assert "Kesiapan unit Anda, proyeksi" in shown and "KEC-KLOJEN" in shown
    assert other_units(shown) == []
    checks = open_page("op_a", "need_checks")
    assert_clean(checks)
    assert "Lisensi antivirus" in frames(checks)
    assert "Melibatkan juga 6 unit lain" in texts(checks)
    assert other_units(texts(checks) + frames(checks)) == []


def test_an_operators_unit_page_counts_their_needs_by_status(env, store, city, admin, operator_a):
    add_needs(store, operator_a, need_cells(UNIT_A, "Printer", 3_000_000, quantity=2),
              need_cells(UNIT_A, "UPS", 2_000_000))
    add_needs(store, admin, need_cells("KEL-KAUMAN", "PC", 9_000_000))  # under the kecamatan: its own page
    at = open_page("op_a", "unit")
    assert_clean(at)
    draft = next(m for m in at.metric if m.label == "Draf")
    assert (draft.value, draft.delta) == ("2", "Rp 8.000.000")
    assert f"Kebutuhan TIK tahun anggaran {NEXT_YEAR}" in texts(at)


def test_the_ceiling_can_be_typed_to_the_rupiah_and_a_mistyped_amount_is_named(planned, store):
    at = open_page("pimpinan", "budget")
    at.text_input(key="budget_ceiling_exact").input("36.500.000").run()
    assert_clean(at)
    assert any("Pagu Rp 36.500.000" in shown(c.value) for c in at.caption)
    assert at.select_slider(key="budget_ceiling").value in (36, 37)  # the slider follows the typed amount
    assert next(m for m in at.metric if m.label == "Kebutuhan didanai").value == f"9 / {len(CITY)}"
    at.select_slider(key="budget_ceiling").set_value(20).run()  # moving the slider replaces the typed amount
    assert at.text_input(key="budget_ceiling_exact").value == "20.000.000"
    at.text_input(key="budget_ceiling_exact").input("36.5 juta").run()
    assert [shown(e.value) for e in at.error] == [
        "Pagu tepat (Rp): bukan angka. Tulis seperti 1.250.000.000 (titik pemisah ribuan, koma desimal)."]



def test_a_changed_rule_marks_the_scenario_unsaved_until_it_is_saved(planned, store):
    at = open_page("pimpinan", "budget")
    assert not at.warning  # the saved scenario as saved
    at.text_input(key="budget_ceiling_exact").input("20.000.000").run()
    assert [shown(w.value) for w in at.warning] == [
        "Ada perubahan yang belum disimpan pada skenario Pagu awal; ekspor berjudul “Aturan belum disimpan” "
        "sampai disimpan."]
    at.session_state["budget_tabs"] = "Simpan & ekspor"
    at.run()
    at.button(key="budget_save_over").click().run()
    assert_clean(at)
    assert not at.warning
    with store.session() as s:
        assert s.scalar(select(Scenario)).params["ceiling"] == 20_000_000


def test_the_checks_headline_keeps_double_budget_apart_from_savings(planned):
    at = open_page("pimpinan", "need_checks")
    assert_clean(at)
    heads = {m.label: (m.value, m.delta) for m in at.metric[:3]}
    # The same licence in every unit: a joint purchase to consider, no double budget.
    assert heads["Anggaran ganda"] == ("Rp 0", "0 temuan, 0 kebutuhan")
    assert heads["Peluang hemat"] == (f"Rp {len(CITY) * 4:,}.000.000".replace(",", "."),
                                      f"1 temuan, {len(CITY)} kebutuhan")


def test_an_operators_sipd_tab_shows_their_units_lines_and_offers_no_other_unit(env, store, city, admin):
    from tests.test_sipd import LINES, import_lines, rka_workbook

    import_lines(store, admin, UNIT_A, NEXT_YEAR - 1, rka_workbook(*LINES))
    import_lines(store, admin, "DINKES", NEXT_YEAR - 1, rka_workbook(*LINES))
    at = open_page("op_a", "accounts")
    at.session_state["accounts_tabs"] = "Anggaran dari SIPD"
    at.run()
    assert_clean(at)
    assert at.selectbox(key="lines_unit").options[0].endswith(f"({UNIT_A})")
    at.selectbox(key="lines_year").set_value(NEXT_YEAR - 1).run()
    assert "Lisensi antivirus endpoint" in frames(at)
    assert other_units(texts(at) + frames(at)) == []
    assert not [b for b in at.button if b.key == "accounts_threshold_save"]  # the threshold is the admin's


def test_an_admin_saves_the_account_rules_as_shown_and_a_rule_without_capital_code_stays_so(env, store, city):
    from db.needs import AccountRule

    with store.session() as s:
        before = {(r.category, r.device_category): (r.capital_code, r.goods_code) for r in s.scalars(select(AccountRule))}
    at = open_page("admin", "accounts")
    assert_clean(at)
    assert "— (selalu barang/jasa)" in frames(at)  # connectivity, training, services: never capital
    at.button(key="accounts_rules_save").click().run()
    assert_clean(at)
    with store.session() as s:
        after = {(r.category, r.device_category): (r.capital_code, r.goods_code) for r in s.scalars(select(AccountRule))}
    assert after == before and after[("connectivity", "")] == ("", "5.1.02.02.01.0063")
