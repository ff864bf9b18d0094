"""Duplikat: one master record. Conflicts across units and, for admins, merge / transfer / keep."""

import pandas as pd
import streamlit as st

from core.inventory import duplicates
from core.org import units
from pages.common.shell import cached, ctx, guard, moment, save, show_flash, show_table, t, text

guard("duplicates")
c = ctx()
st.title(t("duplicates.title"))
st.caption(t("duplicates.caption"))
show_flash()

conflicts = cached(duplicates.find_conflicts, org_name=c.settings.org_name)
kinds = sorted({x.kind for x in conflicts})
cols = st.columns(max(1, len(kinds)) + 1)
cols[0].metric(t("duplicates.open"), len(conflicts))
for col, kind in zip(cols[1:], kinds, strict=False):
    col.metric(t(f"duplicates.kind.{kind}"), sum(1 for x in conflicts if x.kind == kind))


def _detail(conflict) -> str:
    parts = []
    for reason in conflict.detail.split("; "):
        if reason.startswith("function:"):
            parts.append(text("duplicates.same_function", function=reason.removeprefix("function:")))
        elif reason == "name":
            parts.append(t("duplicates.similar_name"))
    return "; ".join(parts)


if not conflicts:
    st.success(t("duplicates.none"))
else:
    show_table(pd.DataFrame({
        t("duplicates.col_kind"): [t(f"duplicates.kind.{x.kind}") for x in conflicts],
        t("duplicates.col_score"): [x.score for x in conflicts],
        t("duplicates.col_records"): [len(x.records) for x in conflicts],
        t("duplicates.col_units"): [", ".join(r["unit"] for r in x.records) for x in conflicts],
        t("duplicates.col_value"): [x.value for x in conflicts],
        t("duplicates.col_reason"): [_detail(x) for x in conflicts],
    }), height=min(35 * (len(conflicts) + 1) + 3, 420), column_config={
        t("duplicates.col_score"): st.column_config.ProgressColumn(t("duplicates.col_score"), min_value=0,
                                                                   max_value=100, format="%d", width="small"),
        t("duplicates.col_records"): st.column_config.NumberColumn(width="small"),
        t("duplicates.col_units"): st.column_config.TextColumn(width="large"),
        t("duplicates.col_value"): st.column_config.TextColumn(width="large"),
    })

if conflicts and c.viewer.is_admin:
    st.subheader(t("duplicates.resolve"))
    by_key = {x.key: x for x in conflicts}
    key = st.selectbox(t("duplicates.pick"), list(by_key), key="dup_pick",
                       format_func=lambda k: f"{t('duplicates.kind.' + by_key[k].kind)} · {by_key[k].value}")
    conflict = by_key[key]
    records = {r["id"]: r for r in conflict.records}
    all_units = cached(units.list_units)
    unit_names = {u.id: u.name for u in all_units}
    with st.form(f"dup_form_{key}"):
        action = st.radio(t("duplicates.action"), ["merge", "transfer", "keep"], key="dup_action",
                          format_func=lambda a: t(f"duplicates.action.{a}"))
        left, right = st.columns(2)
        keep_id = left.selectbox(t("duplicates.keep_record"), list(records), key="dup_keep",
                                 format_func=lambda i: f"{records[i]['label']} · {records[i]['unit']}")
        unit_id = right.selectbox(t("duplicates.to_unit"), list(unit_names), key="dup_unit",
                                  format_func=unit_names.get)
        reason = st.text_input(t("duplicates.reason"), key="dup_reason")
        if st.form_submit_button(t("duplicates.resolve"), type="primary"):
            save(duplicates.resolve, t("duplicates.done"), key=key, action=action, keep_id=keep_id,
                 unit_id=unit_id if action == "transfer" else None, reason=reason, org_name=c.settings.org_name)
elif conflicts:
    st.caption(t("duplicates.read_only"))

kept = cached(duplicates.kept_decisions)
if kept:
    st.subheader(t("duplicates.kept"))
    show_table(pd.DataFrame({
        t("duplicates.col_kind"): [t(f"duplicates.kind.{d.kind}") for d in kept],
        t("duplicates.col_reason"): [d.reason for d in kept],
        t("duplicates.col_by"): [f"{d.actor} · {moment(d.at)}" for d in kept],
    }), hide_index=True, width="stretch")
