"""Ringkasan: every unit the viewer may see, with counts of what the store holds about it."""

import altair as alt
import pandas as pd
import streamlit as st

from core import formatting, overview
from pages.common.shell import call, guard, kind_label, t

guard("overview")
st.title(t("overview.title"))
rows = call(overview.unit_summaries)
if not rows:
    st.info(t("overview.empty"))
    st.stop()

kinds = overview.kind_counts(rows)
top_level = sum(n for k, n in kinds.items() if k not in ("kelurahan", "bagian", "kecamatan", "upt"))
cols = st.columns(4)
cols[0].metric(t("overview.units"), formatting.number(len(rows)))
cols[1].metric(t("overview.perangkat_daerah"), formatting.number(top_level))
cols[2].metric(t("overview.kecamatan_kelurahan"),
               f"{formatting.number(kinds.get('kecamatan', 0))} / {formatting.number(kinds.get('kelurahan', 0))}")
cols[3].metric(t("overview.accounts"), formatting.number(sum(r.accounts for r in rows)))

frame = pd.DataFrame(
    {
        t("unit.code"): [r.code for r in rows],
        t("unit.name"): [r.name for r in rows],
        t("unit.kind"): [kind_label(r.kind) for r in rows],
        t("unit.parent"): [r.parent_name for r in rows],
        t("overview.sub_units"): [r.sub_units for r in rows],
        t("overview.accounts"): [r.accounts for r in rows],
    }
)
left, right = st.columns([1, 2])
with left:
    st.subheader(t("overview.by_kind"))
    by_kind = pd.DataFrame({"kind": [kind_label(k) for k in kinds], "n": list(kinds.values())})
    chart = (
        alt.Chart(by_kind)
        .mark_bar(color="#1f6feb")
        .encode(
            x=alt.X("n:Q", title=t("overview.count")),
            y=alt.Y("kind:N", sort="-x", title=None),
            tooltip=[alt.Tooltip("kind:N", title=t("unit.kind")), alt.Tooltip("n:Q", title=t("overview.count"))],
        )
    )
    st.altair_chart(chart, width="stretch")
with right:
    st.subheader(t("overview.table"))
    query = st.text_input(t("overview.search"), key="overview_search", placeholder=t("overview.search_hint"))
    if query:
        mask = frame[t("unit.name")].str.contains(query, case=False, regex=False) | frame[t("unit.code")].str.contains(
            query, case=False, regex=False
        )
        frame = frame[mask]
    st.dataframe(frame, hide_index=True, width="stretch", height=420)
