"""Admin → Target: the add form starts in the unit the list is filtered to, reads in the viewer's language
only, and the list shows each target's name whole."""

import json

from sqlalchemy import select

from db.monitoring import Target
from tests.apptest import assert_clean, open_page
from tests.monitoring import add_target


def _forms(node) -> list:
    """Every st.form block under `node`, depth first."""
    found = [node] if getattr(node, "type", "") == "form" else []
    for child in getattr(node, "children", {}).values():
        found += _forms(child)
    return found


def test_a_target_added_while_the_list_is_filtered_to_a_unit_lands_in_that_unit(env, city, store):
    """The rule: the add form defaults to the unit the page is filtered to (not the first unit)."""
    kominfo = city.units["DISKOMINFO"]
    at = open_page("admin", "admin_targets")
    at.selectbox(key="targets_unit").set_value(kominfo).run()
    assert_clean(at)
    (unit,) = [s for s in at.selectbox if s.key and s.key.startswith("target_add") and s.key.endswith("_unit")]
    assert unit.value == kominfo
    form = unit.key.removesuffix("_unit")
    at.text_input(key=f"{form}_name").input("Dasbor Monev TIK")
    at.text_input(key=f"{form}_host").input("monev.malangkota.go.id")
    [b for b in at.button if b.proto.is_form_submitter][0].click().run()
    assert_clean(at)
    with store.session() as s:
        assert s.scalars(select(Target.unit_id)).all() == [kominfo]


def test_the_target_forms_save_only_with_their_button_and_say_nothing_in_english_about_enter(env, city):
    """The rule: no Streamlit English ("Press Enter to submit form") inside an Indonesian form."""
    at = open_page("admin", "admin_targets")
    assert_clean(at)
    forms = _forms(at.main)
    at.session_state["admin_targets_tab"] = "Pemeliharaan"
    at.run()
    forms += _forms(at.main)
    assert len(forms) == 2 and not any(f.proto.form.enter_to_submit for f in forms)


def test_the_target_list_gives_each_name_the_width_it_needs_at_1440(env, city, store, admin):
    """The rule: the Nama column is as wide as its longest name, and the table still fits its frame."""
    from pages.common.shell import ROOM_PX, header_px

    long_name = "Server SIMPEG BKPSDM (gedung utama)"
    add_target(store, admin, city.units["DISKOMINFO"], name="Dasbor Monev TIK", kind="http",
               host="http://127.0.0.1:8501/_stcore/health")
    add_target(store, admin, city.units["KEL-KAUMAN"], name=long_name, kind="ping")
    at = open_page("admin", "admin_targets")
    assert_clean(at)
    (table,) = [d for d in at.dataframe if "Nama" in d.value.columns]
    config = json.loads(table.proto.columns)
    widths = {name: entry["width"] for name, entry in config.items() if "width" in entry}
    assert widths["Nama"] >= len(long_name) * 7.0  # Source Sans at 14 px: about 7 px a character
    assert widths["Unit"] >= len("Kel. Kauman") * 7.0  # and the units' names too
    assert sum(widths.values()) <= ROOM_PX  # the other columns share what is left
    assert all(widths[c] >= header_px(c) for c in table.value.columns)  # every header whole
