"""Kesiapan TIK: each unit's measured indicators (availability, devices, staff, applications, duplicates),
the level each reaches under this period's thresholds, and the inputs behind every figure."""

import pandas as pd
import streamlit as st

from core import formatting
from core.evaluation import readiness, report
from pages.common.shell import cached, ctx, guard, num, plain, show_table, t
from pages.evaluation.periods import pick_period

guard("readiness")
c = ctx()
st.title(t("readiness.title"))
st.caption(t("readiness.caption"))
period = pick_period(st.columns([1, 2])[0])
if period.status == "closed":
    st.caption(t("readiness.frozen", date=formatting.day(period.closed_at, c.lang, c.settings.zone)))
rows = cached(readiness.readiness, period_id=period.id, zone=c.settings.zone, org_name=c.settings.org_name)
versions = cached(readiness.rule_versions, period_id=period.id)
rules = versions[0].rules if versions else readiness.default_rules()
if not rows:
    st.info(t("overview.empty"))
    st.stop()

table = pd.DataFrame({"unit": [r.name for r in rows], "index": [num(r.index, 2) for r in rows],
                      **{m.code: [str(r.measures[m.code].level or "–") for r in rows] for m in readiness.MEASURES}})
config = {"unit": st.column_config.TextColumn(t("eval.unit")),
          "index": st.column_config.TextColumn(t("readiness.index_short"), help=t("readiness.index"))}
for m in readiness.MEASURES:
    config[m.code] = st.column_config.TextColumn(t(f"measure.short.{m.code}"), help=t(f"measure.{m.code}"))
show_table(table, height=min(420, 38 + 35 * len(rows)), column_config=config)
st.caption(t("readiness.levels_note"))

by_id = {r.unit_id: r for r in rows}
default = list(by_id).index(c.viewer.unit_id) if c.viewer.unit_id in by_id else 0
unit_id = st.selectbox(t("readiness.open_unit"), list(by_id), index=default, key="readiness_unit",
                       format_func=lambda i: f"{by_id[i].name} ({by_id[i].code})")
row = by_id[unit_id]
st.subheader(plain(row.name))
st.metric(t("readiness.index"), num(row.index, 2), help=t("eval.readiness_help"))
for m in readiness.MEASURES:
    measured = row.measures[m.code]
    rule = rules.get(m.code, readiness.default_rules()[m.code])
    label = (f"{t(f'measure.{m.code}')}: {report.measure_text(m.code, measured.value, c.lang)} → "
             + (t("readiness.level", level=measured.level) if measured.level else t("readiness.not_measured")))
    with st.expander(label):
        st.caption(t(f"measure.{m.code}.help"))
        inputs = [{t("eval.inputs"): t(f"input.{k}"),
                   t("eval.value"): ", ".join(t(f"competence.{x}") for x in v) or "–" if isinstance(v, list)
                   else ("–" if v is None else str(v))} for k, v in measured.inputs.items()]
        st.dataframe(inputs, hide_index=True, width="stretch")
        sign = "≥" if m.higher_is_better else "≤"
        st.caption(t("readiness.rule", weight=rule["weight"],
                     bounds=", ".join(f"{t('readiness.level', level=i + 2)} {sign} {b}"
                                      for i, b in enumerate(rule["thresholds"]))))
