"""Admin → Target: targets with their live state; admins add, edit, disable and schedule maintenance."""

from datetime import datetime, time, timedelta
from typing import Literal, get_args, get_origin

import pandas as pd
import streamlit as st

from core import export, formatting
from core.agents import agents
from core.i18n import reason_text
from core.monitoring import maintenance, target_import, targets
from core.monitoring.states import look
from core.org import units
from pages.common.imports import import_flow
from pages.common.shell import (
    ROOM_PX,
    cached,
    call,
    ctx,
    deferred,
    fit_columns,
    form_data,
    guard,
    header_px,
    moment,
    number_field,
    save,
    show_flash,
    t,
    text,
)
from probes.kinds import KINDS, PROBES
from probes.kinds.base import ProbeKind

guard("admin_targets")
c = ctx()
st.title(t("admin_targets.title"))
show_flash()

unit_list = call(units.list_units)
unit_by_id = {u.id: u for u in unit_list}
rows = cached(targets.target_rows)
is_admin = c.viewer.is_admin
agent_names = {a.id: a.name for a in call(agents.list_agents)} if is_admin else {}


def checked_by(agent_id: int | None) -> str:
    return t("admin_targets.central") if agent_id is None else t("admin_targets.by_agent",
                                                                   name=agent_names.get(agent_id, "?"))

unit_filter = st.selectbox(t("users.unit"), [None, *unit_by_id], key="targets_unit",
                           format_func=lambda i: t("admin_targets.all_units") if i is None else unit_by_id[i].name)
shown = [r for r in rows if unit_filter is None or r.unit_id == unit_filter]
NAME, HOST, REASON = t("admin_targets.name"), t("admin_targets.host"), t("admin_targets.reason")
listed = pd.DataFrame({
    # Filtered to one unit, the unit column would repeat it on every row: its room goes to the others.
    **({t("users.unit"): [unit_by_id[r.unit_id].short_name if r.unit_id in unit_by_id else "" for r in shown]}
       if unit_filter is None else {}),
    NAME: [r.name for r in shown],
    t("admin_targets.kind"): [r.kind for r in shown],
    HOST: [r.host + (f":{r.port}" if r.port else "") for r in shown],
    t("admin_targets.criticality"): [t(f"criticality.{r.criticality}") for r in shown],
    # Only once agents are in use: the column would say "Pusat" on every row, and take the names' room.
    **({t("admin_targets.checked_by"): [checked_by(r.agent_id) for r in shown]}
       if is_admin and any(r.agent_id for r in shown) else {}),
    t("admin_targets.state"): [t(look(r.state).label) if r.enabled else t("admin_targets.disabled") for r in shown],
    t("admin_targets.checked_at"): [formatting.clock(r.last_check_at, c.settings.zone, c.lang) for r in shown],
    REASON: [reason_text(r.last_reason, c.lang) for r in shown],
})


def list_widths(frame: pd.DataFrame) -> dict:
    """Widths from the content: names, units and short labels show whole; the address and the reason share
    what is left. Should even that not fit (many agents' names), the names still show whole."""
    elastic = frame[[HOST, REASON]]
    fixed = fit_columns(frame.drop(columns=[HOST, REASON]), room=10**6)  # each column its own width
    rest = ROOM_PX - sum(entry["width"] for entry in fixed.values())
    if rest >= sum(header_px(column) for column in elastic.columns):
        return fixed | fit_columns(elastic, room=rest)
    short = {column: {"width": header_px(column)} for column in elastic.columns}
    others = frame.drop(columns=[NAME, HOST, REASON])
    room = ROOM_PX - sum(entry["width"] for entry in short.values())
    name_px = min(fixed[NAME]["width"], max(header_px(NAME), room - sum(header_px(c) for c in others.columns)))
    return fit_columns(others, room=room - name_px) | {NAME: {"width": name_px}} | short


st.dataframe(listed, column_config=list_widths(listed), hide_index=True, width="stretch")
EXPORT_COLUMNS = [(k, k) for k in ("unit", "name", "kind", "host", "port", "interval_s", "timeout_s", "fail_threshold",
                                   "criticality", "enabled", "options", "parent", "state")]
export_rows = deferred(targets.export_rows)
st.download_button(t("admin_targets.export"), data=lambda: export.to_csv(export_rows(), EXPORT_COLUMNS),
                   file_name="monev-targets.csv", mime="text/csv", key="targets_export", icon=":material/download:")

if not is_admin:
    st.caption(t("admin_targets.read_only"))
    st.stop()

LEVELS = list(targets.CRITICALITY)
by_id = {r.id: r for r in rows}
PORT_HELP = t("admin_targets.port_help",
              required=", ".join(k.upper() for k, spec in PROBES.items() if spec.port == "required") or "–",
              defaults=", ".join(f"{k.upper()} {spec.default_port}" for k, spec in PROBES.items() if spec.default_port)
              or "–")


