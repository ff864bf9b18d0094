"""Status Langsung: the whole city on one projector screen, refreshed in place; stale data is never shown as live.

Units with a problem come first as large tiles beside the open incidents; healthy units follow as compact
tiles, each filled with its state's colour and marked with its state's shape. The projector view has no
controls: `?layar=penuh` (the presenter's default) or the F key, and `?putar=30` rotates through the unit
groups every 30 s."""

import streamlit as st

from core import formatting
from core.access import Role
from core.i18n import reason_text
from core.monitoring import status
from core.monitoring.states import LOOKS, PROBLEMS, State, rank
from core.navigation import can_open
from db.types import utcnow
from pages.common.shell import cached, call, ctx, guard, num, plain, t, text

guard("status")
c = ctx()
# The totals in the header: every state, unknown too, so they add up to the targets the availability page lists.
COUNTED = (State.UP, State.DEGRADED, State.DOWN, State.UNREACHABLE, State.MAINTENANCE, State.PENDING, State.UNKNOWN)
HEADER_KEYS = {State.UNREACHABLE: "deps.unreachable_short"}  # the header's narrow columns: the short word
BIG_TILES = 12  # more problem units than this (a city-wide outage) continue as compact tiles, still first
INCIDENT_ROWS = 8

PROJECTOR = "penuh"  # ?layar=penuh
REGULAR = "biasa"  # ?layar=biasa: the presenter's way back to the menu
# Tile colours by state (filled, with a strong edge) and sizes that follow the width of the page (cqw: a
# share of the main area, with or without the menu), so the same wall fits 1920×1080 and 1280×720. Static CSS, no user data in it: a tile is found by the key of its
# container, `walltile-<size>-<state>-<unit id>`; COLUMNS_CSS sets how many compact tiles share a row.
TILE_CSS = """<style>
[data-testid="stMainBlockContainer"] {container-type: inline-size;}
[class*="st-key-walltile-"] {border-radius: 0.4rem; border-left: 0.35rem solid #9e9e9e; background: #eeeeee;
  color: #1f2328; gap: 0;}
[data-testid="stLayoutWrapper"]:has(> [class*="st-key-walltile-chip-"]) {flex: 0 0 auto;
  width: calc((100% - (var(--wall-cols) - 1) * 0.3cqw) / var(--wall-cols));}
[data-testid="stLayoutWrapper"]:has(> [class*="st-key-walltile-big-"]) {flex: 0 0 auto; width: calc((100% - 0.6cqw) / 3);}
[class*="st-key-walltile-"] {width: 100% !important;}
[class*="st-key-walltile-"] [data-testid="stMarkdownContainer"] {margin-bottom: 0;}
[class*="st-key-walltile-chip-"] {padding: 0.25cqw 0.45cqw;}
[class*="st-key-walltile-"] p {line-height: 1.3; margin: 0; white-space: nowrap; overflow: hidden;}
[class*="st-key-walltile-chip-"] p {font-size: calc(7.4cqw / var(--wall-cols));}
[class*="st-key-walltile-chip-"] p:last-child {font-size: calc(4.6cqw / var(--wall-cols));}  /* 24 cells fit */
[class*="st-key-walltile-big-"] {padding: 0.5cqw 0.8cqw;}
[class*="st-key-walltile-big-"] p {font-size: max(0.85rem, 1.05cqw); white-space: normal;}
[class*="st-key-walltile-big-"] p:last-child {font-size: max(0.6rem, 0.85cqw); white-space: nowrap;}
[class*="st-key-walltile-big-"] p:nth-child(2):not(:last-child) {font-size: max(0.7rem, 0.8cqw); line-height: 1.25; margin: 0.15cqw 0;}
[class*="st-key-walltile-big-"] strong {font-size: max(1.05rem, 1.35cqw);}
[class*="st-key-walltile-"][class*="-down-"] {background: #fde0e0; border-left-color: #c62828;}
[class*="st-key-walltile-"][class*="-pending-"], [class*="st-key-walltile-"][class*="-degraded-"] {background: #fff1d6;
  border-left-color: #e08600;}
[class*="st-key-walltile-"][class*="-maintenance-"] {background: #e1ecfb; border-left-color: #1565c0;}
[class*="st-key-walltile-"][class*="-unreachable-"] {background: #efe5f6; border-left-color: #6a1b9a;}
[class*="st-key-walltile-"][class*="-up-"] {background: #e3f4e7; border-left-color: #2e7d32;}
.st-key-wall-chips, .st-key-wall-bigs {gap: 0.3cqw !important;}
.st-key-wall-incidents p {font-size: max(1rem, 1.3cqw); line-height: 1.35; margin-bottom: 0.2rem;}
.st-key-wall-shortcut {display: none;}
</style>"""
COLUMNS_CSS = "<style>.st-key-wall-chips {{--wall-cols: {cols};}}</style>"  # type shrinks as tiles narrow
PROJECTOR_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stSidebarCollapsedControl"] {display: none;}
[data-testid="stMainBlockContainer"] {max-width: 100%; padding: 0.6rem 1.2rem;}
[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMetricValue"] * {font-size: 2.1cqw;}
[data-testid="stMain"] h1 {font-size: 1.9cqw; padding: 0;}
</style>"""
# Heartbeat strip: one cell per clock hour of the last 24, its height and colour by the hour's availability.
LEVELS = ((0.999, "█", "green"), (0.95, "▆", "orange"), (1e-9, "▃", "red"), (0.0, "▁", "red"))


def strip(hours: list[float | None]) -> str:
    """24 cells as coloured markdown, runs of one colour in one span; an hour without checks is a grey dot."""
    cells = []
    for share in hours or [None] * 24:
        cells.append(("·", "gray") if share is None else next((ch, col) for low, ch, col in LEVELS if share >= low))
    runs: list[list] = []
    for ch, col in cells:
        if runs and runs[-1][1] == col:
            runs[-1][0] += ch
        else:
            runs.append([ch, col])
    return "".join(f":{col}[{chars}]" for chars, col in runs)


def age_text(age: float) -> str:
    return (t("status.seconds", n=num(age)) if age < 120 else
            t("status.minutes", n=num(age // 60)) if age < 7200 else formatting.duration(age, c.lang))


def header(data: status.Wall, fresh: status.Freshness, caption: str) -> None:
    """On the projector the title shares one row with the totals; with the menu it stands above them."""
    if projector:
        cols = st.columns([2.2] + [1] * len(COUNTED), vertical_alignment="bottom")
        cols[0].title(t("status.title"))
        cols[0].markdown(caption)
    else:
        st.title(t("status.title"))
        st.markdown(caption)
        cols = [None, *st.columns(len(COUNTED))]
    for col, state in zip(cols[1:], COUNTED, strict=True):
        col.metric(f"{LOOKS[state].icon} {t(HEADER_KEYS.get(state, LOOKS[state].label))}",
                   "–" if fresh.stale else num(data.totals[state]),
                   # the full name as a tooltip at a desk; the projector shows nothing one could click
                   help=t(LOOKS[state].label) if state in HEADER_KEYS and not projector else None)


def columns_for(n: int) -> int:
    """Compact tiles per row on the projector: ten for the 91 units of Kota Malang, up to fourteen for 150
    units or more; beside the menu, six (that view may scroll, its type stays readable at a desk)."""
    if not projector:
        return 6
    return 10 if n <= 100 else 12 if n <= 130 else 14


def chip(unit: status.UnitStatus, shown: State, hours, stale_line: str) -> None:
    look = LOOKS[shown]
    name = plain(unit.short_name or unit.name)
    if not unit.targets:  # not monitored at all: true however old the data is
        body = f"{look.icon} **{name}**\n\n:gray[{t('status.no_target')}]"
    elif stale_line:
        body = f"{look.icon} **{name}**\n\n{stale_line}"
    elif shown is State.UNKNOWN and unit.unknown_reason:  # "agen X tidak melapor": say so, not an empty strip
        body = f"{look.icon} **{name}**\n\n:gray[{plain(reason_text(unit.unknown_reason, c.lang))}]"
    else:
        body = f"{look.icon} **{name}**\n\n{strip(hours)}"
    st.container(key=f"walltile-chip-{shown.value.lower()}-{unit.unit_id}").markdown(body)


def big(unit: status.UnitStatus, incidents: list[status.OpenIncident], hours, now) -> None:
    look = LOOKS[unit.worst]
    bad = sum(n for s, n in unit.counts.items() if s in PROBLEMS)
    state_line = f"{look.icon} {t(look.label)} · {t('status.of_targets', bad=bad, n=unit.targets)}"
    if unit.affected:  # the root-cause tile: the targets behind this unit's outage, counted here, not as tiles
        state_line += f" · **{LOOKS[State.UNREACHABLE].icon} {t('deps.affected', n=unit.affected)}**"
    mine = [i for i in incidents if i.unit_id == unit.unit_id]
    if mine:  # the longest open incident: how long, and why (wrapped, in small type)
        state_line += " · " + t("status.since_for", time=formatting.duration((now - mine[0].started_at).total_seconds(), c.lang))
    why = f"\n\n:gray[{plain(reason_text(mine[0].reason, c.lang))}]" if mine and mine[0].reason else ""
    st.container(key=f"walltile-big-{unit.worst.value.lower()}-{unit.unit_id}").markdown(
        f"**{plain(unit.short_name or unit.name)}**  \n{state_line}{why}\n\n{strip(hours)}")


def incident_list(incidents: list[status.OpenIncident], now) -> None:
    box = st.container(key="wall-incidents")
    if not incidents:
        box.markdown(f":green[{LOOKS[State.UP].icon} {t('status.no_incidents')}]")
        return
    box.markdown(f"**{t('status.open_incidents', count=len(incidents))}**")
    # One line each in large type, longest first; the reason sits on the unit's own tile. Off the projector, a
    # viewer who may open the incident page gets each line as its link (the presenter sees the wall only).
    if not projector and can_open(c.viewer, "incident"):
        for i in incidents[:INCIDENT_ROWS]:
            label = t("status.open_incident", unit=i.unit, target=i.target,
                      duration=formatting.duration((now - i.started_at).total_seconds(), c.lang))
            box.page_link("pages/monitoring/incident.py", query_params={"id": i.id},
                          icon=":material/task_alt:" if i.acknowledged else ":material/emergency:",
                          label=label + (f" · {t('deps.affected', n=i.affected)}" if i.affected else ""))
    else:
        box.markdown("  \n".join(
            f"**{plain(i.unit)}** · {plain(i.target)} · {formatting.duration((now - i.started_at).total_seconds(), c.lang)}"
            + (f" · :violet[{t('deps.affected', n=i.affected)}]" if i.affected else "")
            for i in incidents[:INCIDENT_ROWS]))
    if len(incidents) > INCIDENT_ROWS:
        box.markdown(f":gray[{t('status.more_incidents', n=len(incidents) - INCIDENT_ROWS)}]")


def rotation(units: list[status.UnitStatus], now) -> tuple[list[status.UnitStatus], str]:
    """With ?putar=N (seconds), one unit group per N seconds, chosen by the clock; else every unit."""
    wanted = st.query_params.get("putar", "")
    groups = status.groups(units)
    if not (wanted.isascii() and wanted.isdigit()) or int(wanted) < 5 or not groups:
        return units, ""
    index = int(now.timestamp() // int(wanted)) % len(groups)
    head, members = groups[index]
    name = text("status.group_pd") if head is None else head.short_name or head.name  # t() escapes it
    return members, t("status.rotating", name=name, i=index + 1, n=len(groups), s=int(wanted))


@st.fragment(run_every=10)
def wall() -> None:
    now = utcnow()
    fresh = call(status.freshness)  # never cached: the stale banner must not lag
    data = cached(status.wall)
    units, rotating = rotation(data.units, now)
    caption = t("status.caption", org=c.settings.org_name, time=formatting.moment(now, c.settings.zone, c.lang))
    header(data, fresh, f":gray[{caption}]" + (f"  \n:blue[{rotating}]" if rotating else ""))
    stale_line = ""
    if fresh.stale:
        age = fresh.age_s(now)
        st.error(t("status.stale_never") if age is None else t("status.stale", age=age_text(age)),
                 icon=":material/warning:")
        stale_line = f":gray[{t('status.stale_tile', age=age_text(age)) if age is not None else t('status.unknown_tile')}]"
    if not any(u.targets for u in data.units):
        st.info(t("status.no_targets"), icon=":material/sensors_off:")
    ordered = sorted(units, key=lambda u: (rank(u.worst), not u.targets, u.short_name or u.name))
    problems = [] if fresh.stale else [u for u in ordered if u.worst in PROBLEMS][:BIG_TILES]
    if not fresh.stale:
        tiles, side = st.columns([3, 2], gap="medium") if problems else (None, st.container())
        if problems:
            with tiles, st.container(horizontal=True, key="wall-bigs"):
                for unit in problems:
                    big(unit, data.incidents, data.hours.get(unit.unit_id), now)
        with side:
            incident_list(data.incidents, now)
    big_ids = {u.unit_id for u in problems}
    st.html(COLUMNS_CSS.format(cols=columns_for(len(units))))
    with st.container(horizontal=True, key="wall-chips"):
        for unit in ordered:
            if unit.unit_id not in big_ids:
                chip(unit, State.UNKNOWN if fresh.stale else unit.worst, data.hours.get(unit.unit_id), stale_line)
    if not fresh.stale and any(u.targets for u in units):
        st.caption(t("status.strip_legend"))


def switch_view(projector: bool) -> None:
    st.query_params["layar"] = REGULAR if projector else PROJECTOR


wanted_view = st.query_params.get("layar", "")
projector = wanted_view == PROJECTOR or (c.viewer.role is Role.PRESENTER and wanted_view != REGULAR)
st.html(TILE_CSS + (PROJECTOR_CSS if projector else ""))
# F switches between the projector view and the regular one; on the projector the button itself is hidden.
with st.container(key="wall-shortcut" if projector else "wall-switch"):
    st.button(t("status.projector_off" if projector else "status.projector_on"), shortcut="f",
              on_click=switch_view, args=(projector,), icon=":material/fullscreen:", type="tertiary")
wall()
