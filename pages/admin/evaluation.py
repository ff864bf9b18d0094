"""Admin → Evaluasi: evaluation periods (each pinned to one framework), how the city's index is formed,
the thresholds and weights that turn measured figures into readiness levels (each change a new version),
and the frameworks themselves: names, weights, level descriptions and predicate bands, correctable until
a period uses them."""

import pandas as pd
import streamlit as st

from core.evaluation import frameworks, lifecycle, periods, readiness
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
    choice = st.selectbox(t("eval.framework"), ["", *frameworks.shipped()], key="admin_eval_framework",
                          format_func=lambda code: t("admin_eval.framework_auto") if not code
                          else frameworks.reference(code).title)
    if st.form_submit_button(t("admin_eval.create"), type="primary"):
        save(lifecycle.create_period, t("admin_eval.created", year=int(year)), year=int(year),
             framework=choice or None)
if not found:
    st.stop()

by_id = {p.id: p for p in found}
labels = {p.id: text("eval.period_label", year=p.year, status=t(f"eval.period_status.{p.status}"),
                     index=frameworks.reference(p.framework).index_label(c.lang)
                     if p.framework in frameworks.shipped() else p.framework) for p in found}
period_id = st.selectbox(t("eval.period"), list(by_id), key="admin_eval_period", format_func=labels.__getitem__)
period = by_id[period_id]
st.caption(t("admin_eval.pinned", title=cached(frameworks.title_of, code=period.framework)))

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
        # The day units submit by: shown on every unit's home with the days left.
        deadline = st.date_input(t("admin_eval.deadline"), value=period.deadline, key=f"admin_eval_deadline_{period.id}",
                                 format="DD/MM/YYYY", help=t("admin_eval.deadline_help"))
        if deadline != period.deadline and st.button(t("common.save"), key="admin_eval_deadline_save"):
            save(periods.set_deadline, t("common.saved"), period_id=period.id, deadline=deadline)
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
    st.dataframe([{t("admin_eval.version"): v.version,
                   t("audit.actor"): text("audit.actor_system") if v.actor == "system" else v.actor,
                   t("audit.at"): moment(v.at)}
                  for v in versions], hide_index=True, width="stretch")

st.subheader(t("admin_eval.frameworks"))
st.caption(t("admin_eval.frameworks_help"))
listed = cached(frameworks.listing)
code = st.selectbox(t("eval.framework"), [row["code"] for row in listed], key="admin_fw_code",
                    format_func=lambda k: next(r["title"] for r in listed if r["code"] == k))
row = next(r for r in listed if r["code"] == code)
frozen = bool(row["years"])
if frozen:
    st.info(t("framework.frozen", years=", ".join(str(y) for y in row["years"])), icon=":material/lock:")
doc = row["document"]
nodes = pd.DataFrame([{"code": n["code"], "kind": t(f"framework.kind.{n['kind']}"), "parent": n["parent"] or "",
                       "name": n["name"], "weight": n["weight"],
                       "scored_by": n.get("scored_by", "self").removeprefix("external:") if n["kind"] == "indicator"
                       else ""} for n in doc["nodes"]])
edited_nodes = st.data_editor(
    nodes, key=f"admin_fw_nodes_{code}_{row['updated_at']}", hide_index=True, width="stretch", num_rows="fixed",
    disabled=True if frozen else ["code", "kind", "parent"], height=min(560, 38 + 35 * len(nodes)), column_config={
        "code": st.column_config.TextColumn(t("eval.code"), width=80),
        "kind": st.column_config.TextColumn(t("framework.kind"), width=80),
        "parent": st.column_config.TextColumn(t("framework.parent"), width=80),
        "name": st.column_config.TextColumn(t("framework.name"), width="large", max_chars=300),
        "weight": st.column_config.NumberColumn(t("assessment.weight"), min_value=0.0, max_value=100.0, format="%.2f %%",
                                                width=90),
        "scored_by": st.column_config.TextColumn(t("assessment.scorer"), help=t("framework.scored_by_help"),
                                                 width=220)})
bands = pd.DataFrame(doc["bands"])[["lower", "name", "name_en", "maturity", "maturity_en"]]
edited_bands = st.data_editor(
    bands, key=f"admin_fw_bands_{code}_{row['updated_at']}", hide_index=True, width="stretch", num_rows="fixed",
    disabled=True if frozen else [], column_config={
        "lower": st.column_config.NumberColumn(t("framework.lower"), min_value=1.0, max_value=5.0, format="%.2f"),
        "name": st.column_config.TextColumn(t("spbe.predicate")),
        "name_en": st.column_config.TextColumn(t("framework.name_en")),
        "maturity": st.column_config.TextColumn(t("framework.maturity")),
        "maturity_en": st.column_config.TextColumn(t("framework.maturity_en"))})
indicator_codes = [n["code"] for n in doc["nodes"] if n["kind"] == "indicator"]
which = st.selectbox(t("framework.descriptions_of"), indicator_codes, key=f"admin_fw_desc_{code}",
                     format_func=lambda k: next(f"{n['number']}. {n['name']}" for n in doc["nodes"] if n["code"] == k))
node = next(n for n in doc["nodes"] if n["code"] == which)
descriptions, english = [], []
for lv, (own, en) in enumerate(zip(node.get("descriptions") or [""] * 5,
                                   frameworks.english_descriptions(node) or ("",) * 5, strict=False), start=1):
    left, right = st.columns(2)  # the regulation's words, and the English an English reader sees
    descriptions.append(left.text_area(text("readiness.level", level=lv), value=own, disabled=frozen, height=68,
                                       key=f"admin_fw_desc_{code}_{which}_{lv}_{row['updated_at']}"))
    english.append(right.text_area(text("framework.level_en", level=lv), value=en, disabled=frozen, height=68,
                                   key=f"admin_fw_desc_en_{code}_{which}_{lv}_{row['updated_at']}"))
if not frozen and st.button(t("framework.save"), type="primary", key="admin_fw_save", icon=":material/save:"):
    by_code = {r["code"]: r for _, r in edited_nodes.iterrows()}
    new_nodes = []
    for n in doc["nodes"]:
        changed = by_code[n["code"]]
        scored = str(changed["scored_by"] or "").strip()
        new_nodes.append({**n, "name": str(changed["name"] or "").strip(), "weight": float(changed["weight"] or 0),
                          **({"scored_by": f"external:{scored}" if scored and scored != "self" else "self"}
                             if n["kind"] == "indicator" else {}),
                          **({"descriptions": [d.strip() for d in descriptions],
                              "descriptions_en": [d.strip() for d in english]} if n["code"] == which else {})})
    new_bands = [{**b, **{k: (float(v) if k == "lower" else str(v or "").strip()) for k, v in r.items()}}
                 for b, (_, r) in zip(doc["bands"], edited_bands.iterrows(), strict=True)]
    save(frameworks.edit, t("framework.saved"), code=code, document={**doc, "nodes": new_nodes, "bands": new_bands})
