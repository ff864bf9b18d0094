"""Status Langsung: every unit's worst target state, refreshed in place; stale data is never shown as live."""

import streamlit as st

from core import formatting, status
from db.types import utcnow
from pages.common.shell import call, ctx, guard, t

guard("status")
c = ctx()
COLOURS = {"DOWN": "red", "PENDING": "orange", "DEGRADED": "orange", "MAINTENANCE": "blue", "UP": "green",
           "UNKNOWN": "gray"}
COLUMNS = 6


@st.fragment(run_every=10)
def wall() -> None:
    now = utcnow()
    fresh = call(status.freshness)
    units = call(status.unit_statuses)
    st.caption(t("status.caption", org=c.settings.org_name, time=formatting.moment(now, c.settings.zone, c.lang)))
    if fresh.stale:
        age = fresh.age_s(now)
        st.error(t("status.stale", age=formatting.number(age / 60) if age is not None else "∞"),
                 icon=":material/warning:")
    totals = {s: sum(u.counts.get(s, 0) for u in units) for s in status.SEVERITY}
    cols = st.columns(5)
    for col, state in zip(cols, ["UP", "DEGRADED", "DOWN", "MAINTENANCE", "PENDING"], strict=True):
        col.metric(t(f"state.{state}"), formatting.number(totals[state]))
    if not any(u.targets for u in units):
        st.info(t("status.no_targets"), icon=":material/sensors_off:")
    ordered = sorted(units, key=lambda u: (status.SEVERITY.index(u.worst), u.short_name or u.name))
    for start in range(0, len(ordered), COLUMNS):
        for col, unit in zip(st.columns(COLUMNS), ordered[start:start + COLUMNS], strict=False):
            shown = "UNKNOWN" if fresh.stale else unit.worst
            with col.container(border=True):
                st.markdown(f"**{unit.short_name or unit.name}**")
                detail = ", ".join(f"{n} {t('state.' + s).lower()}" for s, n in unit.counts.items() if n)
                st.markdown(f":{COLOURS[shown]}[● {t('state.' + shown)}]  \n:gray[{detail or t('status.no_target')}]")


st.title(t("status.title"))
wall()
