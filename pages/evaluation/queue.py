"""Verifikasi: Kominfo's queue for a period — unit assessments and owned indicators waiting to be
checked, returned or done, each with its age — and who owns each indicator of the government-wide
assessment (the responsible unit and the units that add evidence)."""

import pandas as pd
import streamlit as st

from core import formatting
from core.evaluation import national, owners
from core.org import units
from db.types import utcnow
from pages.common.shell import (
    cached,
    ctx,
    deferred,
    guard,
    moment,
    num,
    save,
    show_flash,
    show_table,
    t,
    text,
    wrap_height,
)
from pages.evaluation.periods import pick_period

guard("verification")
c = ctx()
st.title(t("queue.title"))
show_flash()
period = pick_period(st.columns([1, 2])[0], key="queue_period")
waiting = cached(owners.queue, period_id=period.id)
counts = {s: sum(1 for w in waiting if w.status == s) for s in ("submitted", "returned", "verified")}
cols = st.columns(3)
for col, state in zip(cols, counts, strict=True):
    col.metric(t(f"queue.count.{state}"), num(counts[state]), border=True)


def age(since) -> str:
    if since is None:
        return "–"
    return formatting.duration((utcnow() - since).total_seconds(), c.lang)


state = st.segmented_control(t("eval.status"), list(counts), default="submitted", key="queue_state",
                             format_func=lambda s: t(f"eval.status.{s}")) or "submitted"
lines = [w for w in waiting if w.status == state]
if lines:
    # Every cell whole at 1440 px: the kind and the moment fit their columns, a long indicator name wraps.
    show_table(pd.DataFrame({
        text("queue.kind"): [text(f"queue.kind.{w.kind}") for w in lines],
        text("eval.unit"): [w.unit or "–" for w in lines],
        text("eval.indicator"): [f"{w.indicator}. {w.name}" if w.indicator else "–" for w in lines],
        text("queue.since"): [moment(w.since) if w.since else "–" for w in lines],
        text("queue.age"): [age(w.since) for w in lines],
        text("queue.note"): [w.note or "" for w in lines],
    }), wrap=True, height=min(480, 38 + 35 * len(lines)))
    st.caption(t("queue.where"))
else:
    st.caption(t("queue.empty", status=t(f"eval.status.{state}")))

st.subheader(t("queue.owners"))
st.caption(t("queue.owners_help"))
progress = cached(owners.progress, period_id=period.id)
all_units = cached(units.list_units)
# Units by their short name in the owner column (the code where two units share one): it fits the column.
shorts = [u.short_name or u.code for u in all_units]
label = {u.id: (u.short_name or u.code) if shorts.count(u.short_name or u.code) == 1 else u.code for u in all_units}
by_name = {name: uid for uid, name in label.items()}
by_code = {u.code: u.id for u in all_units}
codes = {u.id: u.code for u in all_units}
names = label
full = {u.id: u.name for u in all_units}
full_to_id = {name: uid for uid, name in full.items()}
frame = pd.DataFrame([{"no": p.number, "name": p.name,
                       "scorer": p.external.split(" (")[0] if p.external else t("assessment.scorer.self"),
                       "owner": names.get(p.owner_id, None) if p.owner_id else None,
                       "contributors": ", ".join(codes[full_to_id[n]] for n in p.contributors if n in full_to_id),
                       "status": t(f"eval.status.{p.status}") if p.status != "unassigned" else t("owners.unassigned"),
                       "level": "–" if p.level is None else str(p.level)} for p in progress])
owner_columns = {
        "no": st.column_config.NumberColumn(t("eval.indicator_no"), width=40, format="%d"),
        "name": st.column_config.TextColumn(t("eval.indicator"), width=300),
        "scorer": st.column_config.TextColumn(t("assessment.scorer"), width=80),
        "owner": st.column_config.SelectboxColumn(t("owners.owner"), options=sorted(by_name), width=200),
        "contributors": st.column_config.TextColumn(t("queue.contributors"), help=t("queue.contributors_help"),
                                                    width=170),
        "status": st.column_config.TextColumn(t("eval.status"), width=110),
        "level": st.column_config.TextColumn(t("eval.level"), width=64)}
row = wrap_height(frame, owner_columns)  # a long indicator name wraps onto more lines rather than being cut
edited = st.data_editor(
    frame, key=f"queue_owners_{period.id}", hide_index=True, width="stretch", num_rows="fixed",
    disabled=["no", "name", "scorer", "status", "level"] if period.status == "open" else True,
    column_config=owner_columns, row_height=row, height=min(760, 38 + (row or 35) * len(frame) + 2))
if period.status == "open" and st.button(t("queue.save_owners"), type="primary", icon=":material/save:",
                                         key="queue_owners_save"):
    wanted = {}
    for _, row in edited.iterrows():
        listed = [part.strip().upper() for part in str(row["contributors"] or "").split(",") if part.strip()]
        wanted[int(row["no"])] = (by_name.get(row["owner"]) if row["owner"] else None,
                                  [by_code.get(code, -1) for code in listed])
    save(owners.assign, lambda n: t("queue.owners_saved", count=n), period_id=period.id, owners=wanted)

st.subheader(t("national.heading"))
st.caption(t("national.caption"))
st.download_button(t("national.download"), type="primary", icon=":material/download:", key="national_xlsx", on_click="ignore",
                   data=deferred(national.workbook, period_id=period.id, lang=c.lang, zone=c.settings.zone,
                                 org_name=c.settings.org_name),
                   file_name=national.file_name(period.framework, period.year),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
