"""The incident response figures two pages show (Ketersediaan, the leadership overview): one core read, one
drawing, so both show the same MTTA, MTTR and unacknowledged count."""

import streamlit as st

from core import formatting
from core.access import Role
from core.monitoring import response
from core.org import units
from pages.common.shell import cached, ctx, num, plain, t, text

INCIDENT_PAGE = "pages/monitoring/incident.py"


def minutes(value: float | None) -> str:
    return "–" if value is None else text("response.minutes", n=num(value, 1))  # a figure: no escapes


def month_figures(key: str) -> response.Month:
    """This month's MTTA and MTTR and the unacknowledged incidents, as metrics with a link to that list."""
    c = ctx()
    month = cached(response.this_month, zone=c.settings.zone)
    st.subheader(t("response.heading"), help=t("response.help"))
    # Whose figures: a unit's viewer reads its own unit and those under it, never the city's (from the tour).
    scope = (text("response.scope_unit", unit=cached(units.get_unit, unit_id=c.viewer.unit_id).name)
             if c.viewer.role is Role.SKPD and c.viewer.unit_id else text("response.scope_city"))
    st.caption(t("response.month", month=formatting.month(month.start.astimezone(c.settings.zone).date(), c.lang))
               + " · " + plain(scope))
    cols = st.container(key=f"{key}_response").columns(3)
    cols[0].metric(t("response.mtta_month"), minutes(month.times.mtta_min), border=True)
    cols[1].metric(t("response.mttr_month"), minutes(month.times.mttr_min), border=True)
    cols[2].metric(t("response.unacked"), num(month.unacknowledged), border=True)
    if month.unacknowledged:
        st.page_link(INCIDENT_PAGE, label=t("response.unacked_link", n=num(month.unacknowledged)),
                     icon=":material/emergency:", query_params={"daftar": "unacknowledged"})
    return month
