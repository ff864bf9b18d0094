"""Unit: one unit's profile, the units under it, its accounts and its change history."""

import pandas as pd
import streamlit as st

from core import access, audit
from core.access import Role
from core.errors import MonevError, checked
from core.needs import workflow
from core.org import units, users
from db.types import utcnow
from pages.common.shell import (
    call,
    ctx,
    guard,
    kind_label,
    money,
    num,
    plain,
    role_label,
    show_error,
    show_history,
    show_table,
    t,
)
from pages.evaluation import unit_inventory

guard("unit")
c = ctx()
visible = call(units.list_units)
if not visible:
    st.info(t("overview.empty"))
    st.stop()

ids = [u.id for u in visible]
by_id = {u.id: u for u in visible}
default = ids.index(c.viewer.unit_id) if c.viewer.unit_id in by_id else 0
unit_id = st.selectbox(t("unit.pick"), ids, index=default, format_func=lambda i: f"{by_id[i].name} ({by_id[i].code})",
                       key="unit_pick")
unit = call(units.get_unit, unit_id=unit_id)
parent = by_id.get(unit.parent_id)

st.title(plain(unit.name))
st.caption(f"{plain(unit.code)} · {kind_label(unit.kind)}" + (f" · {t('unit.under', parent=parent.name)}" if parent else ""))

profile_col, people_col = st.columns([3, 2])
with profile_col:
    st.subheader(t("unit.profile"))
    fields = [("head_name", unit.head_name), ("address", unit.address), ("phone", unit.phone),
              ("email", unit.email), ("website", unit.website)]
    st.dataframe(
        [{t("unit.field"): t(f"unit.{k}"), t("unit.value"): v or "–"} for k, v in fields],
        hide_index=True, width="stretch",
    )
    if call(access.can_write_unit, unit_id=unit.id):
        with st.expander(t("unit.edit_profile"), icon=":material/edit:"), st.form("unit_profile"):
            values = {k: st.text_input(t(f"unit.{k}"), value=v, key=f"profile_{k}") for k, v in fields}
            if st.form_submit_button(t("common.save"), type="primary"):
                try:
                    call(units.update_unit_profile, unit_id=unit.id, data=checked(units.UnitProfile, **values))
                    st.success(t("common.saved"))
                    st.rerun()
                except MonevError as exc:
                    show_error(exc)

with people_col:
    children = [u for u in visible if u.parent_id == unit.id]
    st.subheader(t("unit.sub_units", count=len(children)))
    if children:
        st.dataframe([{t("unit.code"): u.code, t("unit.name"): u.name} for u in children], hide_index=True,
                     width="stretch", height=min(36 * (len(children) + 1), 300))
    else:
        st.caption(t("unit.no_sub_units"))
    if c.viewer.role in (Role.ADMIN, Role.PIMPINAN, Role.SKPD):
        accounts = [u for u in call(users.list_users, include_inactive=False) if u.unit_id == unit.id]
        st.subheader(t("unit.accounts", count=len(accounts)))
        if accounts:
            show_table(pd.DataFrame([{t("users.display_name"): u.display_name, t("users.username"): u.username,
                                      t("users.role"): role_label(u.role)} for u in accounts]), room=370)
        else:
            st.caption(t("unit.no_accounts"))

unit_inventory.draw(unit.id, has_sub_units=bool(children))

year = utcnow().year + 1  # the year being planned
st.subheader(t("unit.needs", year=year))
counts = call(workflow.status_counts, fiscal_year=year, unit_ids=[unit.id])
if any(count.needs for count in counts):
    for col, count in zip(st.columns(len(counts)), counts, strict=True):
        col.metric(t(f"need_status.{count.status}"), num(count.needs), money(count.total),
                   delta_color="off", delta_arrow="off")
    st.caption(t("unit.needs_where"))
else:
    st.caption(t("unit.no_needs"))

st.subheader(t("audit.title"))
show_history(call(audit.history, unit_id=unit.id, lang=c.lang, limit=20))
