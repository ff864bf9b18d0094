"""Skenario Anggaran: what-if views of next year's ICT budget. Leadership and admin move the ceiling, limit
categories, add price escalation, choose a policy and include or exclude needs by hand; the optimiser picks
the funded set, and the page shows spend and the projected readiness and availability beside today's.
Scenarios are saved under a name, compared side by side and exported like an RKA annex. A unit's
operator reads the outcome of the saved scenarios for their own unit."""

import pandas as pd
import streamlit as st

from core import formatting
from core.access import Role
from core.errors import MonevError
from core.needs import budget, charts, checks, rka
from core.needs.kind import NEED_CATEGORIES
from pages.common.shell import (
    cached,
    chart,
    ctx,
    deferred,
    guard,
    kept,
    money,
    num,
    number_field,
    pct,
    save,
    show_error,
    show_flash,
    show_table,
    t,
    text,
)
from pages.needs.years import pick_year

MILLION = 1_000_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

guard("budget")
c = ctx()
st.title(t("page.budget"))
show_flash()
st.caption(t("budget.caption"))
leader = c.viewer.role in (Role.ADMIN, Role.PIMPINAN)
top = st.columns([1, 2, 2])
year = pick_year(top[0], "budget_year")
saved = cached(budget.scenarios, fiscal_year=year)
by_id = {s.id: s for s in saved}


def change(before: float | None, after: float | None, decimals: int = 2) -> str | None:
    """The change as the figures show it (the difference of the two as shown); None (no arrow) when the
    two read the same at this precision."""
    if before is None or after is None or round(after, decimals) == round(before, decimals):
        return None
    moved = round(after, decimals) - round(before, decimals)
    return ("+" if moved >= 0 else "") + num(moved, decimals)


def projected(box, label: str, before: float | None, after: float | None, help_text: str,
              percent: bool = False) -> None:
    """A figure after funding (an index to two decimals, or a percentage as the app writes one), with the
    change from today's value under it."""
    shown = pct if percent else (lambda v: num(v, 2))
    moved = change(before, after, 2)
    now = text("budget.from_now", value=shown(before))
    box.metric(label, shown(after), f"{moved} {now}" if moved else now, border=True, help=help_text,
               delta_color="normal" if moved else "off", delta_arrow="auto" if moved else "off")


def scenario_label(sid: int | None) -> str:
    if sid is None:
        return t("budget.new_scenario")
    s = by_id[sid]
    return s.name + (f" ({t('budget.adopted')})" if s.adopted_at else "") + f" — {s.owner}"


def headline(result: budget.Outcome, ceiling: int | None) -> None:
    """Requested, funded, needs funded and the projected figures, now → after funding."""
    # Two rows, so that a Rupiah figure and a projection's label read whole on a laptop screen.
    a, b, d = st.columns(3)
    escalated = None
    if result.params.escalation:  # requested is as the units asked; the ceiling buys at escalated prices
        escalated = text("budget.requested_escalated", amount=formatting.rupiah_short(result.requested_cost, c.lang),
                         escalation=pct(result.params.escalation, 2 if result.params.escalation % 1 else 0))
    a.metric(t("budget.requested"), formatting.rupiah_short(result.requested, c.lang), escalated, delta_color="off",
             delta_arrow="off", border=True, help=t("budget.requested_help") + " " + money(result.requested))
    share = text("budget.of_ceiling", share=num(100 * result.funded / ceiling, 1)) if ceiling else None
    b.metric(t("budget.funded"), formatting.rupiah_short(result.funded, c.lang), share, delta_color="off",
             delta_arrow="off", border=True, help=money(result.funded))
    funded = sum(1 for r in result.rows if r["funded"])
    d.metric(t("budget.funded_needs"), f"{num(funded)} / {num(len(result.rows))}",
             border=True)
    city = result.city
    e, f = st.columns(2)
    if result.own_only:  # the unit's own readiness beside the city's: the figure its home and Kesiapan TIK show
        own = next((u for u in result.units if u.unit_id == c.viewer.unit_id), None)
        projected(e, t("budget.own_readiness"), own.readiness if own else None, own.readiness_after if own else None,
                  t("budget.readiness_help"))
        projected(f, t("budget.city_readiness"), city["readiness"], city["readiness_after"], t("budget.readiness_help"))
        return
    projected(e, t("budget.city_readiness"), city["readiness"], city["readiness_after"], t("budget.readiness_help"))
    projected(f, t("budget.city_availability"), city["availability"], city["availability_after"],
              t("budget.availability_help"), percent=True)


