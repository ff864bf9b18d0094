"""Ringkasan pimpinan: the city's index on the period's framework (Indeks SPBE or Indeks Pemdi) and readiness, the ranking of units, the weakest domains,
the top problems, trends, recommendations and the annual report. An skpd user sees their own unit
beside the city figures, and no other unit's name."""

import pandas as pd
import streamlit as st

from core.access import Role
from core.evaluation import leadership, report
from pages.common.incidents import month_figures
from pages.common.shell import ROOM_PX, cached, ctx, guard, num, pct, plain, prepared_download, show_table, t
from pages.evaluation.periods import pick_period

guard("overview")
c = ctx()
head, picker = st.columns([5, 2], vertical_alignment="bottom")
head.title(t("page.overview_unit") if c.viewer.role is Role.SKPD else t("overview.title"))  # what the viewer sees
period = pick_period(picker)
view = cached(leadership.overview, period_id=period.id, zone=c.settings.zone, org_name=c.settings.org_name)
city, before = view.city, view.city_previous
fw = view.framework
idx = fw.index_label(c.lang)
st.caption(t("overview.caption", org=c.settings.org_name, year=period.year,
             method=t(f"eval.method.{view.city_method}")) + " · " + plain(fw.title))




def delta(now, old):
    if now is None or old is None:
        return None
    return report.change_text(now, old, c.lang)


cols = st.columns(5)
# A change is shown only against a previous period on the same framework: two scales are not one.
comparable = before if before is not None and before.framework.code == fw.code else None
head = city.headline  # final, or provisional and marked so: never a bare dash
# Provisional: the card says so where a change would stand (a provisional figure is not compared).
cols[0].metric(t("eval.city_index", index=idx), report.headline_value(head, c.lang),
               t("eval.provisional") if head.provisional and head.value is not None
               else delta(head.value, comparable.index if comparable else None),
               delta_color="off" if head.provisional else "normal", delta_arrow="off" if head.provisional else "auto",
               help=t("eval.city_index_help", regulation=fw.regulation), border=True)
band, maturity = report.headline_band(head, c.lang, fw)
cols[1].metric(t("spbe.predicate"), band, maturity or None, delta_color="off", delta_arrow="off", border=True)
cols[2].metric(t("eval.city_readiness"), num(city.readiness, 2),
               delta(city.readiness, before.readiness if before else None), help=t("eval.readiness_help"), border=True)
cols[3].metric(t("eval.city_availability"), "–" if city.availability is None else
               pct(city.availability), border=True, help=t("eval.availability_since", year=period.year))
cols[4].metric(t("eval.verified_units"), f"{city.verified} / {city.units}",
               help=t("eval.assessed_units", count=city.assessed), border=True)
if head.provisional or head.value is None:
    st.info(plain(report.basis_text(head, c.lang)), icon=":material/info:")
else:
    st.caption(plain(report.basis_text(head, c.lang)))
with st.expander(t("overview.city_inputs"), icon=":material/calculate:"):
    i = city.inputs
    st.markdown("\n".join([
        "- " + t(f"overview.city_inputs.{view.city_method}", index=idx, status=t(f"eval.status.{i['city_assessment']}"),
                 verified=i["verified_units"], units=i["units"]),
        "- " + t("overview.city_inputs.readiness", count=i["readiness_units"], units=i["units"]),
        "- " + t("overview.city_inputs.availability", up=num(i["up_h"], 1),
                 measured=num(i["measured_h"], 1), count=i["measured_units"]),
    ]))
    st.caption(t("overview.city_inputs.more"))
month_figures("overview")  # this month's MTTA and MTTR, the figure Ketersediaan shows too

if view.own_only:
    st.subheader(t("overview.own_units"))
    for row in [r for r in view.rows if r.unit_id == c.viewer.unit_id]:
        cols = st.columns(4)
        cols[0].metric(plain(row.name), num(row.spbe, 2), delta(row.spbe, city.index) if row.spbe is not None else None,
                       help=t("overview.vs_city"), border=True)
        cols[1].metric(t("eval.rank"), t("eval.rank_of", rank=row.rank, of=city.ranked) if row.rank else "–",
                       border=True)
        cols[2].metric(t("eval.readiness"), num(row.readiness.index, 2), border=True)
        cols[3].metric(t("eval.status"), t(f"eval.status.{row.status}"), border=True)

st.subheader(t("eval.ranking"))
# Tables with a bar per row rather than Vega charts: the first chart of a browser session costs about half a
# second to load its library, and this is leadership's landing page (the annual report draws the charts).
metric = st.segmented_control(t("overview.rank_by"), ["spbe", "readiness", "availability"], default="spbe",
                              format_func=lambda m: t(f"overview.rank_by.{m}", index=idx), key="overview_rank_by") or "spbe"
values = {"spbe": lambda r: r.spbe if r.rank else None, "readiness": lambda r: r.readiness.index,
          "availability": lambda r: r.availability}
if metric == "spbe":
    st.caption(t("overview.ranked_verified", index=idx))
# The chosen measure first, then every unit without it (by name): each unit once, nothing cut from the list.
ordered = sorted(view.rows, key=lambda r: (values[metric](r) is None, -(values[metric](r) or 0),
                                           -(r.spbe or 0), r.short_name or r.name))
if not any(values[metric](r) is not None for r in ordered):
    st.caption(t("overview.nothing_ranked"))
shown_values = [values[metric](r) for r in ordered]
low = 0.0 if metric != "availability" else float(int(min(v for v in shown_values if v is not None) or 0)
                                                     if any(v is not None for v in shown_values) else 0)
