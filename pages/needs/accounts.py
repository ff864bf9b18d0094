"""Rekening & SSH: what the budget is written in. Which account code each kind of need goes under (and the
city's capitalisation threshold that decides capital or goods), the city's standard prices (SSH) per year,
and each unit's real budget lines imported from SIPD, which the double-budget checks read. Admins edit the
codes and import the SSH; a unit's operator imports their own unit's SIPD lines."""

import pandas as pd
import streamlit as st

from core import formatting
from core.access import Role
from core.inventory import lists
from core.needs import accounts, sipd
from core.needs.kind import NEED_CATEGORIES
from core.org import units
from db.types import utcnow
from pages.common.imports import import_flow
from pages.common.shell import (
    cached,
    ctx,
    guard,
    money,
    num,
    number_field,
    save,
    show_flash,
    show_table,
    t,
    text,
)

guard("accounts")
c = ctx()
st.title(t("page.accounts"))
show_flash()
st.caption(t("accounts.caption"))
admin = c.viewer.role is Role.ADMIN
YEARS = list(range(utcnow().year + 2, utcnow().year - 6, -1))


def import_section(name: str, read, write, **kwargs) -> None:
    """Upload, the rows it would write (every bad cell named instead when there is one), then the button
    that writes it all (the shared import flow)."""
    st.subheader(t(f"accounts.{name}_import"))
    st.caption(t(f"accounts.{name}_import_help"))

    def said(figures: dict) -> dict:
        return {k: (money(v) if k == "total" else num(v)) for k, v in figures.items()}

    import_flow(f"{name}_upload", label=t("inventory.import_file"), commit=t("inventory.import_commit"), read=read,
                write=write, arguments=lambda table, _name: {"table": table, **kwargs},
                planned=lambda plan: t(f"accounts.{name}_preview", **said(plan)),
                done=lambda result: t(f"accounts.{name}_done", **said(result)))


def chart_tab() -> None:
    chart = cached(accounts.chart)
    left, right = st.columns([1, 2])
    if admin:
        amount = number_field(t("accounts.threshold"), key="accounts_threshold", value=float(chart.threshold),
                              min_value=1.0, max_value=1e12, decimals=0, where=left, help=t("accounts.threshold_help"))
        if left.button(t("inventory.save"), key="accounts_threshold_save", icon=":material/save:") and amount:
            save(accounts.save_threshold, t("accounts.threshold_saved", amount=money(int(amount))), amount=int(amount))
    else:
        left.metric(t("accounts.threshold"), money(chart.threshold), border=True, help=t("accounts.threshold_help"))
    right.info(t("accounts.threshold_set" if chart.threshold_set else "accounts.threshold_default",
                 amount=money(chart.threshold)), icon=":material/rule:")

    st.subheader(t("accounts.rules"))
    st.caption(t("accounts.rules_help"))
    rules = cached(accounts.rules)
    categories = {cat.code: cat.name for cat in cached(lists.categories)}
    label = {cat: t(f"need_category.{cat}") for cat in NEED_CATEGORIES}
    by_label = {v: k for k, v in label.items()}
    devices = {"": t("accounts.any_device")} | categories
    by_device = {v: k for k, v in devices.items()}
    codes = [x.code for x in cached(accounts.codes)]
    never = t("accounts.never_capital")  # a rule without a capital code: always goods or services
    frame = pd.DataFrame({
        "category": [label.get(r.category, r.category) for r in rules],
        "device_category": [devices.get(r.device_category, r.device_category) for r in rules],
        "capital_code": [r.capital_code or never for r in rules],
        "goods_code": [r.goods_code for r in rules]})
    config = {
        "category": st.column_config.SelectboxColumn(t("accounts.col.category"), options=list(by_label), required=True,
                                                     width=220),
        "device_category": st.column_config.SelectboxColumn(t("accounts.col.device_category"), options=list(by_device),
                                                            width=220),
        "capital_code": st.column_config.SelectboxColumn(t("accounts.col.capital_code"), options=[never, *codes],
                                                         width=220),
        "goods_code": st.column_config.SelectboxColumn(t("accounts.col.goods_code"), options=codes, required=True,
                                                       width=220)}
    if not admin:
        show_table(frame, column_config=config)
    else:
        edited = st.data_editor(frame, hide_index=True, width="stretch", column_config=config, num_rows="add",
                                key="accounts_rules")
        if st.button(t("inventory.save"), type="primary", key="accounts_rules_save", icon=":material/save:"):
            rows = [{"category": by_label.get(r.category, r.category),
                     "device_category": by_device.get(r.device_category, r.device_category or ""),
                     "capital_code": r.capital_code if isinstance(r.capital_code, str) and r.capital_code != never
                     else "",
                     "goods_code": r.goods_code if isinstance(r.goods_code, str) else ""}
                    for r in edited.itertuples(index=False)]
            save(accounts.save_rules, lambda done: t("inventory.list_saved", **done), rows=rows)
    used = sorted({r.capital_code for r in rules if r.capital_code} | {r.goods_code for r in rules})
    st.caption(t("accounts.used_codes"))
    show_table(pd.DataFrame({"code": used, "name": [chart.name(code) for code in used],
                             "kind": [t(f"account_kind.{chart.kinds.get(code, 'goods')}") for code in used]}),
               column_config={k: st.column_config.TextColumn(t(f"accounts.col.{k}")) for k in ("code", "name", "kind")})

    with st.expander(t("accounts.codes"), icon=":material/list_alt:"):
        listed = cached(accounts.codes)
        kinds = {k: t(f"account_kind.{k}") for k in accounts.ACCOUNT_KINDS}
        frame = pd.DataFrame({"code": [x.code for x in listed], "name": [x.name for x in listed],
                              "kind": [kinds[x.kind] for x in listed], "typical_need": [x.typical_need for x in listed]})
        config = {"code": st.column_config.TextColumn(t("accounts.col.code")),
                  "name": st.column_config.TextColumn(t("accounts.col.name"), width="large"),
                  "kind": st.column_config.SelectboxColumn(t("accounts.col.kind"), options=list(kinds.values())),
                  "typical_need": st.column_config.TextColumn(t("accounts.col.typical_need"), width="medium")}
        if not admin:
            show_table(frame, column_config=config)
            return
        edited = st.data_editor(frame, hide_index=True, width="stretch", column_config=config, num_rows="add",
                                key="accounts_codes")
        before = {tuple(r) for r in frame.itertuples(index=False)}
        by_kind = {v: k for k, v in kinds.items()}
        changed = [{**dict(zip(frame.columns, r, strict=True)), "kind": by_kind.get(r.kind, r.kind)}
                   for r in edited.itertuples(index=False) if tuple(r) not in before]
        if changed and st.button(t("inventory.save"), type="primary", key="accounts_codes_save"):
            save(accounts.save_codes, lambda done: t("inventory.list_saved", **done), rows=changed)