def option_fields(kind: ProbeKind, key: str, stored: dict) -> dict:
    """The widgets of a kind's options, drawn from its schema; returns the values set (empty ones left out)."""
    values = kind.parse(stored)
    chosen = {}
    columns = st.columns(2)
    for n, (name, info) in enumerate(kind.options.model_fields.items()):
        where, label, wkey = columns[n % 2], t(f"option.{kind.name}.{name}"), f"{key}_{kind.name}_{name}"
        current = getattr(values, name)
        if info.annotation is bool:
            chosen[name] = where.checkbox(label, value=current, key=wkey)
        elif get_origin(info.annotation) is Literal:
            choices = list(get_args(info.annotation))
            chosen[name] = where.selectbox(label, choices, index=choices.index(current), key=wkey)
        elif info.annotation in (int, int | None):
            chosen[name] = where.number_input(label, value=current, step=1, key=wkey)
        else:
            secret = (info.json_schema_extra or {}).get("secret")
            chosen[name] = where.text_input(label, value=stored.get(name, "") if secret else current, key=wkey,
                                            type="password" if secret else "default")
    return {k: int(v) if isinstance(v, float) else v for k, v in chosen.items() if v not in ("", None)}


def parent_name(target_id: int | None) -> str:
    if target_id is None:
        return text("deps.parent_none")
    row = by_id[target_id]
    unit = unit_by_id.get(row.unit_id)
    return f"{row.name} · {unit.short_name or unit.name}" if unit else row.name


def target_form(key: str, current=None, unit_id: int | None = None) -> targets.TargetCreate | None:
    """The fields of a target (a new one in `unit_id`), and every kind's options (a form cannot redraw itself
    when the kind changes; only the chosen kind's are kept). Returns the data when submitted."""
    stored = dict(current.options) if current else {}
    unit_id = current.unit_id if current else unit_id
    # Enter in a field does not save: Streamlit would say so under each field, in English.
    with st.form(key, enter_to_submit=False):
        a, b = st.columns(2)
        unit_id = a.selectbox(t("users.unit"), list(unit_by_id), key=f"{key}_unit",
                              index=list(unit_by_id).index(unit_id) if unit_id in unit_by_id else 0,
                              format_func=lambda i: unit_by_id[i].name)
        name = b.text_input(t("admin_targets.name"), value=current.name if current else "", key=f"{key}_name")
        a, b, d = st.columns([1, 3, 1])
        kind = a.selectbox(t("admin_targets.kind"), KINDS, key=f"{key}_kind",
                           index=KINDS.index(current.kind) if current else 0)
        host = b.text_input(t("admin_targets.host"), value=current.host if current else "", key=f"{key}_host",
                            help=t("admin_targets.host_help"))
        port = d.number_input(t("admin_targets.port"), 0, 65535, value=current.port or 0 if current else 0,
                              key=f"{key}_port", help=PORT_HELP)
        a, b, d, e = st.columns(4)
        interval = a.number_input(t("admin_targets.interval"), 10, 86400, value=current.interval_s if current else 60,
                                  key=f"{key}_interval")
        timeout = number_field(t("admin_targets.timeout"), min_value=0.5, max_value=30.0, decimals=1, where=b,
                               value=float(current.timeout_s) if current else 5.0, key=f"{key}_timeout")
        threshold = d.number_input(t("admin_targets.threshold"), 1, 20, value=current.fail_threshold if current
                                   else 3, key=f"{key}_threshold")
        criticality = e.selectbox(t("admin_targets.criticality"), LEVELS, format_func=lambda v: t(f"criticality.{v}"),
                                  index=LEVELS.index(current.criticality) if current else 2, key=f"{key}_crit")
        options = {}
        for spec in PROBES.values():
            if spec.options.model_fields:
                with st.expander(t("admin_targets.options", kind=spec.name.upper()),
                                 expanded=current is not None and current.kind == spec.name):
                    options[spec.name] = option_fields(spec, key, stored if current and current.kind == spec.name
                                                       else {})
        a, b = st.columns(2)
        choices = [None, *agent_names]
        agent_id = a.selectbox(t("admin_targets.checked_by"), choices, format_func=checked_by, key=f"{key}_agent",
                               index=choices.index(current.agent_id) if current and current.agent_id in choices else 0,
                               help=t("admin_targets.checked_by_help"))
        enabled = b.checkbox(t("admin_targets.enabled"), value=current.enabled if current else True,
                             key=f"{key}_enabled")
        # Any target the admin sees but this one (core refuses a parent that would make it its own ancestor).
        parents = [None, *(r.id for r in rows if current is None or r.id != current.id)]
        parent_id = st.selectbox(t("deps.parent"), parents, key=f"{key}_parent", help=t("deps.parent_help"),
                                 index=parents.index(current.parent_id) if current and current.parent_id in parents
                                 else 0, format_func=parent_name)
        if not st.form_submit_button(t("common.save"), type="primary") or timeout is None:
            return None
    return form_data(targets.TargetCreate, unit_id=unit_id, name=name, kind=kind, host=host, port=port or None,
                     interval_s=int(interval), timeout_s=float(timeout), fail_threshold=int(threshold),
                     criticality=criticality, enabled=enabled, options=options.get(kind, {}), agent_id=agent_id,
                     parent_id=parent_id)


