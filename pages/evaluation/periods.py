"""The period picker the evaluation pages share."""

import streamlit as st

from core.evaluation import frameworks, periods
from pages.common.shell import cached, ctx, t, text


def pick_period(container=st, key: str = "eval_period"):
    """The chosen evaluation period (newest by default); stops the page when there is none yet."""
    found = cached(periods.list_periods)
    if not found:
        st.info(t("eval.no_periods"), icon=":material/event_busy:")
        st.stop()
    by_id = {p.id: p for p in found}
    lang = ctx().lang
    labels = {p.id: text("eval.period_label", year=p.year, status=t(f"eval.period_status.{p.status}"),
                         index=cached(frameworks.index_name, code=p.framework, lang=lang)) for p in found}
    chosen = container.selectbox(t("eval.period"), list(by_id), key=key, format_func=labels.__getitem__)
    return by_id[chosen]
