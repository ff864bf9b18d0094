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
from tests.needs import NEXT_YEAR, add_needs, approve, need_cells, needs_in_every_unit

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
    assert "Kesiapan unit Anda, proyeksi" in shown and "Kec. Klojen" in shown
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
    assert at.select_slider(key="budget_ceiling").value == 36.5  # the slider follows the typed amount
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
    heads = {m.label: (m.value, m.delta) for m in at.metric}
    requested = f"Rp {len(CITY) * 4}.000.000"
    # The same licence in every unit: a joint purchase to consider, no double budget.
    assert heads["Anggaran ganda"] == ("Rp 0", "dari Rp 0 yang terlibat")
    # Bought jointly: the default 20 % of the Rp 4 juta each unit asks for, beside the value involved.
    saving = f"Rp {len(CITY) * 800_000:,}".replace(",", ".")
    assert heads["Pengadaan bersama"] == (saving, f"dari {requested} yang terlibat")
    assert f"1 temuan, {len(CITY)} kebutuhan" in texts(at)


def test_savings_never_exceed_the_value_involved_nor_what_was_checked(planned):
    """Cek Anggaran Ganda: estimated saving ≤ value involved ≤ the needs checked, read off the page; the needs
    checked are what the Kebutuhan TIK page counts for the same statuses."""
    checks_page = open_page("pimpinan", "need_checks")
    heads = {m.label: m.value for m in checks_page.metric}
    money = {k: int(v.removeprefix("Rp ").replace(".", "")) for k, v in heads.items() if v.startswith("Rp ")}
    assert 0 < money["Perkiraan hemat"] <= money["Nilai yang terlibat"] <= money["Kebutuhan diperiksa"]
    needs_page = open_page("pimpinan", "needs")
    statuses = {m.label: m.delta for m in needs_page.metric}
    checked = sum(int(statuses[s].removeprefix("Rp ").replace(".", "")) for s in ("Draf", "Diajukan", "Disetujui",
                                                                                   "Revisi"))
    assert money["Kebutuhan diperiksa"] == checked == len(CITY) * 4_000_000


def test_a_typed_ceiling_is_exactly_what_the_slider_reads(planned):
    at = open_page("pimpinan", "budget")
    for typed in ("20.000.000.000", "36.500.000"):
        at.text_input(key="budget_ceiling_exact").input(typed).run()
        assert_clean(at)
        slider = at.select_slider(key="budget_ceiling")
        assert slider.format_func(slider.value) == f"Rp {typed}"


def test_the_rka_downloads_sit_beside_the_outcome_not_in_a_tab(planned):
    for username in ("pimpinan", "op_a"):
        at = open_page(username, "budget")
        assert_clean(at)
        labels = [b.proto.label for b in at.get("download_button")]
        assert labels == ["Unduh lampiran RKA (Excel)", "Unduh CSV format SIPD"], username


def test_every_column_of_the_budget_tables_reads_whole_at_1440(env, store, city, admin, pimpinan):
    """The needs table and the per-unit table fit the main area beside the menu with each column as wide as its
    longest value: long items of a kelurahan with a long name, money to the rupiah, the reason in words."""
    import json

    from pages.common.shell import ROOM_PX, _text_px, header_px

    new_period(store, admin, NEXT_YEAR - 1)
    ids = add_needs(store, admin, need_cells("KEL-ORO-ORO-DOWO", "Sistem informasi pelayanan administrasi kelurahan",
                                             169_888_000, category="Aplikasi", priority=1, mandatory="ya"),
                    need_cells("KEL-KAUMAN", "Laptop untuk staf pelayanan Ruang Pelayanan", 16_432_500, quantity=9))
    approve(store, admin, ids)
    at = open_page("pimpinan", "budget")
    at.multiselect(key="budget_include").set_value([ids[1]]).run()  # "didanai (dipilih manual)", the longest
    for tab, column in (("Kebutuhan", "item"), ("Per unit", "requested")):
        at.session_state["budget_tabs"] = tab
        at.run()
        assert_clean(at)
        table = next(d for d in at.dataframe if column in json.loads(d.proto.columns))
        config = {k: v for k, v in json.loads(table.proto.columns).items() if not v.get("hidden")}
        for name in table.value.columns:
            assert not config[name]["label"].startswith("budget."), config[name]["label"]  # a catalogue text
            wanted = max([header_px(config[name]["label"])] + [_text_px(v, 7.0) for v in table.value[name]])
            assert config[name]["width"] >= wanted, (tab, name, config[name]["width"], wanted)
        assert sum(c["width"] for c in config.values()) <= ROOM_PX, tab


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


def test_an_admin_sets_the_joint_procurement_discount_and_its_source_and_the_checks_page_reads_it(planned, store):
    at = open_page("admin", "need_checks")
    assert "angka bawaan 20 %" in texts(at)  # until the city sets its own, the page says it is a default
    at.text_input(key="discount_pct").input("12,5")
    at.text_input(key="discount_source").input("Konsolidasi PC 2025, Bagian PBJ")
    next(b for b in at.button if b.proto.form_id == "discount").click().run()  # the form sends both at once
    assert_clean(at)
    heads = {m.label: m.value for m in at.metric}
    assert heads["Pengadaan bersama"] == f"Rp {len(CITY) * 500_000:,}".replace(",", ".")  # 12,5 % of Rp 4 juta
    assert "Potongan pengadaan bersama — sumber: Konsolidasi PC 2025, Bagian PBJ." in texts(at)
    assert any("Item sama di banyak unit" in row and "12,5 % dari nilai" in row for row in frames(at).splitlines())
