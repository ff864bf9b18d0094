"""Beranda unit: an SKPD head's or operator's landing page — what to do now for their unit, each with the
page that does it: live state of its targets and services, this year's self-assessment and its deadline,
needs Kominfo sent back with the reasons, devices past their useful life, readiness against the city.
Admin and leadership open any unit's home from the picker."""

import streamlit as st

from core import formatting
from core.access import Role
from core.home import unit as home
from core.i18n import reason_text
from core.monitoring.states import LOOKS, look
from core.navigation import PAGES
from core.org import units
from core.tickets import clock
from db.monitoring import State
from db.types import utcnow
from pages.common.shell import cached, ctx, guard, moment, num, plain, t, text

guard("home")
c = ctx()
SCRIPT = {p.key: p.script for p in PAGES}
URGENCY = {0: ("red", ":material/priority_high:"), 1: ("orange", ":material/schedule:"), 2: ("blue", ":material/info:")}
OPEN = {"target": "home.open_target", "assessment": "home.open_assessment", "needs": "home.open_needs",
        "devices": "home.open_devices", "readiness": "home.open_readiness", "services": "home.open_services",
        "tickets": "home.open_tickets"}
LIST_ROWS, LIST_HEIGHT_PX = 6, 380
today = formatting.local(utcnow(), c.settings.zone).date()

head, picker = st.columns([5, 2], vertical_alignment="bottom")
unit_id = c.viewer.unit_id
if c.viewer.role is not Role.SKPD or unit_id is None:
    visible = cached(units.list_units)
    if not visible:
        st.info(t("overview.empty"))
        st.stop()
    by_id = {u.id: u for u in visible}
    unit_id = picker.selectbox(t("unit.pick"), list(by_id), key="home_unit",
                               format_func=lambda i: f"{by_id[i].name} ({by_id[i].code})")
data = cached(home.unit_home, unit_id=unit_id, zone=c.settings.zone, today=today, org_name=c.settings.org_name)
head.title(plain(data.name))
st.caption(t("home.caption", date=formatting.day(today, c.lang)))


def listing(count: int):
    """Where a box lists its items: a list longer than a screenful scrolls inside the box, nothing is cut."""
    return st.container(height=LIST_HEIGHT_PX if count > LIST_ROWS else "content", border=False)


def clock_words(item) -> str:
    return clock.words(item, c.lang)


def link(page: str, label_key: str) -> None:
    st.page_link(SCRIPT[page], label=t(label_key), icon=":material/arrow_forward:")


st.subheader(t("home.todo"))
if not data.todos:
    st.success(t("home.nothing_to_do"), icon=":material/task_alt:")
for todo in data.todos:
    colour, icon = URGENCY[todo.urgency]
    params = {k: num(v, 2) if isinstance(v, float) else num(v) if isinstance(v, int)
              and k not in ("year",) else v for k, v in todo.params.items()}
    row, action = st.columns([5, 1.4], vertical_alignment="center")
    row.markdown(f":{colour}[{icon}] {t(todo.key, **params)}")
    with action:
        link(todo.page, OPEN[todo.page])

left, right = st.columns(2, gap="large")
with left, st.container(border=True):
    st.markdown(f"**{t('home.live')}**")
    counted = (State.UP, State.DOWN, State.UNREACHABLE, State.DEGRADED, State.PENDING, State.MAINTENANCE, State.UNKNOWN)
    # One line of counts (up and down always, the rest when present): nothing to cut at any width.
    st.markdown(" · ".join(f":{LOOKS[s].colour}[{LOOKS[s].icon} {t(LOOKS[s].label)} **{num(data.targets.get(s, 0))}**]"
                           for s in counted if s in (State.UP, State.DOWN) or data.targets.get(s)))
    if not data.targets:
        st.caption(t("home.no_targets"))
    # Every target the to-do counts is listed (worst first); a long list scrolls inside the box.
    with listing(len(data.problems)):
        for line in data.problems:
            shown = look(line.state)
            since = t("home.since", when=moment(line.since)) if line.since else ""
            st.markdown(f":{shown.colour}[{shown.icon} {t(shown.label)}] **{plain(line.name)}** · {plain(line.unit)} "
                        f"{since}  \n:gray[{plain(reason_text(line.reason, c.lang))}]")
    if data.services:
        st.markdown(f"**{t('home.services', n=len(data.services))}**")
        st.markdown("  \n".join(f":{look(s.state).colour}[{look(s.state).icon}] {plain(s.name)} · "
                                f"{t(look(s.state).label)}" for s in data.services[:8]))
    link("target", "home.open_target")

