"""Cek Anggaran Ganda: what in a fiscal year's needs would pay twice or keep data twice, each finding with
its evidence and the action suggested; admins keep the data centre's spare capacity here."""

import pandas as pd
import streamlit as st

from core import formatting
from core.access import Role
from core.needs import checks, savings, workflow
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
from pages.needs.years import pick_year

guard("need_checks")
c = ctx()
st.title(t("page.need_checks"))
show_flash()
st.caption(t("checks.caption"))

top = st.columns([1, 3])
year = pick_year(top[0], "checks_year")
# The statuses checked: every one but rejected, or fewer (only Disetujui reads as the budget does).
statuses = tuple(top[1].multiselect(t("checks.statuses"), list(checks.CHECKED), default=list(checks.CHECKED),
                                    format_func=lambda s: t(f"need_status.{s}"), key="checks_statuses",
                                    placeholder=text("common.choose"), help=t("checks.statuses_help")))
found = cached(checks.find, fiscal_year=year, org_name=c.settings.org_name, statuses=statuses)
discount = cached(savings.discount)
percent = formatting.number(discount.percent, 2, c.lang, trim=True)  # the joint-procurement discount, as written
# What was checked, read as the Kebutuhan TIK page counts it (the same function, the same scope).
counts = [n for n in cached(workflow.status_counts, fiscal_year=year) if n.status in statuses]
checked = {"needs": sum(n.needs for n in counts), "total": sum(n.total for n in counts)}

# The headline: estimated savings beside the value involved and everything checked, each need counted once
# (with the largest saving any finding gives it); then the same per group, double budget apart.
sums = checks.totals(found)
everything = sums["all"]
a, b, d = st.columns(3)
share = 100 * everything["saving"] / everything["value"] if everything["value"] else 0
a.metric(t("checks.saving"), money(everything["saving"]), text("checks.saving_needs", share=num(share, 1)),
         delta_color="off", delta_arrow="off", help=t("checks.saving.help"), border=True)
b.metric(t("checks.involved"), money(everything["value"]),
         text("checks.group_counts", findings=num(everything["findings"]), needs=num(everything["needs"])),
         delta_color="off", delta_arrow="off", help=t("checks.involved.help"), border=True)
d.metric(t("checks.checked"), money(checked["total"]), text("checks.checked_needs", needs=num(checked["needs"])),
         delta_color="off", delta_arrow="off", help=t("checks.checked.help"), border=True)
for box, group in zip(st.columns(len(checks.GROUPS)), checks.GROUPS, strict=True):
    figures = sums[group]
    with box.container(border=True):
        st.metric(t(f"checks.group.{group}"), money(figures["saving"]),
                  text("checks.of_value", value=money(figures["value"])), delta_color="off", delta_arrow="off",
                  help=t(f"checks.group.{group}.help"))
        st.caption(text("checks.group_counts", findings=num(figures["findings"]), needs=num(figures["needs"])))
st.caption(t("checks.amount_note", statuses=", ".join(t(f"need_status.{s}") for s in statuses) or "–"))


def rule(kind: str) -> str:
    """How a kind's saving is estimated, in words (for a shared item, the discount in use)."""
    if kind != "shared_item":
        return t(f"checks.rule.{kind}")
    return text("checks.rule.shared_item", percent=percent)


# One line per check: its findings, the value involved and the estimated saving beside it, and the rule.
by_kind = {k: checks.total([f for f in found if f.kind == k]) for k in checks.KINDS}
kinds = pd.DataFrame({
    "kind": [t(f"checks.kind.{k}") for k in checks.KINDS],
    "findings": [num(by_kind[k]["findings"]) for k in checks.KINDS],
    "needs": [num(by_kind[k]["needs"]) for k in checks.KINDS],
    "value": [money(by_kind[k]["value"]) for k in checks.KINDS],
    "saving": [money(by_kind[k]["saving"]) for k in checks.KINDS],
    "rule": [rule(k) for k in checks.KINDS]})
show_table(kinds, column_config={k: st.column_config.TextColumn(t(f"checks.col.{k}")) for k in kinds.columns},
           height=38 + 35 * len(kinds))