def flagged_and_exports(result: budget.Outcome, params: budget.Params, scenario_id: int | None, key: str) -> None:
    """Beside the outcome: what Cek Anggaran Ganda finds in these same needs, and the RKA downloads."""
    found = cached(checks.find, fiscal_year=result.fiscal_year, org_name=c.settings.org_name,
                   statuses=budget.statuses(params.with_submitted))
    flagged = checks.total(found)
    st.caption(text("budget.flagged", needs=num(flagged["needs"]), value=money(flagged["value"]),
                    saving=money(flagged["saving"])))
    if params.escalation:
        st.caption(text("budget.escalation_note", escalation=pct(params.escalation, 2 if params.escalation % 1 else 0)))
    exports(result.fiscal_year, params, scenario_id, key)


def needs_table(result: budget.Outcome, key: str) -> None:
    shown = st.radio(t("budget.show"), ["all", "funded", "unfunded"], horizontal=True, key=f"{key}_show",
                     format_func=lambda s: t(f"budget.show.{s}"))
    rows = [r for r in result.rows if shown == "all" or r["funded"] == (shown == "funded")]
    # Five columns that read whole at 1440 px: funded or not is what Keterangan says, the category is the
    # next tab's; mandatory rides with the priority, and under the gain policy the index gain takes the
    # priority's place (priority does not weigh there).
    gain = result.params.policy == "gain"
    frame = pd.DataFrame({
        "unit": [r["unit_name"] for r in rows], "item": [r["item"] for r in rows],
        **({"gain": [num(r["gain"], 3) if r["gain"] else "–" for r in rows]} if gain else
           {"priority": [text("budget.priority_mandatory", priority=r["priority"]) if r["mandatory"]
                         else str(r["priority"]) for r in rows]}),
        "cost": [money(r["cost"]) for r in rows],
        "why": [t(f"budget.why.{r['why']}") for r in rows]})
    config = {k: st.column_config.TextColumn(t(f"budget.col.{k}")) for k in frame.columns}
    show_table(frame, column_config=config, height=min(520, 38 + 35 * len(rows)))


def units_table(result: budget.Outcome) -> None:
    units = [u for u in result.units if u.needs or not result.own_only]

    def moved(before, after, shown) -> str:
        """Now → after, with the change when it shows: "3,90 → 4,60 (+0,70)"."""
        if before is None and after is None:
            return "–"
        delta = change(before, after)
        return f"{shown(before)} → {shown(after)}" + (f" ({delta})" if delta else "")

    frame = pd.DataFrame({
        "unit": [u.name for u in units], "requested": [money(u.requested) for u in units],
        "funded": [money(u.funded) for u in units],
        "needs": [f"{num(u.funded_needs)} / {num(u.needs)}" for u in units],
        "readiness": [moved(u.readiness, u.readiness_after, lambda v: num(v, 2)) for u in units],
        "availability": [moved(u.availability, u.availability_after, pct) for u in units]})
    config = {k: st.column_config.TextColumn(t(f"budget.col.{k}"), help=t("budget.col.moved_help")
                                             if k in ("readiness", "availability") else None) for k in frame.columns}
    show_table(frame, column_config=config, height=min(520, 38 + 35 * len(units)))
    st.caption(t("budget.projection_note", year=result.period_year or "–"))


