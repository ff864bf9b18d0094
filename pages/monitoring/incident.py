"""Insiden: one incident's page (?id=N, the permalink alerts carry) — its work (acknowledge, assign, notes,
cause and action) and its whole story; without an id, the list of incidents to open. What a person typed is
shown in tables or escaped markdown, never as HTML."""

import pandas as pd
import streamlit as st

from core import formatting
from core.errors import NotFound
from core.i18n import reason_text
from core.monitoring import dependencies, incidents
from core.monitoring.states import look
from core.navigation import can_open
from core.tickets import tickets
from db.types import utcnow
from pages.common.shell import cached, call, ctx, guard, moment, num, plain, save, show_flash, show_table, t, text

guard("incident")
c = ctx()
PAGE = "pages/monitoring/incident.py"
LINK = "/insiden?id="  # the url path core.navigation gives this page


def cause_label(cause: str) -> str:
    return text(f"incident.cause.{cause}") if cause else "–"


def incident_list() -> None:
    st.title(t("incident.list_title"))
    wanted = st.query_params.get("daftar", "open")
    which = st.segmented_control(t("incident.list_which"), list(incidents.LISTS),
                                 default=wanted if wanted in incidents.LISTS else "open", key="incident_list",
                                 format_func=lambda k: text(f"incident.list.{k}")) or "open"
    st.query_params["daftar"] = which
    rows = cached(incidents.listing, which=which)
    st.caption(t(f"incident.list_caption.{which}", n=num(len(rows))))
    if not rows:
        st.info(t("incident.list_empty"))
        return
    show_table(pd.DataFrame({
        text("incident.col_open"): [f"{LINK}{r.id}" for r in rows],
        text("availability.started"): [moment(r.started_at) for r in rows],
        text("availability.ended"): [moment(r.ended_at) if r.ended_at else text("availability.ongoing") for r in rows],
        text("users.unit"): [r.unit for r in rows],
        text("availability.target"): [r.target for r in rows],
        text("incident.acknowledged"): [moment(r.acknowledged_at) if r.acknowledged_at else text("incident.not_yet")
                                        for r in rows],
        text("incident.assignee"): [r.assignee or "–" for r in rows],
        text("incident.cause"): [cause_label(r.cause) for r in rows],
        text("availability.reason"): [reason_text(r.reason, c.lang) for r in rows],
    }), column_config={text("incident.col_open"): st.column_config.LinkColumn(
        text("incident.col_open"), display_text=r"id=(\d+)$")}, key="incident_rows")


def work(view: incidents.IncidentView) -> None:
    """The forms this viewer may use: acknowledge, note (admin and the unit's operator), assign, cause (admin),
    two to a row."""
    i, allowed = view.incident, view.actions
    if not allowed:
        st.caption(t("incident.read_only"))
        return
    forms = [f for f in ("ack", "note", "assign", "cause") if f in allowed
             and (f != "ack" or (i.acknowledged_at is None and i.ended_at is None))]
    for n in range(0, len(forms), 2):
        for where, name in zip(st.columns(2), forms[n:n + 2], strict=False):
            with where:
                FORMS[name](i)


def ack_form(i) -> None:
    with st.form("incident_ack", clear_on_submit=True):
        st.markdown(f"**{t('incident.ack_heading')}**")
        note = st.text_area(t("incident.ack_note"), placeholder=text("incident.ack_placeholder"),
                            max_chars=incidents.TEXT_MAX, key="incident_ack_note")
        if st.form_submit_button(t("incident.ack_button"), type="primary", icon=":material/front_hand:"):
            save(incidents.acknowledge, t("incident.acked"), incident_id=i.id, note=note)


def note_form(i) -> None:
    with st.form("incident_note", clear_on_submit=True):
        st.markdown(f"**{t('incident.note_heading')}**")
        note = st.text_area(t("incident.note"), max_chars=incidents.TEXT_MAX, key="incident_note_text")
        if st.form_submit_button(t("incident.note_button"), icon=":material/edit_note:"):
            save(incidents.add_note, t("incident.noted"), incident_id=i.id, text=note)


def assign_form(i) -> None:
    people = dict(call(incidents.assignable, incident_id=i.id))
    options = [None, *people]
    with st.form("incident_assign"):
        st.markdown(f"**{t('incident.assign_heading')}**")
        who = st.selectbox(t("incident.assignee"), options, key="incident_assignee",
                           index=options.index(i.assignee_id) if i.assignee_id in options else 0,
                           format_func=lambda u: text("incident.nobody") if u is None else people[u],
                           help=text("incident.assign_help"))
        if st.form_submit_button(t("incident.assign_button"), icon=":material/person_add:"):
            save(incidents.assign, t("incident.assigned"), incident_id=i.id, user_id=who)


def cause_form(i) -> None:
    causes = list(incidents.CAUSES)
    with st.form("incident_cause"):
        st.markdown(f"**{t('incident.cause_heading')}**")
        # No cause chosen until someone chooses one: saving without a choice is refused, never "lainnya".
        cause = st.selectbox(t("incident.cause"), causes, format_func=cause_label, key="incident_cause",
                             index=causes.index(i.cause) if i.cause in causes else None,
                             placeholder=text("incident.cause_choose"))
        action = st.text_area(t("incident.action"), value=i.action, max_chars=incidents.TEXT_MAX,
                              key="incident_action")
        if st.form_submit_button(t("incident.cause_button"), icon=":material/task_alt:"):
            save(incidents.set_cause, t("incident.cause_saved"), incident_id=i.id, cause=cause or "", action=action)


FORMS = {"ack": ack_form, "note": note_form, "assign": assign_form, "cause": cause_form}