def standards_tab() -> None:
    left, right = st.columns([1, 3])
    year = left.selectbox(t("needs.fiscal_year"), YEARS, index=1, key="ssh_year")
    search = right.text_input(t("inventory.search"), key="ssh_search", placeholder=t("accounts.ssh_search"))
    items = cached(sipd.standards, fiscal_year=year, search=search)
    if items:
        st.caption(t("accounts.ssh_count", count=num(len(items))))
        show_table(pd.DataFrame({"code": [x.code for x in items], "description": [x.description for x in items],
                                 "specification": [x.specification for x in items],
                                 "measure": [x.measure for x in items], "price": [money(x.price) for x in items]}),
                   column_config={k: st.column_config.TextColumn(t(f"accounts.ssh.{k}"))
                                  for k in ("code", "description", "specification", "measure", "price")},
                   height=min(480, 38 + 35 * len(items)))
    else:
        st.info(t("accounts.ssh_none", year=year), icon=":material/info:")
    if not admin:
        return
    import_section("ssh", sipd.read_standards, sipd.import_standards, fiscal_year=year)


def lines_tab() -> None:
    visible = cached(units.list_units)
    if not visible:
        st.info(t("accounts.no_units"))
        return
    by_id = {u.id: u for u in visible}
    left, right = st.columns([3, 1])
    unit_id = left.selectbox(t("users.unit"), list(by_id), key="lines_unit",
                             format_func=lambda i: f"{by_id[i].short_name or by_id[i].name} ({by_id[i].code})")
    year = right.selectbox(t("needs.fiscal_year"), YEARS, index=2, key="lines_year")
    usual = cached(accounts.usual_sub_activities, unit_id=unit_id)
    if usual:
        st.caption(t("accounts.usual", list="; ".join(f"{code} {name}".strip() + f" ({num(n)})" for code, name, n in usual)))
    lines = cached(sipd.budget_lines, unit_id=unit_id, fiscal_year=year)
    if lines:
        st.caption(t("accounts.lines_count", count=num(len(lines)), total=money(sum(x.total for x in lines)),
                     source=lines[0].source, at=formatting.moment(lines[0].imported_at, c.settings.zone, c.lang)))
        frame = pd.DataFrame({
            "sub_activity": [x.sub_activity for x in lines], "account_code": [x.account_code for x in lines],
            "item": [x.item for x in lines], "specification": [x.specification for x in lines],
            "volume": [formatting.number(x.volume, 2, c.lang, trim=True) for x in lines],
            "measure": [x.measure for x in lines], "unit_price": [money(x.unit_price) for x in lines],
            "total": [money(x.total) for x in lines]})
        if not any(x.specification for x in lines):  # room for the components' names
            frame = frame.drop(columns="specification")
        show_table(
            frame, column_config={k: st.column_config.TextColumn(t(f"accounts.line.{k}")) for k in frame.columns},
            height=min(480, 38 + 35 * len(lines)))
    else:
        st.info(t("accounts.lines_none", year=year), icon=":material/info:")
    held = cached(sipd.line_years)
    if held:
        with st.expander(t("accounts.lines_held"), icon=":material/inventory_2:"):
            show_table(pd.DataFrame({"year": [str(y) for y, *_r in held], "unit": [code for _y, code, *_r in held],
                                     "lines": [num(n) for *_r, n, _total in held],
                                     "total": [money(total) for *_r, total in held]}),
                       column_config={k: st.column_config.TextColumn(t(f"accounts.held.{k}"))
                                      for k in ("year", "unit", "lines", "total")})
    if c.viewer.role not in (Role.ADMIN, Role.SKPD):
        return
    import_section("lines", sipd.read_lines, sipd.import_lines, unit_id=unit_id, fiscal_year=year)


names = [t("accounts.tab_chart"), t("accounts.tab_ssh"), t("accounts.tab_lines")]
tabs = st.tabs(names, key="accounts_tabs", on_change="rerun")
for tab, draw in zip(tabs, (chart_tab, standards_tab, lines_tab), strict=True):
    with tab:
        if tab.open:
            draw()
st.caption(text("accounts.footer"))