def categories(result: budget.Outcome) -> None:
    rows = [{"group": t(f"need_category.{cat}"), "requested": req, "funded": paid}
            for cat, (req, paid) in result.by_category.items() if req]
    if rows:
        chart(charts.spend(rows, c.lang, t("budget.category")))
    frame = pd.DataFrame({
        "category": [t(f"need_category.{cat}") for cat in NEED_CATEGORIES],
        "limit": [money(result.plan.limits[cat]) if cat in result.plan.limits else "–"
                  for cat in NEED_CATEGORIES],
        "requested": [money(result.by_category[cat][0]) for cat in NEED_CATEGORIES],
        "funded": [money(result.by_category[cat][1]) for cat in NEED_CATEGORIES]})
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={k: st.column_config.TextColumn(t(f"budget.col.{k}")) for k in frame.columns})


def by_unit_chart(result: budget.Outcome) -> None:
    top_units = sorted(result.units, key=lambda u: -u.requested)[:15]
    rows = [{"group": u.name, "requested": u.requested, "funded": u.funded} for u in top_units if u.requested]
    if rows:
        st.caption(t("budget.top_units", count=len(rows)))
        chart(charts.spend(rows, c.lang, t("budget.unit")))


def compare_tab() -> None:
    if not saved:
        st.info(t("budget.none_saved"))
        return
    picked = st.multiselect(t("budget.compare_pick"), list(by_id), placeholder=text("common.choose"),
                            default=list(by_id)[:budget.MAX_COMPARED], max_selections=budget.MAX_COMPARED,
                            format_func=scenario_label, key="budget_compare")
    if not picked:
        return
    try:
        results = cached(budget.compare, scenario_ids=picked, zone=c.settings.zone, org_name=c.settings.org_name)
    except MonevError as exc:
        show_error(exc)
        return
    lines = ["ceiling", "policy", "requested", "funded", "funded_needs", "readiness", "readiness_after",
             "availability", "availability_after", *[f"cat_{cat}" for cat in NEED_CATEGORIES]]
    table = {"what": [t(f"budget.line.{x}") if not x.startswith("cat_") else
                      text("budget.line.category", category=t(f"need_category.{x[4:]}")) for x in lines]}
    for scenario, result in results:
        p = result.params
        values = {"ceiling": money(p.ceiling), "policy": t(f"budget.policy.{p.policy}"),
                  "requested": money(result.requested), "funded": money(result.funded),
                  "funded_needs": num(sum(1 for r in result.rows if r["funded"])),
                  "readiness": num(result.city["readiness"], 2),
                  "readiness_after": num(result.city["readiness_after"], 2),
                  "availability": pct(result.city["availability"]),
                  "availability_after": pct(result.city["availability_after"]),
                  **{f"cat_{cat}": money(result.by_category[cat][1]) for cat in NEED_CATEGORIES}}
        table[scenario.name] = [values[x] for x in lines]
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch", height=38 + 35 * len(lines),
                 column_config={"what": st.column_config.TextColumn(" ", width="medium"),
                                **{s.name: st.column_config.TextColumn(s.name) for s, _r in results}})
    if not results[0][1].own_only:
        spend = pd.DataFrame([{"scenario": s.name, "category": t(f"need_category.{cat}"),
                               "billion": r.by_category[cat][1] / 1e9} for s, r in results for cat in NEED_CATEGORIES])
        import altair as alt

        chart(alt.Chart(spend, height=320).mark_bar().encode(
            x=alt.X("scenario:N", title=None, axis=alt.Axis(labelAngle=0, labelLimit=200)),
            y=alt.Y("billion:Q", title=t("budget.billion"), stack="zero"),
            color=alt.Color("category:N", title=t("budget.category")),
            tooltip=["scenario:N", "category:N", alt.Tooltip("billion:Q", format=",.2f")]))


