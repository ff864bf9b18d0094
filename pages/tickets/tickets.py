"""Laporan gangguan: a unit's operator reports a problem and follows its tickets; Kominfo works the queue
(moderates citizens' complaints, triages, assigns, replies, resolves) and sees the breaches; leadership reads.
Each ticket shows its clocks against the targets of its priority (admin-set here)."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from core.access import Role
from core.navigation import can_open
from core.org import units
from core.tickets import clock, complaints, tickets
from db.types import utcnow
from pages.common.shell import (
    call,
    ctx,
    guard,
    import_limits,
    moment,
    num,
    plain,
    save,
    show_flash,
    show_table,
    t,
    text,
)

guard("tickets")
c = ctx()
st.title(t("tickets.title"))
st.caption(t("tickets.caption"))
show_flash()
admin, operator = c.viewer.role is Role.ADMIN, c.viewer.role is Role.SKPD
# A photo weighs what core takes (an evidence file's limit), never more than the installation's uploads may.
PHOTO_MB = min(tickets.MAX_PHOTO_BYTES, import_limits().max_bytes) // 2**20


def clock_text(item: clock.Clock) -> str:
    return clock.words(item, c.lang)


if admin or operator:
    with st.expander(t("tickets.new"), icon=":material/add_alert:", expanded=operator):
        mine = call(units.list_units)
        options = call(tickets.link_options)
        form_round = st.session_state.get("ticket_form", 0)

        def filed(ticket) -> str:
            st.session_state["ticket_form"] = form_round + 1  # an empty form (and uploader) for the next report
            return t("tickets.filed", code=ticket.code)

        with st.form(f"ticket_new_{form_round}"):
            unit_names = {u.id: u.name for u in mine}
            first, second = st.columns(2)
            unit_id = first.selectbox(t("tickets.unit"), list(unit_names), format_func=unit_names.get,
                                      index=list(unit_names).index(c.viewer.unit_id) if c.viewer.unit_id in unit_names
                                      else 0)
            category = second.selectbox(t("tickets.category"), tickets.CATEGORIES,
                                        format_func=lambda k: text(f"tickets.category.{k}"))
            description = st.text_area(t("tickets.description"), max_chars=tickets.MAX_DESCRIPTION,
                                       help=t("tickets.description_help", least=tickets.MIN_DESCRIPTION),
                                       key=f"ticket_description_{form_round}")
            picked = {}
            cols = st.columns(4)
            for col, key in zip(cols, ("target", "device", "application", "service"), strict=True):
                labels = dict(options[key])
                picked[key] = col.selectbox(t(f"tickets.link.{key}"), [None, *labels], format_func=lambda i, labels=labels:
                                            text("tickets.link_none") if i is None else labels[i])
            photo = st.file_uploader(t("tickets.photo"), type=["png", "jpg", "jpeg"], max_upload_size=PHOTO_MB)
            st.caption(t("tickets.photo_help", mb=num(PHOTO_MB)))
            if st.form_submit_button(t("tickets.submit"), type="primary", icon=":material/send:"):
                save(tickets.file_ticket, filed, unit_id=unit_id, category=category, description=description,
                     target_id=picked["target"], device_id=picked["device"], application_id=picked["application"],
                     service_id=picked["service"], photo=photo.getvalue() if photo is not None else None)

VIEWS = ["open", "all", "breached"] + (["moderation"] if admin or operator else [])
# A link from an incident's page (?kode=ABCDE-FGHJK) opens that ticket under "all", whatever its state.
asked = tickets.normal_code(st.query_params.get("kode", ""))
which = st.segmented_control(t("tickets.view"), VIEWS, default="all" if asked else "open", key="tickets_view",
                             format_func=lambda v: text(f"tickets.view.{v}")) or "open"
lines = call(tickets.list_tickets, which=which, zone=c.settings.zone)
if not lines:
    st.info(t(f"tickets.none.{which}"), icon=":material/inbox:")
else:
    show_table(pd.DataFrame({
        text("tickets.code"): [line.ticket.code for line in lines],
        text("tickets.unit"): [line.unit for line in lines],
        text("tickets.category"): [text(f"tickets.category.{line.ticket.category}") for line in lines],
        text("tickets.state"): [text(f"tickets.state.{line.ticket.state}") for line in lines],
        text("tickets.priority"): [text(f"tickets.priority.{line.ticket.priority or 'none'}") for line in lines],
        text("tickets.filed_at"): [moment(line.ticket.created_at) for line in lines],
        text("tickets.response"): [clock_text(line.clocks.response) for line in lines],
        text("tickets.resolution"): [clock_text(line.clocks.resolution) for line in lines],
        text("tickets.assignee"): [line.assignee or "–" for line in lines],
    }))
    st.caption(t("tickets.count", n=num(len(lines))) + " " + t("tickets.clock_method"))
    by_id = {line.ticket.id: line for line in lines}
    labels = {i: f"{line.ticket.code} · {line.unit} · {text(f'tickets.category.{line.ticket.category}')}"
              for i, line in by_id.items()}
    wanted = next((i for i, line in by_id.items() if line.ticket.code == asked), None)
    ticket_id = st.selectbox(t("tickets.open_one"), list(by_id), format_func=labels.get, key="tickets_pick",
                             index=list(by_id).index(wanted) if wanted is not None else 0)
    detail = call(tickets.ticket_detail, ticket_id=ticket_id, zone=c.settings.zone)
    ticket, clocks = detail.line.ticket, detail.line.clocks
    st.subheader(t("tickets.detail", code=ticket.code))
    # Boxes rather than metrics: a clock's words wrap whole where a metric's value would be cut.
    for col, label, value, late in zip(st.columns([1, 1, 2, 2]), ("tickets.state", "tickets.priority", "tickets.response",
                                                                   "tickets.resolution"),
                                       (text(f"tickets.state.{ticket.state}"),
                                        text(f"tickets.priority.{ticket.priority or 'none'}"),
                                        clock_text(clocks.response), clock_text(clocks.resolution)),
                                       (False, False, clocks.response.breached, clocks.resolution.breached), strict=True):
        with col.container(border=True):
            st.caption(t(label))
            st.markdown(f":red[**{plain(value)}**]" if late else f"**{plain(value)}**")
    facts = [t("tickets.source_line", source=text(f"tickets.source.{ticket.source}"), when=moment(ticket.created_at),
               unit=detail.line.unit)]
    if detail.line.service:
        facts.append(t("tickets.about_service", name=detail.line.service))
    facts += [t(f"tickets.about.{k}", name=v) for k, v in detail.links.items()]
    st.markdown("  \n".join(facts))
    if ticket.incident_id and can_open(c.viewer, "incident"):
        st.page_link("pages/monitoring/incident.py", query_params={"id": ticket.incident_id},
                     label=t("tickets.to_incident", id=ticket.incident_id), icon=":material/emergency:")
    st.text(ticket.description)
    if detail.photo:
        st.image(call(tickets.ticket_photo, ticket_id=ticket.id)[1], width=360)
    for step in detail.activity:
        said = f"  \n{plain(step.message)}" if step.message else ""
        value = (text(f"tickets.{step.kind}.{step.value}") if step.kind in ("state", "priority") and step.value
                 else text(f"tickets.moderation.{step.value}") if step.kind == "moderate" else step.value)
        st.markdown(f"**{plain(detail.names.get(step.actor, step.actor))}** · {moment(step.at)} · "
                    f"{t(f'tickets.step.{step.kind}', value=value or '–')}{said}")

    if ticket.moderation == "pending" and (admin or operator):
        with st.form(f"ticket_moderate_{ticket.id}"):
            st.warning(t("tickets.moderation_due"), icon=":material/gavel:")
            word = st.text_area(t("tickets.moderation_word"), max_chars=tickets.MAX_MESSAGE)
            left, right = st.columns(2)
            if left.form_submit_button(t("tickets.accept"), type="primary", icon=":material/check:"):
                save(complaints.moderate, t("tickets.moderated"), ticket_id=ticket.id, accept=True, message=word)
            if right.form_submit_button(t("tickets.refuse"), icon=":material/block:"):
                save(complaints.moderate, t("tickets.moderated"), ticket_id=ticket.id, accept=False, message=word)
    elif admin or (operator and ticket.state != "ditutup"):
        with st.form(f"ticket_reply_{ticket.id}", clear_on_submit=True):
            message = st.text_area(t("tickets.reply"), max_chars=tickets.MAX_MESSAGE, key=f"ticket_reply_text_{ticket.id}")
            public = st.toggle(t("tickets.public"), value=True, help=t("tickets.public_help")) if admin else True
            if st.form_submit_button(t("tickets.send"), icon=":material/reply:"):
                save(tickets.reply, t("tickets.replied"), ticket_id=ticket.id, message=message, public=public)
        if operator and st.button(t("tickets.close_own"), icon=":material/task_alt:", key=f"ticket_close_{ticket.id}"):
            save(tickets.set_state, t("tickets.state_set"), ticket_id=ticket.id, state="ditutup")

    if admin and ticket.moderation != "pending":
        st.markdown(f"**{t('tickets.work')}**")
        left, middle, right = st.columns(3)
        priority = left.selectbox(t("tickets.priority"), clock.PRIORITIES, key=f"ticket_priority_{ticket.id}",
                                  index=clock.PRIORITIES.index(ticket.priority or clock.UNTRIAGED),
                                  format_func=lambda p: text(f"tickets.priority.{p}"))
        if left.button(t("tickets.triage"), key=f"ticket_triage_{ticket.id}", icon=":material/flag:"):
            save(tickets.triage, t("tickets.triaged"), ticket_id=ticket.id, priority=priority)
        people = {u.id: u.display_name or u.username for u in call(tickets.assignees, ticket_id=ticket.id)}
        person = middle.selectbox(t("tickets.assignee"), [None, *people], key=f"ticket_assignee_{ticket.id}",
                                  index=[None, *people].index(ticket.assignee_id) if ticket.assignee_id in people else 0,
                                  format_func=lambda i: text("tickets.nobody") if i is None else people[i])
        if middle.button(t("tickets.assign"), key=f"ticket_assign_{ticket.id}", icon=":material/person_add:"):
            save(tickets.assign, t("tickets.assigned"), ticket_id=ticket.id, user_id=person)
        moves = [s for s in tickets.STATES if s != "baru"]
        state = right.selectbox(t("tickets.state"), moves, key=f"ticket_state_{ticket.id}",
                                index=moves.index(ticket.state) if ticket.state in moves else 0,
                                format_func=lambda s: text(f"tickets.state.{s}"))
        if right.button(t("tickets.set_state"), key=f"ticket_set_state_{ticket.id}", icon=":material/sync_alt:"):
            save(tickets.set_state, t("tickets.state_set"), ticket_id=ticket.id, state=state)
        incidents = {i: text("tickets.incident_option", id=i, target=name, start=moment(start))
                     for i, name, start in call(tickets.recent_incidents, ticket_id=ticket.id)}
        if incidents:
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            chosen = left.selectbox(t("tickets.incident"), [None, *incidents], key=f"ticket_incident_{ticket.id}",
                                    index=[None, *incidents].index(ticket.incident_id)
                                    if ticket.incident_id in incidents else 0,
                                    format_func=lambda i: text("tickets.link_none") if i is None else incidents[i])
            if right.button(t("tickets.link_incident"), key=f"ticket_link_{ticket.id}", icon=":material/link:"):
                save(tickets.link_incident, t("tickets.linked"), ticket_id=ticket.id, incident_id=chosen)

if admin:
    with st.expander(t("tickets.from_incident"), icon=":material/emergency:"):
        st.caption(t("tickets.from_incident_help"))
        since = utcnow() - timedelta(days=14)
        loose = {i: text("tickets.from_incident_option", id=i, target=name, start=moment(start),
                         state=text("tickets.incident_ended" if end else "tickets.incident_open"))
                 for i, name, start, end in call(tickets.incidents_without_ticket, since=since)}
        if not loose:
            st.caption(t("tickets.no_loose_incidents"))
        else:
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            incident_id = left.selectbox(t("tickets.incident"), list(loose), format_func=loose.get,
                                         key="ticket_from_incident")
            if right.button(t("tickets.from_incident_button"), key="ticket_from_incident_open", icon=":material/add:"):
                save(tickets.from_incident, lambda made: t("tickets.from_incident_done", code=made.code),
                     incident_id=incident_id)
    with st.expander(t("tickets.targets"), icon=":material/timer:"):
        current = call(clock.targets)
        with st.form("ticket_targets"):
            st.caption(t("tickets.targets_help"))
            values = {}
            for priority in clock.PRIORITIES:
                left, right = st.columns(2)
                response, resolution = current[priority]
                values[priority] = (
                    left.number_input(t("tickets.target_response", priority=text(f"tickets.priority.{priority}")),
                                      min_value=0.25, max_value=float(clock.MAX_TARGET_H), value=float(response),
                                      step=0.25, key=f"ticket_target_r_{priority}"),
                    right.number_input(t("tickets.target_resolution", priority=text(f"tickets.priority.{priority}")),
                                       min_value=0.25, max_value=float(clock.MAX_TARGET_H), value=float(resolution),
                                       step=0.25, key=f"ticket_target_s_{priority}"))
            if st.form_submit_button(t("tickets.targets_save"), icon=":material/save:"):
                save(clock.save_targets, t("tickets.targets_saved"), values=values)
