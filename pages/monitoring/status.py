"""Status Langsung: the wall for projectors. No probe has run yet, so every unit reads 'not monitored'."""

import streamlit as st

from core import formatting, units
from db.types import utcnow
from pages.common.shell import call, ctx, guard, t

guard("status")
c = ctx()
st.title(t("status.title"))
st.caption(t("status.caption", org=c.settings.org_name, time=formatting.moment(utcnow(), c.settings.zone, c.lang)))

visible = call(units.list_units)
st.metric(t("status.units_total"), formatting.number(len(visible)))
st.info(t("status.no_targets"), icon=":material/sensors_off:")

COLUMNS = 6
for start in range(0, len(visible), COLUMNS):
    for col, unit in zip(st.columns(COLUMNS), visible[start:start + COLUMNS], strict=False):
        with col.container(border=True):
            st.markdown(f"**{unit.short_name or unit.name}**")
            st.caption(f":gray[{t('status.state_unknown')}]")