def timeline(view: incidents.IncidentView) -> pd.DataFrame:
    """Everything that happened, in order: start, state changes, alerts and their deliveries, work, updates, end."""
    i = view.incident
    rows = [(i.started_at, text("incident.ev.start"), reason_text(i.reason, c.lang))]
    rows += [(e.at, text("incident.ev.state"), f"{text(look(e.old).label) if e.old else '–'} → "
              f"{text(look(e.new).label) if e.new else '–'}" if e.kind == "state" else
              text(f"incident.ev.{e.kind}") if e.kind in ("reboot", "flapping", "flapping_end") else e.kind)
             for e in view.events]
    for sent in view.alerts:
        told = "; ".join(text("incident.delivery", channel=ch, status=text(f"incident.delivery.{status}"), n=attempts)
                         + (f" ({err})" if err and status != "sent" else "")
                         for ch, status, attempts, err, _at in sent.deliveries) or text("incident.no_channel")
        rows.append((sent.at, text(f"incident.alert.{sent.kind}"), told))
    rows += [(a.at, text(f"incident.act.{a.kind}", who=a.who),
              cause_label(a.text.split(":", 1)[0]) + (":" + a.text.split(":", 1)[1] if ":" in a.text else "")
              if a.kind == "cause" else a.text or "–") for a in view.activity]
    rows += [(u.at, text("incident.ev.update", service=name), f"{text(f'update.status.{u.status}')}: {u.message}")
             for u, name in view.updates]
    if i.ended_at:
        rows.append((i.ended_at, text("incident.ev.end"), reason_text(i.end_reason, c.lang) or "–"))
    rows.sort(key=lambda r: r[0])
    return pd.DataFrame({text("audit.at"): [moment(at) for at, _k, _d in rows],
                         text("incident.col_what"): [k for _a, k, _d in rows],
                         text("incident.col_detail"): [d for _a, _k, d in rows]})


def one(incident_id: int) -> None:
    try:
        view = cached(incidents.detail, incident_id=incident_id)
    except NotFound:
        st.title(t("incident.list_title"))
        st.warning(t("incident.not_found"), icon=":material/search_off:")
        st.page_link(PAGE, label=t("incident.back"), icon=":material/list:")
        return
    i = view.incident
    st.title(t("incident.title", id=i.id, target=view.target_name))
    until = moment(i.ended_at) if i.ended_at else text("availability.ongoing")
    st.caption(t("incident.caption", unit=view.unit_name, criticality=text(f"criticality.{view.criticality}"),
                 start=moment(i.started_at), end=until))
    cols = st.columns(4)
    length = formatting.duration(((i.ended_at or utcnow()) - i.started_at).total_seconds(), c.lang)
    cols[0].metric(t("incident.state"), t("incident.ended" if i.ended_at else "incident.ongoing"), length, border=True,
                   delta_color="off", delta_arrow="off")
    if i.acknowledged_at:
        cols[1].metric(t("incident.ack_after"),
                       formatting.duration((i.acknowledged_at - i.started_at).total_seconds(), c.lang),
                       view.acknowledged_by or None, border=True, delta_color="off", delta_arrow="off",
                       help=text("incident.ack_at", at=moment(i.acknowledged_at)))
    else:
        cols[1].metric(t("incident.acknowledged"), t("incident.not_yet"), border=True)
    cols[2].metric(t("incident.assignee"), view.assignee or "–", border=True)
    cols[3].metric(t("incident.cause"), cause_label(i.cause), border=True)
    if i.reason:
        st.markdown(f"{t('availability.reason')}: {plain(reason_text(i.reason, c.lang))}")
    if i.action:
        st.markdown(f"{t('incident.action')}: {plain(i.action)}")
    show_flash()
    work(view)
    st.subheader(t("incident.timeline"))
    show_table(timeline(view), key="incident_timeline")
    with st.expander(t("incident.checks", n=num(len(view.checks)))):
        if view.checks:
            show_table(pd.DataFrame({
                text("audit.at"): [moment(h.at) for h in view.checks],
                text("admin_targets.state"): [text(look(h.status).label) for h in view.checks],
                text("target.latency"): [formatting.milliseconds(h.latency_ms, 1, c.lang) for h in view.checks],
                text("availability.reason"): [reason_text(h.reason, c.lang) for h in view.checks],
            }), key="incident_checks")
        else:
            st.caption(t("incident.no_checks"))
    hit = cached(dependencies.affected, target_id=i.target_id) if not i.ended_at else []
    if hit:  # its outage makes these unreachable now (issue 31 part 2): the ones this viewer may see
        with st.expander(t("deps.affected", n=num(len(hit)))):
            st.markdown("  \n".join(plain(a.name) for a in hit))
    linked = cached(tickets.list_tickets, which="all", incident_id=i.id, zone=c.settings.zone) \
        if can_open(c.viewer, "tickets") else []
    st.subheader(t("incident.tickets", n=num(len(linked))))
    if not linked:
        st.caption(t("incident.no_tickets"))
    for line in linked:
        st.page_link("pages/tickets/tickets.py", query_params={"kode": line.ticket.code}, icon=":material/confirmation_number:",
                     label=f"{line.ticket.code} · {line.unit} · {text(f'tickets.state.{line.ticket.state}')}")
    st.page_link("pages/monitoring/target.py", label=t("incident.to_target"), icon=":material/router:",
                 query_params={"id": i.target_id})
    st.page_link(PAGE, label=t("incident.back"), icon=":material/list:", query_params={"daftar": "open"})


wanted = st.query_params.get("id", "")
# Only ASCII digits: "²".isdigit() is True, and int("²") fails.
if wanted and wanted.isascii() and wanted.isdigit():
    one(int(wanted))
else:
    incident_list()