def exports(year: int, params: budget.Params, scenario_id: int | None, key: str) -> None:
    """The RKA workbook (set up to print) and the SIPD-layout CSV of the rules applied, titled by them."""
    row = st.container(horizontal=True)
    for where, fmt, mime, label in ((row, "xlsx", XLSX, "budget.export"), (row, "csv", "text/csv", "budget.export_sipd")):
        where.download_button(t(label), data=deferred(rka.export, fiscal_year=year, params=params,
                                                      scenario_id=scenario_id, zone=c.settings.zone,
                                                      org_name=c.settings.org_name, lang=c.lang, fmt=fmt),
                              file_name=f"rka-tik-{year}{'-sipd' if fmt == 'csv' else ''}.{fmt}", mime=mime,
                              icon=":material/download:", key=f"budget_export_{fmt}_{key}",
                              help=t("budget.export_help"))


# An skpd user: the outcome of the saved scenarios for their own unit ----------------------------------------
if not leader:
    if not saved:
        st.info(t("budget.none_saved_unit"))
        st.stop()
    sid = top[1].selectbox(t("budget.scenario"), list(by_id), format_func=scenario_label, key="budget_scenario_unit")
    chosen = by_id[sid]
    params = budget.Params.from_json(chosen.params)
    try:
        result = cached(budget.outcome, fiscal_year=year, params=params, zone=c.settings.zone,
                        org_name=c.settings.org_name)
    except MonevError as exc:
        show_error(exc)
        st.stop()
    st.caption(t("budget.unit_view", name=chosen.name))
    headline(result, None)
    flagged_and_exports(result, params, sid, "unit")
    tabs = st.tabs([t("budget.tab_needs"), t("budget.tab_units"), t("budget.tab_compare")])
    with tabs[0]:
        needs_table(result, "unit")
    with tabs[1]:
        units_table(result)
    with tabs[2]:
        compare_tab()
    st.stop()


# Leadership and admin: the controls ----------------------------------------------------------------------
def juta(amount: int) -> int | float:
    """An amount as the ceiling slider holds it, in juta: whole when it is, else exact to the rupiah (a typed
    or saved ceiling is one of the slider's stops, so its label reads exactly that amount)."""
    return amount // MILLION if amount % MILLION == 0 else amount / MILLION


def load_scenario() -> None:
    """Put a saved scenario's rules into the controls (or defaults for a new one)."""
    sid = st.session_state.get("budget_scenario")
    params = budget.Params.from_json(by_id[sid].params) if sid in by_id else None
    st.session_state["budget_ceiling"] = juta(params.ceiling) if params else 0
    st.session_state["budget_ceiling_rp"] = params.ceiling if params else None  # the exact amount, to the rupiah
    st.session_state["budget_ceiling_exact"] = num(params.ceiling) if params else ""
    st.session_state["budget_policy"] = params.policy if params else "priority"
    st.session_state["budget_escalation"] = formatting.number(params.escalation if params else 0.0, 2, c.lang, trim=True)
    st.session_state["budget_submitted"] = params.with_submitted if params else False
    st.session_state["budget_include"] = list(params.include) if params else []
    st.session_state["budget_exclude"] = list(params.exclude) if params else []
    st.session_state["budget_limits_src"] = (params.category_limits, params.category_cuts) if params else ({}, {})
    st.session_state["budget_name"] = by_id[sid].name if sid in by_id else ""
    st.session_state["budget_loaded"] = (year, sid)


options = [None, *by_id]
sid = top[1].selectbox(t("budget.scenario"), options, format_func=scenario_label, key="budget_scenario",
                       on_change=load_scenario, index=1 if saved else 0)
if st.session_state.get("budget_loaded", (None, None))[0] != year or \
        st.session_state.get("budget_loaded", (None, None))[1] not in options:
    load_scenario()
with_submitted = top[2].toggle(t("budget.with_submitted"), key="budget_submitted", help=t("budget.with_submitted_help"))
try:
    base = kept(budget.base_for, fiscal_year=year, zone=c.settings.zone, org_name=c.settings.org_name,
                with_submitted=with_submitted)
except MonevError as exc:
    show_error(exc)
    st.stop()
if not base.candidates:
    st.info(t("budget.no_needs", year=year))
    st.stop()
