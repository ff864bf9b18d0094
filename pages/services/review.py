"""Tinjauan SLA: one month's review of the city (admin, leadership) or of one unit (its operator: its own), its
recommendations and follow-up actions, the report as PDF and Excel, and attaching it as indicator 19's evidence.
The tables are the report's own rows (core.review.report), so the page and the files show the same figures."""

import pandas as pd
import streamlit as st

from core import formatting
from core.access import Role
from core.org import units
from core.review import actions, report
from core.review.review import monthly_review
from core.services import sla
from db.types import utcnow
from pages.common.shell import call, ctx, deferred, guard, plain, save, show_flash, show_table, t, text

guard("review")
c = ctx()
st.title(t("review.title"))
st.caption(t("review.caption"))
show_flash()
lang, zone = c.lang, c.settings.zone
today = formatting.local(utcnow(), zone).date()
months = sla.last_months(today, 13)[::-1]
visible = call(units.list_units)
names = {u.id: u.name for u in visible}
city_wide = c.viewer.role in (Role.ADMIN, Role.PIMPINAN)
choices = ([None] if city_wide else []) + ([u.id for u in visible] if city_wide else
                                          [c.viewer.unit_id] if c.viewer.unit_id in names else [])
if not choices:
    st.info(t("review.no_services"), icon=":material/info:")
    st.stop()
cols = st.columns(2)
# Last month first: the review meets early in a month on the month before (this month runs to date).
month = cols[0].selectbox(t("review.month"), months, index=1, key="review_month",
                          format_func=lambda m: formatting.month(m, lang))
unit_id = cols[1].selectbox(t("review.scope"), choices, key="review_unit",
                            format_func=lambda u: text("review.city") if u is None else names[u])
review = call(monthly_review, month=month, unit_id=unit_id, zone=zone, lang=lang)
lines = call(actions.list_actions, month=month, unit_id=unit_id)

heads = report.figures(review, lang)
for first in range(0, len(heads), 4):  # rows of four, in the report's order; what a share counts under it
    for column, (label, value, detail) in zip(st.columns(4), heads[first:first + 4], strict=False):
        column.metric(label, value, detail or None, delta_color="off", delta_arrow="off", border=True)

st.subheader(t("review.services"))
if review.services:
    show_table(pd.DataFrame(report.service_rows(review, lang), columns=[
        text("services.name"), text("eval.unit"), text("services.sla_target"), text("sla.availability"),
        text("sla.p95"), text("sla.breaches"), text("review.down"), text("services.met")]))
else:
    st.caption(t("review.no_services"))

# One above the other: the obstacles' four columns (a target's name, what happened) need the page's width.
st.subheader(t("review.causes"))
if review.causes:
    show_table(pd.DataFrame(report.cause_rows(review, lang), columns=[
        text("incident.cause"), text("review.incidents"), text("review.down")]))
else:
    st.caption(t("review.no_causes"))
st.subheader(t("review.obstacles"))
if review.obstacles:
    show_table(pd.DataFrame(report.obstacle_rows(review, lang), columns=[
        text("review.obstacle"), text("evidence.what"), text("review.incidents"), text("review.down")]))
else:
    st.caption(t("review.no_obstacles"))

st.subheader(t("review.recommendations"))
st.caption(t("review.rules_help"))
if review.recommendations:
    for r in review.recommendations:
        st.markdown(f"- **{t(f'review.rule.{r.rule}')}** — {plain(r.text)}")
else:
    st.caption(t("review.no_recommendations"))

st.subheader(t("review.actions"))
if lines:
    show_table(pd.DataFrame(report.action_rows(lines, {u.id: u.short_name or u.name for u in visible}, lang), columns=[
        text("review.action"), text("eval.unit"), text("review.owner"), text("review.due"), text("review.state"),
        text("review.carried_col")]))
else:
    st.caption(t("review.no_actions"))