source = discount.source if discount.set else text("checks.discount_default", percent=percent)
st.caption(t("checks.discount_source", source=source))  # the source is what an admin typed: shown as typed


def _detail(e: dict, note: bool = True) -> str:
    d = e.get("detail", {})
    if e["what"] == "need":
        return text("checks.detail.need", year=d["year"], quantity=num(d["quantity"]),
                    price=money(d["total"] // d["quantity"] if d["quantity"] else d["total"]),
                    total=money(d["total"]), status=t(f"need_status.{d['status']}"))
    if e["what"] == "device":
        if "life_end" in d:
            return text("checks.detail.device_life", serial=d["serial"], bought=d["purchase_year"], end=d["life_end"])
        return text("checks.detail.device_spare", serial=d["serial"], condition=t(f"condition.{d['condition']}"))
    if e["what"] == "application":
        return text("checks.detail.application", function=d.get("function") or "–",
                    kind=t(f"app_type.{d['app_type']}"))
    if e["what"] == "budget_line":
        return text("checks.detail.budget_line", year=d["year"], account=d["account"] or "–",
                    volume=formatting.number(d["volume"], 2, c.lang, trim=True), measure=d["measure"],
                    total=money(d["total"]))
    if e["what"] == "standard":
        return text("checks.detail.standard", year=d["year"], price=money(d["price"]), asked=money(d["asked"]),
                    difference=money(d["difference"]), measure=d["measure"] or "–")
    return text("checks.detail.capacity", vcpu=num(d["vcpu_free"]), ram=num(d["ram_gb_free"]),
                storage=num(d["storage_tb_free"], 1), note=(d.get("note") or "") if note else "").strip()


def show_kind(kind: str) -> None:
    mine = [f for f in found if f.kind == kind]
    st.caption(t(f"checks.kind.{kind}.help") + " " + text("checks.rule_is", rule=rule(kind)))
    if not mine:
        st.success(t("checks.none"), icon=":material/check_circle:")
        return
    table = pd.DataFrame({
        "item": [f.item for f in mine],
        "units": [num(len(f.unit_ids) + f.others) for f in mine],
        "needs": [num(len(f.need_ids)) for f in mine],
        "value": [money(f.value) for f in mine],
        "saving": [money(f.saving) for f in mine]})
    show_table(table, column_config={k: st.column_config.TextColumn(t(f"checks.col.{k}")) for k in table.columns},
               height=min(360, 38 + 35 * len(mine)))
    chosen = st.selectbox(t("checks.open"), range(len(mine)), key=f"checks_open_{kind}",
                          format_func=lambda i: text("checks.finding", item=mine[i].item, saving=money(mine[i].saving),
                                                     value=money(mine[i].value)))
    finding = mine[chosen]
    st.markdown(f"**{t('checks.suggestion')}:** {t(finding.suggestion)}")
    evidence = pd.DataFrame({
        "what": [t(f"checks.what.{e['what']}") for e in finding.evidence],
        "unit": [e.get("unit") or "–" for e in finding.evidence],
        "label": [e["label"] for e in finding.evidence],
        "detail": [_detail(e, note=False) for e in finding.evidence]})  # the capacity's note is in its box
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

# How savings are estimated: the joint-procurement discount is the city's to set (admin), with its source.
with st.expander(t("checks.discount"), icon=":material/percent:"):
    st.caption(t("checks.discount_help"))
    if c.viewer.role is Role.ADMIN:
        with st.form("discount"):
            left, right = st.columns([1, 3])
            typed = number_field(t("checks.discount_pct"), key="discount_pct", value=discount.percent,
                                 min_value=0.0, max_value=100.0, decimals=2, where=left)
            note = right.text_input(t("checks.discount_from"), discount.source, max_chars=savings.MAX_SOURCE,
                                    key="discount_source", help=t("checks.discount_from_help"))
            if st.form_submit_button(t("inventory.save"), type="primary") and typed is not None:
                save(savings.save_discount, t("checks.discount_saved"), percent=float(typed), source=note)
    else:
        st.text(text("checks.discount_is", percent=percent, source=source))