requested_m = -(-sum(cand.requested for cand in base.candidates) // MILLION)
if st.session_state.get("budget_ceiling_rp") is None and not st.session_state.get("budget_ceiling"):
    st.session_state["budget_ceiling"] = round(requested_m * 0.6)  # a new scenario starts at 60 % of the requests
high = max(requested_m * 3 // 2, st.session_state["budget_ceiling"], 1)
step = max(1, int(high) // 400)
# The slider moves in steps of `step` juta and reads as money in the viewer's language; the exact amount
# can be typed beside it to the rupiah. Moving the slider replaces a typed amount, typing moves the slider.
steps = sorted(set(range(0, int(high) + 1, step)) | {st.session_state["budget_ceiling"]})


def slid() -> None:
    st.session_state["budget_ceiling_rp"] = None
    st.session_state["budget_ceiling_exact"] = num(round(st.session_state["budget_ceiling"] * MILLION))


def typed() -> None:
    try:
        amount = round(formatting.parse_number(st.session_state["budget_ceiling_exact"], c.lang))
    except ValueError:
        return  # said under the field below
    st.session_state["budget_ceiling_rp"] = max(0, amount)
    st.session_state["budget_ceiling"] = juta(max(0, amount))


left, exact, right = st.columns([3, 1.3, 2])
ceiling_m = left.select_slider(t("budget.ceiling_m"), steps, key="budget_ceiling", on_change=slid,
                               format_func=lambda m: money(round(m * MILLION)), help=t("budget.ceiling_help"))
st.session_state.setdefault("budget_ceiling_exact", num(round(ceiling_m * MILLION)))
exact.text_input(t("budget.ceiling_exact"), key="budget_ceiling_exact", on_change=typed,
                 help=t("budget.ceiling_exact_help"))
try:
    formatting.parse_number(st.session_state["budget_ceiling_exact"], c.lang)
except ValueError:
    exact.error(t("input.not_a_number", label=t("budget.ceiling_exact"), example=num(1_250_000_000)), icon=":material/error:")
typed_rp = st.session_state.get("budget_ceiling_rp")
ceiling = typed_rp if typed_rp is not None else round(ceiling_m * MILLION)
left.caption(t("budget.ceiling_is", rupiah=money(ceiling), share=num(100 * ceiling / (requested_m * MILLION) if requested_m else 0, 1)))
policy = right.selectbox(t("budget.policy"), list(budget.POLICIES), key="budget_policy",
                         format_func=lambda p: t(f"budget.policy.{p}"), help=t("budget.policy_help"))
escalation = number_field(t("budget.escalation_pct"), min_value=-50.0, max_value=200.0, decimals=2, where=right,
                          key="budget_escalation", value=0.0, help=t("budget.escalation_help"))
if escalation is None:
    st.stop()  # said under the field

with st.expander(t("budget.category_limits"), icon=":material/tune:"):
    limits_src, cuts_src = st.session_state.get("budget_limits_src", ({}, {}))
    frame = pd.DataFrame({
        "category": [t(f"need_category.{cat}") for cat in NEED_CATEGORIES],
        "cut": [float(cuts_src.get(cat, 0.0)) for cat in NEED_CATEGORIES],
        "limit": [float(limits_src[cat] / MILLION) if cat in limits_src else None for cat in NEED_CATEGORIES]})
    edited = st.data_editor(frame, hide_index=True, width="stretch", key=f"budget_limits_{year}_{sid}",
                            disabled=["category"], column_config={
                                "category": st.column_config.TextColumn(t("budget.category")),
                                "cut": st.column_config.NumberColumn(t("budget.cut_pct"), min_value=0.0,
                                                                     max_value=100.0, step=1.0, format="%.1f"),
                                "limit": st.column_config.NumberColumn(t("budget.limit_m"), min_value=0.0,
                                                                       step=1.0, format="%.0f")})
    st.caption(t("budget.category_limits_help"))
cuts = {cat: float(v) for cat, v in zip(NEED_CATEGORIES, edited["cut"], strict=True) if pd.notna(v) and v > 0}
category_limits = {cat: int(v * MILLION) for cat, v in zip(NEED_CATEGORIES, edited["limit"], strict=True)
                   if pd.notna(v)}

labels = {cand.id: f"{base.units[cand.unit_id][0]} — {cand.item} ({money(cand.requested)})"
          for cand in base.candidates}
with st.expander(t("budget.manual"), icon=":material/checklist:"):
    st.session_state["budget_include"] = [i for i in st.session_state.get("budget_include", []) if i in labels]
    st.session_state["budget_exclude"] = [i for i in st.session_state.get("budget_exclude", []) if i in labels]
    a, b = st.columns(2)
    include = a.multiselect(t("budget.include"), list(labels), placeholder=text("common.choose"), format_func=labels.get, key="budget_include")
    exclude = b.multiselect(t("budget.exclude"), list(labels), placeholder=text("common.choose"), format_func=labels.get, key="budget_exclude")

params = budget.Params(ceiling=ceiling, category_limits=category_limits, category_cuts=cuts,
                       escalation=float(escalation), policy=policy, include=tuple(include), exclude=tuple(exclude),
                       with_submitted=with_submitted)
try:
    plan = budget.optimise(base, params)
except MonevError as exc:
    show_error(exc)
    st.stop()
result = budget.evaluate_plan(base, params, plan)

# Rules that differ from the chosen scenario's saved ones are marked: what is shown is then no saved scenario.
unsaved = sid not in by_id or budget.Params.from_json(by_id[sid].params) != params
if unsaved:
    st.warning(t("budget.unsaved_new") if sid not in by_id else t("budget.unsaved_changes", name=by_id[sid].name),
               icon=":material/edit_note:")
headline(result, params.ceiling)
tolerance = budget.GAIN_GAP if policy == "gain" else budget.GAP
st.caption(t(f"budget.solver.{plan.status}", gap=num(100 * max(plan.gap, 0.0), 4),
             tolerance=num(100 * tolerance, 2),
             seconds=num(plan.seconds, 2), needs=num(len(base.candidates)),
             year=base.period_year or "–"))
flagged_and_exports(result, params, sid if sid in by_id else None, "lead")

tabs = st.tabs([t("budget.tab_needs"), t("budget.tab_units"), t("budget.tab_categories"), t("budget.tab_compare"),
                t("budget.tab_save")], key="budget_tabs", on_change="rerun")
with tabs[0]:
    if tabs[0].open:
        needs_table(result, "lead")
with tabs[1]:
    if tabs[1].open:
        by_unit_chart(result)
        units_table(result)
with tabs[2]:
    if tabs[2].open:
        categories(result)
with tabs[3]:
    if tabs[3].open:
        compare_tab()
with tabs[4]:
    if tabs[4].open:
        mine = sid in by_id and (by_id[sid].owner_id == c.viewer.user_id or c.viewer.is_admin)
        name = st.text_input(t("budget.name"), key="budget_name", max_chars=80)
        a, b, d, e = st.columns(4)
        if a.button(t("budget.save_new"), type="primary", icon=":material/add:", key="budget_save_new"):
            save(budget.save_scenario, t("budget.saved", name=name), fiscal_year=year, name=name, params=params)
        if b.button(t("budget.save_over"), disabled=not mine, icon=":material/save:", key="budget_save_over"):
            save(budget.save_scenario, t("budget.saved", name=name), fiscal_year=year, name=name, params=params,
                 scenario_id=sid)
        if d.button(t("budget.adopt"), disabled=sid not in by_id, icon=":material/verified:", key="budget_adopt",
                    help=t("budget.adopt_help")):
            save(budget.adopt, lambda n: t("budget.adopted_done", count=num(n)), scenario_id=sid,
                 zone=c.settings.zone, org_name=c.settings.org_name)
        if e.button(t("common.delete"), disabled=not mine, icon=":material/delete:", key="budget_delete"):
            save(budget.delete_scenario, t("budget.deleted"), scenario_id=sid)
        st.caption(t("budget.save_help"))
