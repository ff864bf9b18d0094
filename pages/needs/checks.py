"""Cek Anggaran Ganda: what in a fiscal year's needs would pay twice or keep data twice, each finding with
its evidence and the action suggested; admins keep the data centre's spare capacity here."""

import pandas as pd
import streamlit as st

from core import formatting
from core.access import Role
from core.needs import checks, workflow
from pages.common.shell import cached, ctx, guard, money, num, number_field, save, show_flash, t, text
from pages.needs.years import pick_year

guard("need_checks")
c = ctx()
st.title(t("page.need_checks"))
show_flash()
st.caption(t("checks.caption"))

year = pick_year(st.columns([1, 3])[0], "checks_year")
found = cached(checks.find, fiscal_year=year, org_name=c.settings.org_name)

# The headline: real double budget apart from price and savings, each need's Rupiah counted once.
stakes = checks.at_stake(found)
heads = st.columns(len(checks.GROUPS))
for box, (group, figures) in zip(heads, stakes.items(), strict=True):
    box.metric(t(f"checks.group.{group}"), money(figures["amount"]),
               text("checks.group_counts", findings=num(figures["findings"]), needs=num(figures["needs"])),
               delta_color="off", delta_arrow="off", help=t(f"checks.group.{group}.help"), border=True)
st.caption(t("checks.amount_note"))

# Tiles wide enough for their titles, wrapping to a second row at 1440 px rather than cutting the titles.
grid = st.container(horizontal=True)
for kind in checks.KINDS:
    mine = [f for f in found if f.kind == kind]
    grid.metric(t(f"checks.kind.{kind}"), num(len(mine)),
                money(sum(f.amount for f in mine)), delta_color="off", delta_arrow="off",
                help=t(f"checks.kind.{kind}.help"), border=True, width=225)


def _detail(e: dict) -> str:
    d = e.get("detail", {})
    if e["what"] == "need":
        return text("checks.detail.need", year=d["year"], quantity=num(d["quantity"]),
                 total=money(d["total"]), status=t(f"need_status.{d['status']}"))
    if e["what"] == "device":
        if "life_end" in d:
            return text("checks.detail.device_life", serial=d["serial"], bought=d["purchase_year"], end=d["life_end"])
        return text("checks.detail.device_spare", serial=d["serial"], condition=t(f"condition.{d['condition']}"))
    if e["what"] == "application":
        return text("checks.detail.application", function=d.get("function") or "–", kind=t(f"app_type.{d['app_type']}"))
    if e["what"] == "budget_line":
        return text("checks.detail.budget_line", year=d["year"], account=d["account"] or "–",
                    volume=formatting.number(d["volume"], 2, c.lang, trim=True), measure=d["measure"], total=money(d["total"]))
    if e["what"] == "standard":
        return text("checks.detail.standard", year=d["year"], price=money(d["price"]), asked=money(d["asked"]),
                    difference=money(d["difference"]), measure=d["measure"] or "–")
    return text("checks.detail.capacity", vcpu=num(d["vcpu_free"]), ram=num(d["ram_gb_free"]),
             storage=num(d["storage_tb_free"], 1), note=d.get("note") or "")


def show_kind(kind: str) -> None:
    mine = [f for f in found if f.kind == kind]
    st.caption(t(f"checks.kind.{kind}.help"))
    if not mine:
        st.success(t("checks.none"), icon=":material/check_circle:")
        return
    table = pd.DataFrame({
        "item": [f.item for f in mine],
        "units": [num(len(f.unit_ids) + f.others) for f in mine],
        "needs": [num(len(f.need_ids)) for f in mine],
        "amount": [money(f.amount) for f in mine],
        "suggestion": [t(f.suggestion) for f in mine]})
    config = {k: st.column_config.TextColumn(t(f"checks.col.{k}")) for k in table.columns}
    config["suggestion"] = st.column_config.TextColumn(t("checks.col.suggestion"), width="large")
    st.dataframe(table, hide_index=True, width="stretch", column_config=config, height=min(360, 38 + 35 * len(mine)))
    chosen = st.selectbox(t("checks.open"), range(len(mine)), key=f"checks_open_{kind}",
                          format_func=lambda i: f"{mine[i].item} — {money(mine[i].amount)}")
    finding = mine[chosen]
    st.markdown(f"**{t('checks.suggestion')}:** {t(finding.suggestion)}")
    evidence = pd.DataFrame({
        "what": [t(f"checks.what.{e['what']}") for e in finding.evidence],
        "unit": [e.get("unit") or "–" for e in finding.evidence],
        "label": [e["label"] for e in finding.evidence],
        "detail": [_detail(e) for e in finding.evidence]})
    st.dataframe(evidence, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(finding.evidence)),
                 column_config={k: st.column_config.TextColumn(t(f"checks.col.{k}")) for k in evidence.columns})
    if finding.others:
        st.caption(t("checks.others", count=finding.others))


# Opens on the first check with findings (double budget first, as `find` orders them).
first = next((f.kind for f in found), checks.KINDS[0])
tabs = st.tabs([t(f"checks.kind.{k}") for k in checks.KINDS], key="checks_tabs", on_change="rerun",
               default=t(f"checks.kind.{first}"))
for tab, kind in zip(tabs, checks.KINDS, strict=True):
    with tab:
        if tab.open:
            show_kind(kind)

room = cached(workflow.capacity, fiscal_year=year)
with st.expander(t("checks.capacity", year=year), icon=":material/dns:"):
    st.caption(t("checks.capacity_help"))
    if c.viewer.role is Role.ADMIN:
        with st.form("capacity"):
            a, b, d = st.columns(3)
            vcpu = a.number_input(t("checks.vcpu"), 0, 100_000, room.vcpu_free if room else 0, key="cap_vcpu")
            ram = b.number_input(t("checks.ram"), 0, 1_000_000, room.ram_gb_free if room else 0, key="cap_ram")
            storage = number_field(t("checks.storage"), min_value=0.0, max_value=100_000.0, decimals=2, where=d,
                                   value=float(room.storage_tb_free) if room else 0.0, key="cap_storage")
            note = st.text_input(t("checks.note"), room.note if room else "", max_chars=300, key="cap_note")
            if st.form_submit_button(t("inventory.save"), type="primary") and storage is not None:
                save(workflow.save_capacity, t("checks.capacity_saved"), fiscal_year=year, vcpu_free=int(vcpu),
                     ram_gb_free=int(ram), storage_tb_free=float(storage), note=note)
    elif room:
        st.text(_detail({"what": "capacity", "detail": {"vcpu_free": room.vcpu_free, "ram_gb_free": room.ram_gb_free,
                                                         "storage_tb_free": room.storage_tb_free, "note": room.note}}))
    else:
        st.caption(t("checks.no_capacity"))