if c.viewer.is_admin:
    with st.form("review_action_new", clear_on_submit=True):
        st.markdown(f"**{t('review.add_action')}**")
        what = st.text_input(t("review.action"), max_chars=actions.MAX_TEXT, key="review_action_text")
        row = st.columns(3)
        for_unit = row[0].selectbox(t("review.action_unit"), [None, *names] if unit_id is None else [unit_id],
                                    format_func=lambda u: text("review.city") if u is None else names[u],
                                    key="review_action_unit")
        owner = row[1].text_input(t("review.owner"), max_chars=actions.MAX_OWNER, key="review_action_owner")
        due = row[2].date_input(t("review.due"), value=None, format="DD/MM/YYYY", key="review_action_due")
        if st.form_submit_button(t("review.save"), icon=":material/add_task:"):
            save(actions.create_action, text("review.action_saved"), month=month, unit_id=for_unit, text=what,
                 owner=owner, due=due)
if c.viewer.is_admin and lines:  # Kominfo edits what was agreed, the owner, the due day and the state
    by_id = {a.action.id: a.action for a in lines}
    picked = st.selectbox(t("review.edit_pick"), list(by_id), key="review_edit_action",
                          format_func=lambda i: by_id[i].text[:80])
    chosen = by_id[picked]
    with st.form(f"review_action_edit_{picked}"):
        what = st.text_input(t("review.action"), value=chosen.text, max_chars=actions.MAX_TEXT,
                             key=f"review_edit_text_{picked}")
        row = st.columns(3)
        owner = row[0].text_input(t("review.owner"), value=chosen.owner, max_chars=actions.MAX_OWNER,
                                  key=f"review_edit_owner_{picked}")
        due = row[1].date_input(t("review.due"), value=chosen.due, format="DD/MM/YYYY", key=f"review_edit_due_{picked}")
        state = row[2].selectbox(t("review.state"), actions.STATES, index=actions.STATES.index(chosen.state),
                                 format_func=lambda x: text(f"review.state.{x}"), key=f"review_edit_state_{picked}")
        if st.form_submit_button(t("review.save"), icon=":material/edit:"):
            save(actions.update_action, text("review.action_saved"), action_id=picked, text=what, owner=owner, due=due,
                 state=state)
changeable = [a for a in lines if c.viewer.role is Role.SKPD and a.action.unit_id is not None]
if changeable:  # a unit's operator reports its own unit's actions done (or open again)
    with st.form("review_action_state"):
        st.markdown(f"**{t('review.state_change')}**")
        by_id = {a.action.id: a.action for a in changeable}
        row = st.columns([3, 1])
        picked = row[0].selectbox(t("review.state_pick"), list(by_id), key="review_state_action",
                                  format_func=lambda i: by_id[i].text[:80])
        state = row[1].selectbox(t("review.state"), actions.STATES, key="review_state_value",
                                 format_func=lambda s: text(f"review.state.{s}"))
        if st.form_submit_button(t("review.save"), icon=":material/task_alt:"):
            save(actions.set_action_state, text("review.state_saved"), action_id=picked, state=state)

st.caption(t("review.method"))
buttons = st.container(horizontal=True)
for fmt in ("pdf", "xlsx"):
    made = deferred(report.review_report, month=month, unit_id=unit_id, fmt=fmt, lang=lang, zone=zone,
                    org_name=c.settings.org_name)
    buttons.download_button(text("review.download", fmt=fmt.upper()), data=lambda made=made: made()[1],
                            icon=":material/download:", on_click="ignore", width="content", key=f"review_{fmt}",
                            file_name=f"tinjauan-sla-{month:%Y-%m}{'' if unit_id is None else f'-{unit_id}'}.{fmt}")
if (unit_id is None and c.viewer.is_admin) or (unit_id is not None and c.viewer.role in (Role.ADMIN, Role.SKPD)):
    if buttons.button(t("review.attach"), icon=":material/attach_file:", key="review_attach"):
        save(report.attach_review, lambda name: text("review.attached", filename=name), month=month, unit_id=unit_id,
             fmt="pdf", lang=lang, zone=zone, org_name=c.settings.org_name)