bar = t("overview.bar_percent" if metric == "availability" else "overview.bar")
table = pd.DataFrame({
    t("eval.rank"): [str(r.rank) if r.rank else "–" for r in ordered],
    t("eval.unit"): [r.short_name or r.name for r in ordered],
    t("eval.status"): [t(f"eval.status.{r.status}") for r in ordered],
    bar: [None if v is None else round(v, 2) for v in shown_values],
    idx: [num(r.spbe, 2) for r in ordered],
    t("spbe.predicate"): [report.predicate_text(r.spbe, c.lang, fw) for r in ordered],
    t("overview.rank_by.readiness"): [num(r.readiness.index, 2) for r in ordered],
    t("eval.availability"): ["–" if r.availability is None else pct(r.availability) for r in ordered],
})
show_table(table, height=min(460, 38 + 35 * len(table)), column_config={
    bar: st.column_config.ProgressColumn(bar, min_value=low, max_value=100.0 if metric == "availability" else 5.0,
                                         format=" "),  # the figure itself is in its own column, written the house way
})

levels_word = "domains" if fw.domains() else "aspects"  # Pemdi has aspects only
st.subheader(t(f"eval.weakest.{levels_word}"))
own_row = next((r for r in view.rows if r.unit_id == c.viewer.unit_id), None) if view.own_only else None
domain_values, aspect_values = (own_row.domains, own_row.aspects) if own_row else city.groups_shown
caption = t(f"eval.{levels_word}_unit") if own_row else t(f"eval.{levels_word}_city")
if own_row and own_row.status != "verified":  # the unit's own answers, not yet checked by Kominfo
    caption += " " + t("overview.unit_provisional")
if not own_row and head.provisional and head.basis == "kominfo" and head.value is not None:  # the values behind a provisional headline
    caption += " " + t("overview.groups_provisional")
st.caption(caption)
# SPBE: domains beside aspects; Pemdi has aspects only. Weakest first, each with a bar on the 0–5 scale.
left, right = st.columns(2) if fw.domains() else (st.container(), None)
for where, kind, kind_values, nodes in ((left, "domain", domain_values, fw.domains()),
                                        (right or left, "aspect", aspect_values, fw.aspects())):
    known = sorted(((code, v) for code, v in kind_values.items() if v is not None), key=lambda p: (p[1], p[0]))
    if not known:
        continue
    column = t(f"eval.{kind}")
    with where:
        show_table(pd.DataFrame({
            column: [f"{code} {nodes[code].name}" for code, _ in known],
            idx: [num(v, 2) for _, v in known],
            t("overview.scale"): [round(v, 2) for _, v in known],
            t("spbe.predicate"): [report.predicate_text(v, c.lang, fw) for _, v in known],
        }), room=ROOM_PX if right is None else ROOM_PX // 2, column_config={
            t("overview.scale"): st.column_config.ProgressColumn(t("overview.scale"), min_value=0.0, max_value=5.0,
                                                                 format=" ")})
if not any(v is not None for v in [*domain_values.values(), *aspect_values.values()]):
    left.caption(t("eval.groups_none", kind=t(f"eval.{levels_word[:-1]}").lower()))
st.caption(t("eval.weakest_indicators"))
show_table(pd.DataFrame({
    t("eval.indicator_no"): [n for n, _ in view.weakest_indicators],
    t("eval.indicator"): [fw.indicator(n).name for n, _ in view.weakest_indicators],
    t("eval.mean_level"): [num(v, 2) for _, v in view.weakest_indicators],
}))
st.caption(t("eval.trend"))
if view.trend:
    history = [p for p in view.trend if p.get("framework")]
    show_table(pd.DataFrame({
        t("eval.year"): [str(p["year"]) for p in history],
        t("eval.series"): [t(f"eval.series.{p['series'].partition(':')[0]}",
                             index=report.index_names(c.lang)[p["framework"]])
                           + (" · " + t("eval.provisional") if p.get("provisional") else "") for p in history],
        t("eval.value"): [num(p["value"], 2) for p in history],
        t("spbe.predicate"): [p["band"].label(c.lang) if p["band"] else "–" for p in history],
    }))
    if len({p["framework"] for p in history}) > 1:
        st.caption(t("overview.history_frameworks"))
else:
    st.caption(t("overview.no_trend"))

st.subheader(t("eval.top_problems"))
tabs = st.tabs([t(f"eval.problem.{k}") + f" ({len(v)})" for k, v in view.problems.items()])
for tab, (kind, items) in zip(tabs, view.problems.items(), strict=True):
    with tab:
        if not items:
            st.caption(t("overview.no_problem"))
            continue
        st.dataframe(pd.DataFrame({
            t("eval.unit"): [p.get("unit") or ", ".join(p.get("units", [])) or "–" for p in items],
            t("eval.detail"): [report.problem_detail(kind, p, c.lang) for p in items],
        }), hide_index=True, width="stretch")

st.subheader(t("eval.recommendations"))
for key, params in leadership.recommendations(view):
    st.markdown("- " + plain(report.recommendation_text(key, params, c.lang)))

st.subheader(t("report.title", year=period.year))
st.caption(t("report.caption"))
cols = st.columns([1, 1, 2])
base = f"laporan-monev-tik-{period.year}"
# The PDF has a page per unit (about a hundred for a city): made on request with its progress shown.
for col, kind, mime in ((cols[0], "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                        (cols[1], "pdf", "application/pdf")):
    prepared_download(col, t(f"report.file_{kind}"), report.build, key=f"report_{kind}",
                      file_name=f"{base}.{kind}", mime=mime, period_id=period.id, kind=kind, lang=c.lang,
                      zone=c.settings.zone, org_name=c.settings.org_name)