with right, st.container(border=True):
    ev = data.evaluation
    st.markdown(f"**{t('home.evaluation')}**")
    if ev is None:
        st.caption(t("home.no_period"))
    else:
        st.markdown(t("home.eval_line", year=ev.year, status=t(f"eval.status.{ev.status}"),
                      done=num(ev.answered), total=num(ev.indicators)))
        st.progress(ev.answered / ev.indicators if ev.indicators else 0.0)
        if ev.status in ("submitted", "verified"):  # nothing due: no countdown for work already handed in
            st.caption(t(f"home.eval_{ev.status}"))
        elif ev.deadline:
            left_days = (ev.deadline - today).days
            st.markdown(t("home.deadline", date=formatting.day(ev.deadline, c.lang)) + " · "
                        + (t("home.days_left", n=num(left_days)) if left_days >= 0
                           else f":red[{t('home.days_late', n=num(-left_days))}]"))
        else:
            st.caption(t("home.no_deadline"))
        if ev.note:
            st.warning(t("home.eval_note", note=ev.note), icon=":material/undo:")
        link("assessment", "home.open_assessment" if ev.status in ("draft", "returned") else "home.see_assessment")

    st.markdown(f"**{t('home.readiness')}**")
    if data.readiness is None:
        st.caption(t("home.no_readiness"))
    else:
        delta = data.readiness - data.city_readiness if data.city_readiness is not None else None
        a, b = st.columns(2)
        a.metric(t("home.readiness_unit"), num(data.readiness, 2),
                 delta=num(delta, 2) if delta is not None else None)
        b.metric(t("home.readiness_city"), num(data.city_readiness, 2)
                 if data.city_readiness is not None else "–")

with st.container(border=True):
    # Every open report the heading counts, as the problem-report page's "open" list shows them.
    st.markdown(f"**{t('home.tickets', n=num(len(data.tickets)))}**")
    if not data.tickets:
        st.caption(t("home.no_tickets"))
    with listing(len(data.tickets)):
        for line in data.tickets:
            st.markdown(t("home.ticket_line", code=line.ticket.code, category=text(f"tickets.category.{line.ticket.category}"),
                          state=text(f"tickets.state.{line.ticket.state}"), unit=line.unit,
                          response=clock_words(line.clocks.response), resolution=clock_words(line.clocks.resolution)))
    link("tickets", "home.open_tickets")


def sent_back(need) -> None:
    colour = "orange" if need.status == "revised" else "red"
    by = t("home.reviewed", by=need.reviewed_by, when=moment(need.reviewed_at)) if need.reviewed_at else ""
    st.markdown(f":{colour}[{t(f'need_status.{need.status}')}] **{plain(need.item)}** · {plain(need.unit)} · "
                f"{need.fiscal_year}  \n{t('home.reason', reason=need.reason or '–')} {by}")


with st.container(border=True):
    # The revisions the to-do line counts, all of them, before the rejections (news, nothing to do).
    st.markdown(f"**{t('home.revised', n=num(len(data.revised)))}**")
    if not data.revised:
        st.caption(t("home.none_revised"))
    with listing(len(data.revised)):
        for need in data.revised:
            sent_back(need)
    if data.rejected:
        with st.expander(t("home.rejected", n=num(len(data.rejected))), icon=":material/block:"):
            for need in data.rejected:
                sent_back(need)
    if data.sent_back:
        link("needs", "home.open_needs")

with st.container(border=True):
    st.markdown(f"**{t('home.past_life', n=num(len(data.past_life)))}**")
    if not data.past_life:
        st.caption(t("home.none_past_life"))
    else:
        with listing(len(data.past_life)):
            st.markdown("  \n".join(t("home.past_life_line", model=r["brand_model"] or r["category"], unit=r["unit"],
                                      year=str(r["year"]), age=num(r["age"]), life=num(r["life"]))
                                    for r in data.past_life))
        link("devices", "home.open_devices")