# Only the open tab runs (lazy tabs): four forms on one page would cost every visit their widgets.
tab_add, tab_edit, tab_maintenance, tab_import = st.tabs(
    [t("admin_targets.tab_add"), t("admin_targets.tab_edit"), t("admin_targets.tab_maintenance"),
     t("admin_targets.tab_import")], key="admin_targets_tab", on_change="rerun")
with tab_add:
    # A new target goes to the unit the list is filtered to; another filter is another form.
    add_key = "target_add" if unit_filter is None else f"target_add_{unit_filter}"
    data = target_form(add_key, unit_id=unit_filter) if tab_add.open else None
    if data is not None:
        save(targets.create_target, lambda created: t("admin_targets.created", name=created.name), data=data)

with tab_edit:
    if tab_edit.open and by_id:
        pick = st.selectbox(t("admin_targets.pick"), list(by_id), key="target_edit_pick",
                            format_func=lambda i: f"{by_id[i].name} · {by_id[i].host}")
        data = target_form(f"target_edit_{pick}", call(targets.get_target, target_id=pick))
        if data is not None:
            save(targets.update_target, t("common.saved"), target_id=pick, data=data)

with tab_maintenance:
    if tab_maintenance.open:
        windows = call(maintenance.list_windows)
        zone = formatting.zone_name(c.settings.zone)
        if windows:
            st.dataframe(pd.DataFrame({
                t("admin_targets.applies_to"): [by_id[w.target_id].name if w.target_id in by_id
                                                else unit_by_id[w.unit_id].name if w.unit_id in unit_by_id else "–"
                                                for w in windows],
                t("admin_targets.when"): [f"{moment(w.starts_at)} – {moment(w.ends_at)}" if w.kind == "once" else
                                          text("admin_targets.weekly_when", day=t(f"weekday.{w.weekday}"),
                                            start=f"{w.start_minute // 60:02d}.{w.start_minute % 60:02d}",
                                            minutes=w.duration_min, zone=zone) for w in windows],
                t("admin_targets.why"): [w.reason for w in windows],
            }), hide_index=True, width="stretch")
        with st.form("maintenance_add", enter_to_submit=False):
            scope = st.radio(t("admin_targets.applies_to"), ["unit", "target"], horizontal=True, key="mw_scope",
                             format_func=lambda v: t(f"admin_targets.scope_{v}"))
            a, b = st.columns(2)
            unit_pick = a.selectbox(t("users.unit"), list(unit_by_id), format_func=lambda i: unit_by_id[i].name,
                                    key="mw_unit" if unit_filter is None else f"mw_unit_{unit_filter}",
                                    index=list(unit_by_id).index(unit_filter) if unit_filter in unit_by_id else 0)
            target_pick = b.selectbox(t("admin_targets.pick"), list(by_id) or [None], key="mw_target",
                                      format_func=lambda i: by_id[i].name if i else "–")
            kind = st.radio(t("admin_targets.window_kind"), ["once", "weekly"], horizontal=True, key="mw_kind",
                            format_func=lambda v: t(f"admin_targets.kind_{v}"))
            a, b, d = st.columns(3)
            day = a.date_input(t("admin_targets.start_day"), key="mw_day")
            weekday = a.selectbox(t("admin_targets.weekday"), list(range(7)), format_func=lambda d: t(f"weekday.{d}"),
                                  key="mw_weekday")
            start_time = b.time_input(t("admin_targets.start_time"), value=time(1, 0), key="mw_time")
            minutes = d.number_input(t("admin_targets.duration"), 1, 7 * 24 * 60, value=120, key="mw_minutes")
            reason = st.text_input(t("admin_targets.why"), key="mw_reason")
            if st.form_submit_button(t("common.save"), type="primary"):
                starts = datetime.combine(day, start_time, c.settings.zone)
                window = form_data(
                    maintenance.WindowCreate, kind=kind, unit_id=unit_pick if scope == "unit" else None,
                    target_id=target_pick if scope == "target" else None, reason=reason,
                    starts_at=starts if kind == "once" else None,
                    ends_at=starts + timedelta(minutes=int(minutes)) if kind == "once" else None,
                    weekday=weekday if kind == "weekly" else None,
                    start_minute=start_time.hour * 60 + start_time.minute if kind == "weekly" else None,
                    duration_min=int(minutes) if kind == "weekly" else None)
                if window is not None:
                    save(maintenance.create_window, t("admin_targets.window_saved"), data=window)

with tab_import:
    if tab_import.open:
        st.markdown(t("admin_targets.import_help"))
        st.markdown(t("deps.import_help"))
        import_flow("target_import_file", label=t("admin_targets.import_file"), types=("csv", "xlsx"),
                    commit=t("admin_targets.import_commit"), read=target_import.read_targets,
                    write=target_import.import_targets, planned=lambda plan: t("admin_targets.import_preview", **plan),
                    done=lambda result: t("admin_targets.import_done", **result))
