"""Ketersediaan: availability per unit over a window, against its goal; ranking, days, incidents."""

from datetime import datetime, time, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from core import charts, formatting
from core.i18n import reason_text
from core.monitoring import response, uptime
from core.monitoring.availability import PRESETS
from db.types import utcnow
from pages.common.incidents import month_figures
from pages.common.shell import cached, chart, ctx, guard, moment, num, pct, show_table, t, text

guard("availability")
GANTT_ROWS = 30
c = ctx()
st.title(t("availability.title"))

choices = [*PRESETS, "custom"]
window = st.segmented_control(t("availability.window"), choices, default="30d", key="availability_window",
                              format_func=lambda k: t(f"availability.window.{k}"))
now = utcnow()
if window == "custom":
    today = formatting.local(now, c.settings.zone).date()
    picked = st.date_input(t("availability.range"), value=(today - timedelta(days=7), today), key="availability_range",
                           max_value=today)
    if not isinstance(picked, tuple) or len(picked) != 2:
        st.stop()
    start = datetime.combine(picked[0], time(), c.settings.zone)
    end = min(now, datetime.combine(picked[1] + timedelta(days=1), time(), c.settings.zone))
    span = {"start": start, "end": end}
else:
    span = {"preset": window or "30d"}

def part(name: str) -> uptime.WindowView:
    return cached(uptime.window_view, zone=c.settings.zone, parts=(name,), **span)

view = part("report")
start, end, report = view.start, view.end, view.report
if not report:
    st.info(t("availability.empty"))
    st.stop()


meeting, measured = uptime.goal_count(report)
cols = st.columns(4)
cols[0].metric(t("availability.overall"), pct(uptime.overall_percent(report)))
cols[1].metric(t("availability.meeting_goal"), f"{meeting} / {measured}")
cols[2].metric(t("availability.incidents"), num(sum(r.incidents for r in report)))
cols[3].metric(t("availability.unknown"), f"{num(sum(r.figure.unknown_s for r in report) / 3600, 1)} "
               f"{t('availability.hours')}", help=t("availability.unknown_help"))
st.caption(t("deps.availability_caption"))  # unreachable behind a dead parent is still down for its users

frame = pd.DataFrame({
    "unit": [r.short_name or r.name for r in report],
    "availability": [r.figure.percent for r in report],
    "goal": [r.goal for r in report],
    "meets": [t("availability.meets") if r.meets_goal else t("availability.misses") if r.meets_goal is False else "–"
              for r in report],
})
worst = frame.dropna(subset=["availability"]).head(15)  # the report comes worst first
# Lazy tabs: only the open one reads and draws, so the page opens on the ranking at once.
tab_rank, tab_days, tab_events, tab_response = st.tabs(
    [t("availability.tab_ranking"), t("availability.tab_calendar"), t("availability.tab_incidents"),
     t("availability.tab_response")], key="availability_tab", on_change="rerun")
with tab_rank:
    if tab_rank.open:
        if not worst.empty:
            st.subheader(t("availability.ranking", count=len(worst)))
            low = min(float(worst["availability"].min()), float(worst["goal"].min()))
            scale = alt.Scale(domain=[max(0.0, low - 0.5), 100], clamp=True)
            bars = alt.Chart(worst).mark_bar().encode(
                x=alt.X("availability:Q", title="%", scale=scale),
                y=alt.Y("unit:N", sort=None, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=220)),
                color=alt.Color("meets:N", title=None, scale=alt.Scale(
                    domain=[t("availability.meets"), t("availability.misses")], range=["#2e7d32", "#c62828"])),
                tooltip=[alt.Tooltip("unit:N", title=t("users.unit")), alt.Tooltip("availability:Q", format=".2f", title="%"),
                         alt.Tooltip("goal:Q", title=t("availability.goal"))],
            )
            goals = alt.Chart(worst).mark_tick(color="#111", thickness=2, size=16).encode(
                x=alt.X("goal:Q", scale=scale), y=alt.Y("unit:N", sort=None))
            # A step per unit keeps each bar readable however few units the viewer has.
            chart(alt.layer(bars, goals).properties(height=alt.Step(28)))

        show_table(pd.DataFrame({
            t("users.unit"): [r.name for r in report],
            t("availability.targets"): [r.targets for r in report],
            t("availability.percent"): [pct(r.figure.percent) for r in report],
            t("availability.goal"): [pct(r.goal) for r in report],
            t("availability.status"): frame["meets"],
            t("availability.downtime"): [num(r.downtime_min) for r in report],
            t("availability.unknown_min"): [num(r.figure.unknown_s / 60) for r in report],
            t("availability.mttr"): [num(r.mttr_min, 1) if r.mttr_min is not None else "–" for r in report],
            t("availability.mtbf"): [num(r.mtbf_h, 1) if r.mtbf_h is not None else "–" for r in report],
        }))

