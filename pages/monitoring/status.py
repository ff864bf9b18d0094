"""Status Langsung: every unit's worst target state, refreshed in place; stale data is never shown as live."""

import pandas as pd
import streamlit as st

from core import formatting
from core.access import Role
from core.i18n import reason_text
from core.monitoring import status
from core.monitoring.states import LOOKS, SEVERITY, State, look
from db.types import utcnow
from pages.common.shell import cached, call, ctx, guard, plain, t

guard("status")
c = ctx()
COUNTED = (State.UP, State.DEGRADED, State.DOWN, State.MAINTENANCE, State.PENDING)  # the metrics above the tiles
TILE_WIDTH = 290  # px: six tiles across a 1920 px projector, three on a laptop
# Projector layout: no sidebar or header, full width, larger type. Static CSS, no user data in it.
FULL_SCREEN = """<style>
[data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stSidebarCollapsedControl"] {display: none;}
[data-testid="stMainBlockContainer"] {max-width: 100%; padding: 1.5rem 2.5rem;}
[data-testid="stMain"] p, [data-testid="stMain"] li {font-size: 1.25rem;}
[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMetricValue"] * {font-size: 3rem; line-height: 1.2;}
</style>"""


@st.fragment(run_every=10)
def wall() -> None:
    now = utcnow()
    fresh = call(status.freshness)  # never cached: the stale banner must not lag
    data = cached(status.wall)
    units = data.units
    st.caption(t("status.caption", org=c.settings.org_name, time=formatting.moment(now, c.settings.zone, c.lang)))
    if fresh.stale:
        age = fresh.age_s(now)
        if age is None:
            st.error(t("status.stale_never"), icon=":material/warning:")
        else:
            shown_age = (t("status.seconds", n=formatting.number(age)) if age < 120 else
                         t("status.minutes", n=formatting.number(age // 60)) if age < 7200 else
                         formatting.duration(age, c.lang))
            st.error(t("status.stale", age=shown_age), icon=":material/warning:")
    totals = data.totals
    cols = st.columns(5)
    for col, state in zip(cols, COUNTED, strict=True):
        col.metric(t(LOOKS[state].label), "–" if fresh.stale else formatting.number(totals[state]))
    if not any(u.targets for u in units):
        st.info(t("status.no_targets"), icon=":material/sensors_off:")
    incidents = data.incidents
    if incidents and not fresh.stale:
        st.markdown(f"**{t('status.open_incidents', count=len(incidents))}**")
        # A plain table: ten rows, readable from the back of the room, and light to redraw.
        st.table(pd.DataFrame([{t("users.unit"): plain(i.unit), t("availability.target"): plain(i.target),
                                t("status.lasting"): formatting.duration((now - i.started_at).total_seconds(), c.lang),
                                t("availability.reason"): plain(reason_text(i.reason, c.lang))} for i in incidents[:10]]),
                 hide_index=True)
    trends = data.trends
    ordered = sorted(units, key=lambda u: (SEVERITY.index(u.worst), u.short_name or u.name))
    # One flowing row of fixed-width tiles (it wraps to the screen), one element per tile: a wall of
    # ninety units stays light for the browser to draw every refresh.
    grid = st.container(horizontal=True, gap="small")
    for unit in ordered:
        shown = State.UNKNOWN if fresh.stale else unit.worst
        detail = ", ".join(f"{n} {t(look(s).label).lower()}" for s, n in unit.counts.items() if n)
        if fresh.stale and unit.targets:  # how many, but not in which state: that would be old news
            detail = t("status.stale_targets", n=unit.targets)
        spark = formatting.sparkline(trends.get(unit.unit_id, [])) if not fresh.stale else ""
        grid.container(border=True, width=TILE_WIDTH).markdown(
            f"**{plain(unit.short_name or unit.name)}**  \n"
            f":{LOOKS[shown].colour}[● {t(LOOKS[shown].label)}]  \n:gray[{detail or t('status.no_target')}]"
            + (f"  \n:blue[{spark}]" if spark.strip() else ""))


title, switch = st.columns([4, 1])
title.title(t("status.title"))
if switch.toggle(t("status.fullscreen"), value=c.viewer.role is Role.PRESENTER, key="wall_fullscreen"):
    st.html(FULL_SCREEN)
wall()
