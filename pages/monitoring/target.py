"""Target detail: state, latest checks, latency p50/p95 per hour, incidents, reboots, interfaces, certificate."""

import altair as alt
import pandas as pd
import streamlit as st

from core import charts, formatting
from core.i18n import reason_text
from core.monitoring import target_detail, targets
from core.monitoring.states import look
from db.types import utcnow
from pages.common.shell import cached, call, chart, ctx, guard, moment, num, plain, show_table, t

guard("target")
c = ctx()
rows = cached(targets.target_rows, include_disabled=False)
if not rows:
    st.title(t("target.title"))
    st.info(t("availability.empty"))
    st.stop()
by_id = {r.id: r for r in rows}
wanted = st.query_params.get("id")
ids = list(by_id)
# Only ASCII digits: "²".isdigit() is True, and int("²") fails.
index = ids.index(int(wanted)) if wanted and wanted.isascii() and wanted.isdigit() and int(wanted) in by_id else 0
pick = st.selectbox(t("admin_targets.pick"), ids, index=index, key="target_pick",
                    format_func=lambda i: f"{by_id[i].name} · {by_id[i].host}")
st.query_params["id"] = str(pick)
info = call(target_detail.detail, target_id=pick, zone=c.settings.zone, now=utcnow())
target, state = info.target, info.state

st.title(plain(target.name))
shown = look(state.state)
st.markdown(f":{shown.colour}[● {t(shown.label)}] · {target.kind.upper()} · "
            f"{plain(target.host + (':' + str(target.port) if target.port else ''))} · "
            f"{t('target.since', when=moment(state.state_since) if state.state_since else '–')}")
if state.last_reason:
    st.caption(plain(reason_text(state.last_reason, c.lang)))

cols = st.columns(4)
cols[0].metric(t("target.latency"), f"{num(state.last_latency_ms, 1)} ms"
               if state.last_latency_ms is not None else "–")
cols[1].metric(t("admin_targets.last_check"), formatting.clock(state.last_check_at, c.settings.zone, c.lang),
               help=moment(state.last_check_at) if state.last_check_at else None)
cols[2].metric(t("availability.incidents"), num(len(info.incidents)))
if info.cert_days is not None:
    cols[3].metric(t("target.cert_days"), num(info.cert_days),
                   delta=t("target.cert_soon") if info.cert_days < 14 else None, delta_color="inverse")
elif info.reboots:
    cols[3].metric(t("target.last_reboot"), moment(info.reboots[0].at))

system = info.system
if system is not None:
    st.subheader(t("target.system"))
    left, mid, right = st.columns([2, 1, 1])
    left.text(f"{system.name or '–'}\n{system.description or '–'}")  # device data: shown as text, never markdown
    mid.metric(t("target.uptime"), formatting.duration(system.uptime_s, c.lang) if system.uptime_s is not None
               else t("target.uptime_unknown"), help=t("target.uptime_help"))
    right.metric(t("target.booted"), moment(system.booted_at) if system.booted_at else "–")

zone = formatting.zone_name(c.settings.zone)
if info.latency_hourly:
    st.subheader(t("target.latency_chart"))
    frame = pd.DataFrame({"hour": [formatting.local(h, c.settings.zone).replace(tzinfo=None)
                                   for h, _a, _b, _n in info.latency_hourly],
                          "p50": [a for _h, a, _b, _n in info.latency_hourly],
                          "p95": [b for _h, _a, b, _n in info.latency_hourly]})
    long = frame.melt("hour", var_name="percentile", value_name="ms")
    chart(alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("hour:T", title=None, axis=alt.Axis(format=charts.HOUR_FORMATS[c.lang])), y=alt.Y("ms:Q", title="ms"),
        color=alt.Color("percentile:N", title=None),
        tooltip=[alt.Tooltip("hour:T", title=zone, format=charts.MOMENT_FORMATS[c.lang]),
                 alt.Tooltip("percentile:N", title=" "), alt.Tooltip("ms:Q", title="ms", format=".2f")]))

if info.interfaces:
    st.subheader(t("target.interfaces"))
    st.dataframe(pd.DataFrame({
        t("target.interface"): [i["name"] for i in info.interfaces],
        t("target.admin"): [t("target.if_up") if i["admin"] == 1 else t("target.if_down") for i in info.interfaces],
        t("target.oper"): [t("target.if_up") if i["oper"] == 1 else t("target.if_down") for i in info.interfaces],
        t("target.in"): [num((i["in_bps"] or 0) / 1e6, 2) + " Mbit/s" if i["in_bps"] is not None
                         else "–" for i in info.interfaces],
        t("target.out"): [num((i["out_bps"] or 0) / 1e6, 2) + " Mbit/s" if i["out_bps"] is not None
                          else "–" for i in info.interfaces],
    }), hide_index=True, width="stretch")
    traffic = [s for s in info.traffic if s.in_bps is not None]
    if traffic:
        series = pd.DataFrame({
            "at": [formatting.local(s.at, c.settings.zone).replace(tzinfo=None) for s in traffic] * 2,
            "interface": [f"{s.name} ↓" for s in traffic] + [f"{s.name} ↑" for s in traffic],
            "mbps": [s.in_bps / 1e6 for s in traffic] + [(s.out_bps or 0) / 1e6 for s in traffic],
        })
        chart(alt.Chart(series).mark_line().encode(
            x=alt.X("at:T", title=None, axis=alt.Axis(format=charts.HOUR_FORMATS[c.lang])), y=alt.Y("mbps:Q", title="Mbit/s"),
            color=alt.Color("interface:N", title=None),
            tooltip=[alt.Tooltip("at:T", title=zone, format=charts.MOMENT_FORMATS[c.lang]),
                     alt.Tooltip("interface:N", title=t("target.interface")),
                     alt.Tooltip("mbps:Q", title="Mbit/s", format=".2f")]))

left, right = st.columns(2)
with left:
    st.subheader(t("target.checks"))
    show_table(pd.DataFrame({
        t("audit.at"): [moment(b.at) for b in info.checks],
        t("admin_targets.state"): [t(look(b.status).label) for b in info.checks],
        t("target.latency"): [num(b.latency_ms, 2) if b.latency_ms is not None else "–"
                              for b in info.checks],
        t("availability.reason"): [reason_text(b.reason, c.lang) for b in info.checks],
    }), room=460, height=320)
with right:
    st.subheader(t("target.incidents"))
    if info.incidents:
        show_table(pd.DataFrame({
            t("availability.started"): [moment(i.started_at) for i in info.incidents],
            t("availability.ended"): [moment(i.ended_at) if i.ended_at else t("availability.ongoing")
                                      for i in info.incidents],
            t("availability.reason"): [reason_text(i.reason, c.lang) for i in info.incidents],
        }), room=460, height=320)
    else:
        st.caption(t("availability.no_incidents"))

if info.events:
    st.subheader(t("target.events"))
    st.dataframe(pd.DataFrame({
        t("audit.at"): [moment(e.at) for e in info.events],
        t("target.event"): [t(f"target.event.{e.kind}") for e in info.events],
        t("target.change"): [f"{t(look(e.old).label) if e.kind == 'state' else e.old} → "
                             f"{t(look(e.new).label) if e.kind == 'state' else e.new}" for e in info.events],
    }), hide_index=True, width="stretch")
