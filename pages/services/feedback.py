"""Kepuasan Layanan: what citizens said of a public service per quarter (count, mean, distribution, the
comments to moderate, the trend), and the news its team posts for citizens on the public page, each on an
incident of the service. Lists the services every services page lists (an internal one says why it has
no ratings)."""

from datetime import datetime, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from core import formatting
from core.access import Role
from core.services import register, voice
from db.types import utcnow
from pages.common.shell import call, chart, ctx, guard, moment, num, save, show_flash, t, text

guard("feedback")
c = ctx()
st.title(t("feedback.title"))
st.caption(t("feedback.caption"))
show_flash()
services = call(register.list_services)  # the one scope rule of every services page
if not services:
    st.info(t("services.none"), icon=":material/info:")
    st.stop()
by_id = {s.id: s for s in services}
left, right = st.columns([2, 1])
service_id = left.selectbox(t("services.name"), list(by_id), key="feedback_service", format_func=lambda i: by_id[i].name)
if by_id[service_id].audience != "public":
    st.info(t("feedback.internal", name=by_id[service_id].name), icon=":material/lock:")
    st.stop()
today = formatting.local(utcnow(), c.settings.zone).date()
quarters = []
q = voice.quarter_of(today)[0]
for _ in range(4):
    quarters.append(q)
    q = voice.quarter_of(q - timedelta(days=1))[0]
quarter = right.selectbox(t("feedback.quarter"), quarters, key="feedback_quarter",
                          format_func=lambda d: f"Q{(d.month - 1) // 3 + 1} {d.year}")
view = call(voice.satisfaction, service_id=service_id, quarter=quarter, zone=c.settings.zone)
cols = st.columns(3)
cols[0].metric(t("feedback.count"), num(view.count), border=True)
cols[1].metric(t("feedback.mean"), "–" if view.mean is None else f"{num(view.mean, 2)} / 5", border=True)
cols[2].metric(t("feedback.public_summary"), t("feedback.shown") if view.count >= 5 else t("feedback.not_yet"),
               help=t("feedback.public_help"), border=True)
left, right = st.columns(2)
with left:
    chart(alt.Chart(pd.DataFrame({"rating": [str(n) for n in view.distribution], "count": list(view.distribution.values())}),
                    height=220).mark_bar(color="#1e88e5").encode(
        x=alt.X("rating:N", title=text("feedback.rating"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=text("feedback.count")),
        tooltip=[alt.Tooltip("rating:N", title=text("feedback.rating")), alt.Tooltip("count:Q", title=text("feedback.count"))]))
with right:
    trend = [call(voice.satisfaction, service_id=service_id, quarter=q, zone=c.settings.zone) for q in reversed(quarters)]
    frame = pd.DataFrame({"quarter": [f"Q{(v.quarter.month - 1) // 3 + 1} {v.quarter.year}" for v in trend],
                          "mean": [v.mean for v in trend]}).dropna()
    if not frame.empty:
        chart(alt.Chart(frame, height=220).mark_line(point=True).encode(
            x=alt.X("quarter:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)), y=alt.Y("mean:Q", title=text("feedback.mean"),
                                                               scale=alt.Scale(domain=[1, 5]))))

st.subheader(t("feedback.comments"))
may_moderate = c.viewer.role in (Role.ADMIN, Role.SKPD)
if not view.comments:
    st.caption(t("feedback.no_comments"))
for item in view.comments:
    cols = st.columns([1, 5, 1], vertical_alignment="center")
    cols[0].caption(f"{'★' * item.rating} · {moment(item.at)}")
    cols[1].text(item.comment if not item.hidden else text("feedback.hidden_comment", text=item.comment))
    if may_moderate and cols[2].button(t("feedback.show") if item.hidden else t("feedback.hide"),
                                       key=f"feedback_mod_{item.id}"):
        save(voice.moderate, t("feedback.moderated"), feedback_id=item.id, hidden=not item.hidden)

if may_moderate:
    st.subheader(t("update.title"))
    st.caption(t("update.caption"))
    incidents = {i.id: (i, name) for i, name in call(voice.service_incidents, service_id=service_id)}
    if not incidents:
        st.info(t("update.no_incidents"), icon=":material/info:")
        st.stop()

    # Labels made here, not in format_func: a widget may format its options outside this script's run.
    labels = {i: text("update.incident_open", target=name, start=moment(incident.started_at))
              if incident.ended_at is None else
              text("update.incident_ended", target=name, start=moment(incident.started_at), end=moment(incident.ended_at))
              for i, (incident, name) in incidents.items()}
    stages = {s: text(f"update.status.{s}") for s in voice.UPDATE_STATUSES}
    form = st.session_state.get("service_update_form", 0)
    # The time offered is fixed when the form is first drawn: a default that moved with the clock would make
    # Streamlit see a new widget at the next minute and drop the time someone typed.
    offered = st.session_state.setdefault(f"service_update_at_{form}", formatting.local(utcnow(), c.settings.zone)
                                          .replace(second=0, microsecond=0))

    def posted(_row_id) -> str:
        """After a published update, a fresh form; a refused one keeps what was typed (the form is not cleared)."""
        st.session_state["service_update_form"] = st.session_state.get("service_update_form", 0) + 1
        return t("update.posted")

    with st.form(f"service_update_{form}"):
        incident_id = st.selectbox(t("update.incident"), list(incidents), format_func=labels.get)
        status = st.radio(t("update.status"), voice.UPDATE_STATUSES, horizontal=True, format_func=stages.get)
        day_col, time_col = st.columns(2)
        day = day_col.date_input(t("update.day"), value=offered.date(), max_value=offered.date(), format="DD/MM/YYYY",
                                 help=t("update.at_help"))
        clock = time_col.time_input(t("update.clock"), value=offered.time(), step=60)
        message = st.text_area(t("update.message"), max_chars=500)
        if st.form_submit_button(t("update.post"), type="primary", icon=":material/campaign:"):
            at = datetime.combine(day, clock, c.settings.zone)
            # Left as offered, the time means "now": the moment it is published, not the minute the form showed.
            save(voice.post_update, posted, service_id=service_id, incident_id=incident_id, status=status,
                 message=message, at=None if at == offered else at)
