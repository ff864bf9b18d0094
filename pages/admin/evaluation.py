"""Admin → Evaluasi: evaluation periods, how the city's index is formed, and the thresholds and weights
that turn measured figures into readiness levels (each change a new version)."""

import pandas as pd
import streamlit as st

from core.evaluation import lifecycle, periods, readiness
from pages.common.shell import cached, ctx, guard, moment, save, show_flash, t, text

guard("admin_evaluation")
c = ctx()
st.title(t("admin_eval.title"))
show_flash()
found = cached(periods.list_periods)

with st.expander(t("admin_eval.new_period"), icon=":material/add:", expanded=not found), \
        st.form("admin_eval_new"):
    year = st.number_input(t("eval.year"), min_value=2000, max_value=2100, step=1, key="admin_eval_year",
                           value=(found[0].year + 1) if found else 2026)
    if st.form_submit_button(t("admin_eval.create"), type="primary"):
        save(lifecycle.create_period, t("admin_eval.created", year=int(year)), year=int(year))
if not found:
    st.stop()

by_id = {p.id: p for p in found}
period_id = st.selectbox(t("eval.period"), list(by_id), key="admin_eval_period",
                         format_func=lambda i: text("eval.period_label", year=by_id[i].year,
                                                 status=t(f"eval.period_status.{by_id[i].status}")))
period = by_id[period_id]

left, right = st.columns(2)
with left:
    st.subheader(t("eval.city_method"))
    method = st.radio(t("eval.city_method"), periods.CITY_METHODS, label_visibility="collapsed",
                      index=periods.CITY_METHODS.index(period.city_method), key=f"admin_eval_method_{period.id}",
                      format_func=lambda m: t(f"eval.method.{m}"), captions=[t(f"eval.method_help.{m}")
                                                                               for m in periods.CITY_METHODS])
    if method != period.city_method and st.button(t("common.save"), key="admin_eval_method_save"):
        save(periods.set_city_method, t("common.saved"), period_id=period.id, method=method)
with right:
    st.subheader(t("admin_eval.state"))
    if period.status == "open":
        st.caption(t("admin_eval.close_help"))
        if st.button(t("admin_eval.close"), icon=":material/lock:", key="admin_eval_close"):
            save(lifecycle.close_period, lambda n: t("admin_eval.closed", year=period.year, count=n),
                 period_id=period.id, zone=c.settings.zone, org_name=c.settings.org_name)
    else:
        st.caption(t("admin_eval.closed_at", at=moment(period.closed_at)))
        if st.button(t("admin_eval.reopen"), icon=":material/lock_open:", key="admin_eval_reopen"):
            save(lifecycle.reopen_period, t("admin_eval.reopened", year=period.year), period_id=period.id)

st.subheader(t("admin_eval.rules"))
st.caption(t("admin_eval.rules_help"))
versions = cached(readiness.rule_versions, period_id=period.id)
rules = {**readiness.default_rules(), **(versions[0].rules if versions else {})}
frame = pd.DataFrame([{"measure": m.code, "name": t(f"measure.{m.code}"),
                       "direction": t("admin_eval.higher") if m.higher_is_better else t("admin_eval.lower"),
                       "t2": rules[m.code]["thresholds"][0], "t3": rules[m.code]["thresholds"][1],
                       "t4": rules[m.code]["thresholds"][2], "t5": rules[m.code]["thresholds"][3],
                       "weight": rules[m.code]["weight"]} for m in readiness.MEASURES])
edited = st.data_editor(
    frame, key=f"admin_eval_rules_{period.id}_{versions[0].version if versions else 0}", hide_index=True,
    width="stretch", num_rows="fixed", disabled=["measure", "name", "direction"] if period.status == "open" else True,
    column_config={"measure": None, "name": st.column_config.TextColumn(t("eval.measure"), width="large"),
                   "direction": st.column_config.TextColumn(t("admin_eval.direction")),
                   **{f"t{n}": st.column_config.NumberColumn(text("readiness.level", level=n), format="%g")
                      for n in (2, 3, 4, 5)},
                   "weight": st.column_config.NumberColumn(t("admin_eval.weight"), min_value=0.0, format="%g")})
if period.status == "open" and st.button(t("admin_eval.save_rules"), type="primary", key="admin_eval_rules_save"):
    new = {r["measure"]: {"thresholds": [float(r[f"t{n}"]) for n in (2, 3, 4, 5)], "weight": float(r["weight"])}
           for _, r in edited.iterrows()}
    save(readiness.save_rules, lambda v: t("admin_eval.rules_saved", version=v), period_id=period.id, rules=new)
if versions:
    st.caption(t("admin_eval.versions"))
    st.dataframe([{t("admin_eval.version"): v.version, t("audit.actor"): v.actor, t("audit.at"): moment(v.at)}
                  for v in versions], hide_index=True, width="stretch")
