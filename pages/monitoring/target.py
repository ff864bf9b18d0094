"""Target detail: live state, latency over a chosen window, latest checks, incidents, reboots, interfaces and
certificate. Opens on the worst target in the viewer's scope (or the one linked with ?id=), refreshes
itself every 10 s like the wall, and can ask for a check now."""

import altair as alt
import pandas as pd
import streamlit as st

from core import charts, formatting
from core.access import Role
from core.i18n import reason_text
from core.monitoring import dependencies, target_detail, targets
from core.monitoring.states import LOOKS, State, look, rank
from core.monitoring.target_detail import WINDOWS
from db.types import utcnow
from pages.common.shell import cached, call, chart, ctx, guard, moment, num, plain, show_table, t, text

guard("target")
c = ctx()
rows = cached(targets.target_rows, include_disabled=False)
if not rows:
    st.title(t("target.title"))
    st.info(t("availability.empty"))
    st.stop()


by_id = {r.id: r for r in sorted(rows, key=lambda r: (rank(r.state), r.name))}  # worst first: the page opens on it, the list starts with it
wanted = st.query_params.get("id")
ids = list(by_id)
# Only ASCII digits: "²".isdigit() is True, and int("²") fails.
linked = int(wanted) if wanted and wanted.isascii() and wanted.isdigit() and len(wanted) < 10 else None
index = ids.index(linked) if linked in by_id else 0
if linked is not None and linked not in by_id:  # another unit's, or gone: say so rather than swap it silently
    st.warning(t("target.not_found", id=linked), icon=":material/search_off:")
pick_col, window_col = st.columns([1.4, 2], vertical_alignment="bottom")
pick = pick_col.selectbox(t("admin_targets.pick"), ids, index=index, key="target_pick",
                          format_func=lambda i: f"{text(look(by_id[i].state).label)} · {by_id[i].name} · {by_id[i].host}")
st.query_params["id"] = str(pick)
window = window_col.segmented_control(t("target.window"), list(WINDOWS), default="24h", key="target_window",
                                      format_func=lambda w: text(f"target.window.{w}")) or "24h"


zone = formatting.zone_name(c.settings.zone)
HEIGHT = 260  # px, the latency chart


def latency_chart(series: target_detail.Latency) -> None:
    """Mean answer time per bucket over the whole window, the fastest-to-slowest band behind it, and the time
    the target was down (red), not checked (grey) or in maintenance (blue) shaded: no line is drawn there."""
    st.subheader(t("target.latency_chart", window=text(f"target.window.{window}")))
    points, zone_of = series.points, c.settings.zone
    if series.monitored_from > series.start:
        st.caption(t("target.monitored_from", when=moment(series.monitored_from)))
    if not any(p.mean_ms is not None for p in points):
        st.caption(t("target.no_latency"))

    def local(at):
        return formatting.local(at, zone_of).replace(tzinfo=None)

    lengths = [max(1.0, (min(p.end, series.end) - p.at).total_seconds()) for p in points]
    frame = pd.DataFrame({
        "start": [local(p.at) for p in points], "end": [local(p.end) for p in points],
        "mid": [local(p.at + (p.end - p.at) / 2) for p in points],
        "mean": [p.mean_ms for p in points], "low": [p.min_ms for p in points], "high": [p.max_ms for p in points],
        "checks": [p.checks for p in points],
        "down": [p.down_s / 60 for p in points], "unknown": [p.unknown_s / 60 for p in points],
        "maintenance": [p.maintenance_s / 60 for p in points],
        "down_share": [min(1.0, p.down_s / n) for p, n in zip(points, lengths, strict=True)],
        "unknown_share": [min(1.0, p.unknown_s / n) for p, n in zip(points, lengths, strict=True)],
        "maintenance_share": [min(1.0, p.maintenance_s / n) for p, n in zip(points, lengths, strict=True)],
    })
    fmt = charts.HOUR_FORMATS[c.lang] if WINDOWS[window][1] != "day" else charts.DAY_FORMATS[c.lang]
    # The x axis always spans the chosen window, however little of it has data.
    span = alt.Scale(domain=[local(series.start).isoformat(), local(series.end).isoformat()])
    when = alt.Tooltip("start:T", title=zone, format=charts.MOMENT_FORMATS[c.lang])
    tips = [when, alt.Tooltip("mean:Q", title=text("target.mean_ms"), format=",.1f"),
            alt.Tooltip("low:Q", title=text("target.min_ms"), format=",.1f"),
            alt.Tooltip("high:Q", title=text("target.max_ms"), format=",.1f"),
            alt.Tooltip("down:Q", title=text("target.down_min"), format=",.0f"),
            alt.Tooltip("unknown:Q", title=text("availability.unknown_min"), format=",.0f"),
            alt.Tooltip("checks:Q", title=text("target.checks_n"), format=",.0f")]
    base = alt.Chart(frame)

    def shade(kind: str, colour: str, title: str) -> alt.Chart:
        """A bucket's background, the deeper the larger its share of `kind`."""
        return base.transform_filter(f"datum.{kind}_share > 0").mark_rect(color=colour, clip=True).encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format=fmt), scale=span), x2="end:T",
            y=alt.value(0), y2=alt.value(HEIGHT),
            opacity=alt.Opacity(f"{kind}_share:Q", scale=alt.Scale(domain=[0, 1], range=[0.15, 0.5]), legend=None),
            tooltip=[when, alt.Tooltip(f"{kind}:Q", title=title, format=",.0f")])

    x = alt.X("mid:T", title=None, axis=alt.Axis(format=fmt), scale=span)
    y = alt.Y("low:Q", title="ms", scale=alt.Scale(zero=True), axis=alt.Axis(format=",.1~f"))
    gaps = "break-paths-show-domains"  # a bucket without an answer breaks the line: nothing is drawn through it
    band = base.mark_area(opacity=0.18, clip=True, invalid=gaps).encode(x=x, y=y, y2="high:Q")
    line = base.mark_line(point=len(points) <= 48, clip=True, invalid=gaps).encode(  # dots only where they stay apart
        x=x, y=alt.Y("mean:Q", title="ms"), tooltip=tips)
    chart(alt.layer(shade("unknown", "#9e9e9e", text("availability.unknown_min")),
                    shade("maintenance", "#1565c0", text("target.maintenance_min")),
                    shade("down", "#c62828", text("target.down_min")), band, line).properties(height=HEIGHT))
    st.caption(t("target.latency_help"))


