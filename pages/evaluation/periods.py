"""The period picker the evaluation pages share."""

import streamlit as st

from core.evaluation import periods
from pages.common.shell import cached, t, text


def pick_period(container=st, key: str = "eval_period"):
    """The chosen evaluation period (newest by default); stops the page when there is none yet."""
    found = cached(periods.list_periods)
    if not found:
        st.info(t("eval.no_periods"), icon=":material/event_busy:")
        st.stop()
    by_id = {p.id: p for p in found}
    chosen = container.selectbox(
        t("eval.period"), list(by_id), key=key,
        format_func=lambda i: text("eval.period_label", year=by_id[i].year,
                                status=t(f"eval.period_status.{by_id[i].status}")))
    return by_id[chosen]
