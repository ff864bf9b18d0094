"""Kebutuhan TIK: each unit's ICT needs for a fiscal year, editable in place and through the Excel round
trip like the inventory, and the review: a unit submits, Kominfo approves, sends back or rejects."""

import pandas as pd
import streamlit as st

from core.access import Role
from core.needs import accounts, workflow
from core.needs.kind import NEED, NEED_STATUSES
from core.records import listing
from pages.common.shell import cached, ctx, guard, money, num, save, show_flash, t, text
from pages.inventory.common import filters, page
from pages.needs.years import pick_year

guard("needs")
c = ctx()
st.title(t("page.needs"))
show_flash()
st.caption(t("needs.caption"))

year = pick_year(st.columns([1, 3])[0], "needs_year")
unit_ids, search = filters(NEED)

counts = cached(workflow.status_counts, fiscal_year=year, unit_ids=unit_ids)
cols = st.columns(len(counts))
for col, count in zip(cols, counts, strict=True):
    col.metric(t(f"need_status.{count.status}"), num(count.needs), money(count.total),
               delta_color="off", delta_arrow="off")


def _pick_table(rows: list[dict], key: str) -> list[int]:
    """The rows with a tick column; returns the ids ticked."""
    frame = pd.DataFrame({
        "pick": [False] * len(rows), "unit": [r["unit"] for r in rows], "item": [r["item"] for r in rows],
        "category": [r["category"] for r in rows], "quantity": [str(r["quantity"] or "") for r in rows],
        "total": [money(r["total"]) if r["total"] is not None else "–" for r in rows],
        "priority": [str(r["priority"] or "") for r in rows], "status": [r["status"] for r in rows],
        "review_note": [r["review_note"] or "" for r in rows]})
    config = {"pick": st.column_config.CheckboxColumn(t("needs.pick"), width="small"),
              **{k: st.column_config.TextColumn(t(f"need.{k}"), disabled=True)
                 for k in ("unit", "item", "category", "quantity", "total", "priority", "status", "review_note")}}
    all_rows = st.checkbox(t("needs.pick_all", count=len(rows)), key=f"{key}_all")
    if all_rows:
        frame["pick"] = True
    edited = st.data_editor(frame, hide_index=True, width="stretch", column_config=config, key=f"{key}_{all_rows}",
                            height=min(460, 38 + 35 * len(rows)), disabled=[k for k in frame.columns if k != "pick"])
    return [r["id"] for r, picked in zip(rows, edited["pick"], strict=True) if picked]


def _rows(statuses: tuple[str, ...]) -> list[dict]:
    labels = {t(f"need_status.{s}") for s in statuses}
    rows = cached(listing.list_records, kind=NEED, unit_ids=unit_ids, search=search, lang=c.lang,
                  fiscal_year=year)
    return [r for r in rows if r["status"] in labels]


def submit_tab() -> None:
    """The unit sends its draft and revised needs to Kominfo."""
    st.caption(t("needs.submit_help"))
    rows = _rows(workflow.EDITABLE)
    if not rows:
        st.info(t("needs.nothing_to_submit"))
        return
    picked = _pick_table(rows, "needs_submit")
    if st.button(t("needs.submit", count=len(picked)), type="primary", disabled=not picked, key="needs_submit_go",
                 icon=":material/send:"):
        save(workflow.submit, lambda n: t("needs.submitted", count=n), need_ids=picked)


def review_tab() -> None:
    """Kominfo decides on submitted needs (and may revisit a decision)."""
    shown = st.multiselect(t("needs.review_statuses"), list(workflow.REVIEWABLE), placeholder=text("common.choose"), default=["submitted"],
                           format_func=lambda s: t(f"need_status.{s}"), key="needs_review_statuses")
    rows = _rows(tuple(shown))
    if not rows:
        st.info(t("needs.nothing_to_review"))
        return
    picked = _pick_table(rows, "needs_review")
    left, right = st.columns([1, 2])
    decision = left.radio(t("needs.decision"), list(workflow.DECISIONS), key="needs_decision",
                          format_func=lambda d: t(f"need_status.{d}"))
    reason = right.text_area(t("needs.reason"), key="needs_reason", max_chars=500,
                             help=t("needs.reason_help"))
    if st.button(t("needs.apply_decision", count=len(picked)), type="primary", disabled=not picked,
                 key="needs_review_go", icon=":material/gavel:"):
        save(workflow.review, lambda n: t("needs.reviewed", count=n, decision=t(f"need_status.{decision}")),
             need_ids=picked, decision=decision, reason=reason)


# The sub-activities the unit usually budgets under, to fill the Sub kegiatan column from (an operator's
# own unit, or the one unit an admin filtered on).
one_unit = unit_ids[0] if unit_ids and len(unit_ids) == 1 else (c.viewer.unit_id if c.viewer.role is Role.SKPD
                                                                 else None)
if one_unit is not None:
    usual = cached(accounts.usual_sub_activities, unit_id=one_unit)
    if usual:
        st.caption(t("accounts.usual", list="; ".join(f"{code} {name}".strip() + f" ({num(n)})"
                                                      for code, name, n in usual)))

extra = []
if c.viewer.role in (Role.ADMIN, Role.SKPD):
    extra.append((t("needs.tab_submit"), submit_tab))
if c.viewer.role is Role.ADMIN:
    extra.append((t("needs.tab_review"), review_tab))
page(NEED, extra, year=year, filtered=(unit_ids, search))
st.caption(t("needs.statuses_note", statuses=", ".join(t(f"need_status.{s}") for s in NEED_STATUSES)))