@st.fragment(run_every=10)
def live() -> None:
    """Everything that changes with each check: redrawn in place every 10 s, like the wall."""
    minute = utcnow().replace(second=0, microsecond=0)  # the latency read is shared for a minute
    info = call(target_detail.detail, target_id=pick, zone=c.settings.zone, now=utcnow())
    target, state = info.target, info.state

    head, action = st.columns([5, 1], vertical_alignment="bottom")
    head.title(plain(target.name))
    if c.viewer.role in (Role.ADMIN, Role.SKPD) and action.button(t("target.check_now"), icon=":material/refresh:",
                                                                  key="target_check_now"):
        call(targets.check_now, target_id=pick)
        st.toast(t("target.check_soon"), icon=":material/schedule:")
    shown = look(state.state)
    st.markdown(f":{shown.colour}[● {t(shown.label)}] · {target.kind.upper()} · "
                f"{plain(target.host + (':' + str(target.port) if target.port else ''))} · "
                f"{t('target.since', when=moment(state.state_since) if state.state_since else '–')}")
    if state.last_reason:
        st.caption(plain(reason_text(state.last_reason, c.lang)))
    if state.state == State.UNREACHABLE:  # why it raises nothing of its own: the parent's outage
        root = call(dependencies.root_cause, target_id=pick)
        st.info(t("deps.behind", parent=root.name) if root else t("deps.behind_hidden"),
                icon=LOOKS[State.UNREACHABLE].icon)
    hit = call(dependencies.affected, target_id=pick)
    if hit:  # the root cause: what its outage takes down with it
        with st.expander(t("deps.affected_title", n=num(len(hit))), expanded=True, icon=LOOKS[State.UNREACHABLE].icon):
            st.caption(t("deps.affected_caption"))
            st.markdown(" · ".join(f"[{plain(a.name)}](?id={a.id})" if a.id in by_id else plain(a.name) for a in hit))

    cols = st.columns(4)
    cols[0].metric(t("target.latency"), formatting.milliseconds(state.last_latency_ms, 1, c.lang))
    cols[1].metric(t("admin_targets.last_check"), formatting.clock(state.last_check_at, c.settings.zone, c.lang),
                   help=moment(state.last_check_at) if state.last_check_at else None)
    cols[2].metric(t("target.incidents_ever"), num(info.incident_count))  # all of them: the window is the chart's
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

    latency_chart(cached(target_detail.latency, target_id=pick, window=window, now=minute, zone=c.settings.zone))

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

    # One above the other across the page: a probe's reason is a sentence, and half a page cut it short.
    st.subheader(t("target.checks"))
    checks = pd.DataFrame({
        t("audit.at"): [moment(b.at) for b in info.checks],
        t("admin_targets.state"): [t(look(b.status).label) for b in info.checks],
        t("target.latency"): [formatting.milliseconds(b.latency_ms, 1, c.lang) for b in info.checks],
        t("availability.reason"): [reason_text(b.reason, c.lang) for b in info.checks],
    })
    show_table(checks, height=min(320, 38 + 35 * len(checks)))
    st.subheader(t("target.incidents"))
    if info.incidents:
        page = text("incident.col_open")
        incidents = pd.DataFrame({
            page: [f"/insiden?id={i.id}" for i in info.incidents],  # the incident page (core.navigation)
            t("availability.started"): [moment(i.started_at) for i in info.incidents],
            t("availability.ended"): [moment(i.ended_at) if i.ended_at else t("availability.ongoing")
                                      for i in info.incidents],
            t("availability.reason"): [reason_text(i.reason, c.lang) for i in info.incidents],
        })
        show_table(incidents, height=min(320, 38 + 35 * len(incidents)), key="target_incidents", column_config={
            page: st.column_config.LinkColumn(page, display_text=r"id=(\d+)$", help=text("target.open_incident"))})
        if info.incident_count > len(info.incidents):
            st.caption(t("target.incidents_newest", shown=num(len(info.incidents)), n=num(info.incident_count)))
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


live()
