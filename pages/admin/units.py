"""Admin → Unit: list, add, edit, deactivate and import units; every change lands in the audit log."""

import pandas as pd
import streamlit as st

from core.org import units
from core.org.unit_import import parse_units_csv
from pages.common.imports import import_flow
from pages.common.shell import call, guard, kind_label, save, show_flash, t, text

guard("admin_units")
st.title(t("admin_units.title"))
show_flash()

all_units = call(units.list_units, include_inactive=True)
by_id = {u.id: u for u in all_units}
codes = {u.code: u for u in all_units}
KINDS = list(units.UNIT_KINDS)


def unit_form(key: str, row: units.UnitRow | None) -> units.UnitRow | None:
    """The fields of a unit; returns the row when the form is submitted."""
    row = row or units.UnitRow(code="", name="", kind="dinas")
    parents = [""] + [u.code for u in all_units if u.code != row.code]
    with st.form(key):
        a, b = st.columns(2)
        code = a.text_input(t("unit.code"), value=row.code, key=f"{key}_code", help=t("admin_units.code_help"))
        kind = b.selectbox(t("unit.kind"), KINDS, index=KINDS.index(row.kind) if row.kind in KINDS else 0,
                           format_func=kind_label, key=f"{key}_kind")
        name = st.text_input(t("unit.name"), value=row.name, key=f"{key}_name")
        c, d = st.columns(2)
        short = c.text_input(t("unit.short_name"), value=row.short_name, key=f"{key}_short")
        parent = d.selectbox(
            t("unit.parent"), parents, index=parents.index(row.parent_code) if row.parent_code in parents else 0,
            format_func=lambda code: f"{codes[code].name} ({code})" if code else t("admin_units.no_parent"),
            key=f"{key}_parent", help=t("admin_units.parent_help"),
        )
        active = st.checkbox(t("unit.active"), value=row.active, key=f"{key}_active")
        if st.form_submit_button(t("common.save"), type="primary"):
            return units.UnitRow(code=code, name=name, kind=kind, short_name=short, parent_code=parent, active=active)
    return None


tab_list, tab_add, tab_edit, tab_import = st.tabs(
    [t("admin_units.tab_list"), t("admin_units.tab_add"), t("admin_units.tab_edit"), t("admin_units.tab_import")]
)

with tab_list:
    frame = pd.DataFrame(
        {
            t("unit.code"): [u.code for u in all_units],
            t("unit.name"): [u.name for u in all_units],
            t("unit.short_name"): [u.short_name for u in all_units],
            t("unit.kind"): [kind_label(u.kind) for u in all_units],
            t("unit.parent"): [by_id[u.parent_id].code if u.parent_id else "" for u in all_units],
            t("unit.active"): [u.active for u in all_units],
        }
    )
    st.caption(t("admin_units.count", total=len(all_units), active=sum(u.active for u in all_units)))
    st.dataframe(frame, hide_index=True, width="stretch", height=480)

with tab_add:
    new_row = unit_form("unit_add", None)
    if new_row is not None:
        save(units.create_unit, lambda created: t("admin_units.created", code=created.code), data=new_row)

with tab_edit:
    if all_units:
        pick = st.selectbox(t("unit.pick"), [u.id for u in all_units], key="unit_edit_pick",
                            format_func=lambda i: f"{by_id[i].code} · {by_id[i].name}")
        current = by_id[pick]
        parent_code = by_id[current.parent_id].code if current.parent_id else ""
        edited = unit_form(f"unit_edit_{pick}", units.UnitRow(
            code=current.code, name=current.name, kind=current.kind, short_name=current.short_name,
            parent_code=parent_code, active=current.active,
        ))
        if edited is not None:
            save(units.update_unit, t("common.saved"), unit_id=pick, data=edited)

with tab_import:
    st.markdown(t("admin_units.import_help"))
    import_flow("unit_import_file", label=t("admin_units.import_file"), commit=t("admin_units.import_commit"),
                read=parse_units_csv, write=units.import_units, types=("csv", "xlsx"),
                arguments=lambda rows, name: {"rows": rows, "filename": name},
                cells=lambda rows: {line: {text("unit.code"): r.code, text("unit.name"): r.name,
                                           text("unit.kind"): text(f"kind.{r.kind}") if r.kind in KINDS else r.kind,
                                           text("unit.short_name"): r.short_name, text("unit.parent"): r.parent_code,
                                           text("unit.active"): text("common.yes" if r.active else "common.no")}
                                    for line, r in rows},
                ignored=lambda rows: [],
                planned=lambda plan: t("admin_units.import_preview", **plan),
                done=lambda result: t("admin_units.import_done", **result))
