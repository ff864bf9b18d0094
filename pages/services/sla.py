"""SLA Layanan: per service, twelve months of compliance (availability inside service hours against its
target, response time p95, breaches with their causes) and the city's services for one month."""

import altair as alt
import pandas as pd
import streamlit as st

from core import formatting
from core.evaluation import evidence
from core.org import units
from core.services import register, sla
from core.tickets import complaints
from db.types import utcnow
from pages.common.shell import call, chart, ctx, deferred, guard, moment, num, pct, t, text

guard("sla")
c = ctx()
st.title(t("sla.title"))
st.caption(t("sla.caption"))
services = call(register.list_services)
if not services:
    st.info(t("services.none"), icon=":material/info:")
    st.stop()
names = {u.id: u.short_name or u.name for u in call(units.list_units)}
by_id = {s.id: s for s in services}
service_id = st.selectbox(t("services.name"), list(by_id), key="sla_service",
                          format_func=lambda i: f"{by_id[i].name} ({names.get(by_id[i].unit_id, '–')})")
today = formatting.local(utcnow(), c.settings.zone).date()
months = sla.last_months(today, 12)
results = call(sla.compliance, service_id=service_id, months=months, zone=c.settings.zone)
service = by_id[service_id]
# The complaint first-response target, measured from citizens' complaints (core.tickets.complaints).
answered = call(complaints.service_response, service_id=service_id, months=months, zone=c.settings.zone)




def month_name(day) -> str:
    return formatting.month(day, c.lang)


def answered_cell(month) -> str:
    if month is None:
        return text("sla.complaints_none")
    if not month.decided:
        return "–"
    return text("sla.complaints_cell", share=pct(month.share, 1), met=num(month.met), decided=num(month.decided))


last = results[-1]
cols = st.columns(5)
cols[0].metric(t("sla.this_month"), pct(last.month.percent), border=True)
cols[1].metric(t("services.sla_target"), pct(service.sla_availability), border=True)
cols[2].metric(t("sla.p95"), "–" if last.month.p95_ms is None else f"{num(last.month.p95_ms)} ms",
               border=True)
cols[3].metric(t("sla.breaches"), num(len(last.month.breaches)), border=True)
cols[4].metric(t("sla.complaints"), answered_cell(answered[-1]), border=True,
               help=t("sla.complaints_help", hours=num(service.sla_response_h, 1)) if service.sla_response_h else None)

frame = pd.DataFrame({"month": [month_name(r.month.month) for r in results],
                      "value": [r.month.percent for r in results]})
chart(alt.Chart(frame.dropna(), height=260).mark_line(point=True).encode(
    x=alt.X("month:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
    y=alt.Y("value:Q", title=text("sla.availability"), scale=alt.Scale(zero=False)),
    tooltip=[alt.Tooltip("month:N", title=text("sla.month")),
             alt.Tooltip("value:Q", title=text("sla.availability"), format=".2f")])
      + alt.Chart(pd.DataFrame({"y": [service.sla_availability]})).mark_rule(strokeDash=[4, 4], color="#c62828")
      .encode(y="y:Q"))
st.dataframe(pd.DataFrame({
    text("sla.month"): [month_name(r.month.month) for r in results],
    text("sla.availability"): [pct(r.month.percent) for r in results],
    text("sla.unknown"): [formatting.duration(r.month.unknown_s, c.lang) for r in results],
    text("sla.maintenance"): [formatting.duration(r.month.maintenance_s, c.lang) for r in results],
    text("sla.p95"): ["–" if r.month.p95_ms is None else f"{num(r.month.p95_ms)} ms" for r in results],
    text("sla.breaches"): [len(r.month.breaches) for r in results],
    text("services.met"): [text(f"services.met.{r.met}") for r in results],
    text("sla.complaints_col"): [answered_cell(a) for a in answered],
}).iloc[::-1], hide_index=True, width="stretch")
st.caption(t("sla.method"))
st.caption(t("sla.complaints_method"))
if any(r.month.from_days for r in results):
    st.caption(t("sla.from_days"))

st.subheader(t("sla.breaches_of", month=month_name(last.month.month)))
picked = st.selectbox(t("sla.month"), list(range(len(results)))[::-1], key="sla_month",
                      format_func=lambda i: month_name(results[i].month.month))
breaches = results[picked].month.breaches
if breaches:
    st.dataframe(pd.DataFrame({
        text("sla.started"): [moment(b.started_at) for b in breaches],
        text("sla.length"): [formatting.duration(b.service_s, c.lang) for b in breaches],
        text("sla.target"): [b.target for b in breaches],
        text("sla.cause"): [sla.breach_reason(b, c.lang) for b in breaches],
    }), hide_index=True, width="stretch")
else:
    st.caption(t("sla.no_breaches"))

st.subheader(t("sla.report", month=month_name(results[picked].month.month)))
buttons = st.container(horizontal=True)
for scope, fmt in ((service_id, "pdf"), (service_id, "xlsx"), (None, "pdf"), (None, "xlsx")):
    made = deferred(evidence.sla_report, month=results[picked].month.month, service_id=scope, fmt=fmt, lang=c.lang,
                    zone=c.settings.zone, org_name=c.settings.org_name)
    buttons.download_button(text("sla.download_one" if scope else "sla.download_all", fmt=fmt.upper()),
                            data=lambda made=made: made()[1], icon=":material/download:", on_click="ignore",
                            width="content", key=f"sla_report_{scope}_{fmt}",
                            file_name=f"laporan-sla-{results[picked].month.month:%Y-%m}"
                                      f"{'' if scope is None else f'-{scope}'}.{fmt}")