with tab_days:
    if tab_days.open:
        calendar = part("days")
        days = calendar.days
        if days:
            weekly = calendar.weekly
            st.subheader(t("availability.calendar_weekly" if weekly else "availability.calendar"))
            names = {r.unit_id: r.short_name or r.name for r in report}
            heat = pd.DataFrame({"unit": [names.get(u, str(u)) for u, _, _ in days],
                                 "day": [d.isoformat() for _, d, _ in days],
                                 "availability": [round(p, 3) for _, _, p in days],
                                 "day_label": [formatting.day(d, c.lang) for _, d, _ in days]})
            chart(alt.Chart(heat).mark_rect().encode(
                x=alt.X("day:O", title=None, axis=alt.Axis(labelOverlap=True)),
                y=alt.Y("unit:N", title=None, axis=alt.Axis(labelOverlap=False)),
                color=alt.Color("availability:Q", title="%", scale=alt.Scale(domain=[95, 100], scheme="redyellowgreen",
                                                                             clamp=True)),
                tooltip=[alt.Tooltip("unit:N", title=t("users.unit")),
                         alt.Tooltip("day_label:N", title=t("availability.week_of" if weekly else "availability.day")),
                         alt.Tooltip("availability:Q", title="%", format=".2f")],
            ).properties(height=max(200, 16 * heat["unit"].nunique())))

with tab_events:
    if tab_events.open:
        listed = part("incidents")
        events = listed.incidents
        st.subheader(t("availability.timeline", count=num(listed.incident_count)))
        if events:
            timeline = pd.DataFrame({
                "target": [f"{unit} · {name}" for _i, name, unit in events],
                "start": [formatting.local(i.started_at, c.settings.zone).replace(tzinfo=None) for i, _n, _u in events],
                "end": [formatting.local(i.ended_at or now, c.settings.zone).replace(tzinfo=None) for i, _n, _u in events],
                "reason": [reason_text(i.reason, c.lang) for i, _n, _u in events],
            })
            # The chart keeps the targets with the most incident time, so it stays readable; the table lists all.
            timeline["minutes"] = (timeline["end"] - timeline["start"]).dt.total_seconds() / 60
            longest = timeline.groupby("target")["minutes"].sum().nlargest(GANTT_ROWS).index
            if len(events) < listed.incident_count:  # the table says which part of the count it lists
                st.caption(t("availability.timeline_newest", shown=num(len(events)), n=num(listed.incident_count),
                             count=GANTT_ROWS))
            elif timeline["target"].nunique() > GANTT_ROWS:
                st.caption(t("availability.timeline_top", count=GANTT_ROWS))
            shown = timeline[timeline["target"].isin(longest)]
            span = alt.Scale(domain=[formatting.local(start, c.settings.zone).replace(tzinfo=None).isoformat(),
                                     formatting.local(end, c.settings.zone).replace(tzinfo=None).isoformat()])
            x = alt.X("start:T", title=None, axis=alt.Axis(format="%-d %b"), scale=span)
            y = alt.Y("target:N", title=None, axis=alt.Axis(labelLimit=260))
            when = charts.MOMENT_FORMATS[c.lang]
            tips = [alt.Tooltip("target:N", title=t("availability.target")),
                    alt.Tooltip("start:T", title=t("availability.started"), format=when),
                    alt.Tooltip("end:T", title=t("availability.ended"), format=when),
                    alt.Tooltip("reason:N", title=t("availability.reason"))]
            bars = alt.Chart(shown).mark_bar(color="#c62828").encode(x=x, x2="end:T", y=y, tooltip=tips)
            starts = alt.Chart(shown).mark_tick(color="#c62828", thickness=2).encode(x=x, y=y, tooltip=tips)
            # The tick marks where each incident began: a few minutes would be thinner than a pixel.
            chart(alt.layer(bars, starts).properties(height=alt.Step(22)))
            show_table(pd.DataFrame({
                t("availability.started"): [moment(i.started_at) for i, _n, _u in events],
                t("availability.ended"): [moment(i.ended_at) if i.ended_at else t("availability.ongoing") for i, _n, _u in events],
                t("availability.target"): timeline["target"],
                t("availability.reason"): timeline["reason"],
            }))
        else:
            st.caption(t("availability.no_incidents"))

with tab_response:
    if tab_response.open:
        month_figures("availability")
        group = st.segmented_control(t("response.by"), list(response.GROUPS), default="unit", key="response_group",
                                     format_func=lambda g: text(f"response.by.{g}")) or "unit"
        times = cached(response.by, start=start, end=end, zone=c.settings.zone, group=group)
        st.caption(t("response.window", start=moment(start), end=moment(end)))
        if not times:
            st.caption(t("response.none"))
        else:
            def label(r: response.Times) -> str:
                if group == "cause":
                    return text(f"incident.cause.{r.key}") if r.key else text("response.no_cause")
                return formatting.month(r.key, c.lang) if group == "month" else r.label
            show_table(pd.DataFrame({
                text(f"response.by.{group}"): [label(r) for r in times],
                text("response.col_incidents"): [num(r.incidents) for r in times],
                text("response.col_acked"): [num(r.acknowledged) for r in times],
                text("response.mtta"): [num(r.mtta_min, 1) for r in times],
                text("response.col_resolved"): [num(r.resolved) for r in times],
                text("response.mttr"): [num(r.mttr_min, 1) for r in times],
            }), key="response_table")
