"""Evaluasi SPBE: a unit's self-assessment over the 47 indicators, its evidence, and Kominfo's verification.
Draft → submitted by the unit → verified (or returned) by Kominfo; every step lands in the audit log."""

import pandas as pd
import streamlit as st

from core import audit, formatting
from core.access import Role
from core.errors import MonevError
from core.evaluation import assessment, report, spbe
from core.org import units
from pages.common.shell import cached, call, ctx, deferred, guard, moment, plain, save, show_error, show_flash, t
from pages.evaluation.periods import pick_period

guard("assessment")
c = ctx()
st.title(t("assessment.title"))
show_flash()
left, right = st.columns([1, 2])
period = pick_period(left)
visible = cached(units.list_units)
options: list[int | None] = ([None] if c.viewer.role in (Role.ADMIN, Role.PIMPINAN) else []) + [u.id for u in visible]
names = {u.id: f"{u.name} ({u.code})" for u in visible} | {None: t("assessment.city_unit")}
default = options.index(c.viewer.unit_id) if c.viewer.unit_id in options else 0
unit_id = right.selectbox(t("eval.unit"), options, index=default, format_func=lambda i: names[i],
                          key="assessment_unit")
view = call(assessment.assessment_view, period_id=period.id, unit_id=unit_id)
a = view.assessment

status = view.status if a else "none"
STATUS_ICONS = {"none": ":material/radio_button_unchecked:", "draft": ":material/edit_note:",
                "submitted": ":material/outbox:", "returned": ":material/undo:", "verified": ":material/verified:"}
line = f"{t('eval.status')}: **{t(f'eval.status.{status}')}**"
if a and a.submitted_at:
    line += " · " + t("assessment.submitted_by", who=a.submitted_by, at=moment(a.submitted_at))
if a and a.verified_at:
    line += " · " + t("assessment.verified_by", who=a.verified_by, at=moment(a.verified_at))
st.markdown(line, help=t("assessment.workflow_help"))
if a and a.status == "returned" and a.note:
    st.warning(t("assessment.returned_note", note=a.note), icon=STATUS_ICONS["returned"])
if period.status == "closed":
    st.info(t("assessment.period_closed"), icon=":material/lock:")
elif not view.can_edit and not view.can_verify and status in ("submitted", "verified") \
        and c.viewer.role is not Role.PIMPINAN:
    st.info(t(f"assessment.locked_{status}"), icon=":material/lock:")

own, checked = view.index(verified=False), view.index(verified=True)
cols = st.columns(4)
cols[0].metric(t("assessment.answered"), f"{own.answered} / {len(spbe.indicators())}", border=True)
cols[1].metric(t("assessment.index_self"), "–" if own.overall is None else formatting.number(own.overall, 2),
               border=True)
cols[2].metric(t("assessment.index_verified"),
               formatting.number(checked.overall, 2) if status == "verified" and checked.overall is not None else "–",
               border=True)
shown = checked.overall if status == "verified" else own.overall
key = spbe.predicate(shown)
cols[3].metric(t("spbe.predicate"), t(f"spbe.predicate.{key}") if key else "–", border=True)

with st.expander(t("assessment.domains"), icon=":material/account_tree:"):
    st.dataframe(pd.DataFrame({
        t("eval.domain"): [f"{code} {g.name}" for code, g in spbe.domains().items()],
        t("assessment.index_self"): [report.num(own.domains[code]) for code in spbe.domains()],
        t("assessment.index_verified"): [report.num(checked.domains[code] if status == "verified" else None)
                                         for code in spbe.domains()],
    }), hide_index=True, width="stretch")
    st.caption(t("assessment.formula"))

files = {}
for info in view.evidence:
    files.setdefault(info.indicator, []).append(info)


def level_name(number: int, level) -> str:
    if level is None or pd.isna(level):
        return ""
    return t(f"spbe.level.{spbe.indicator(number).scale}.{int(level)}")


rows = []
for ind in spbe.indicators():
    answer = view.answers.get(ind.number)
    rows.append({
        "no": ind.number, "aspect": ind.aspect, "name": ind.name,
        "level": answer.level if answer else None,
        "level_name": level_name(ind.number, answer.level if answer else None),
        "justification": answer.justification if answer else "",
        "links": " ".join(answer.links) if answer else "",
        "files": len(files.get(ind.number, [])),
        "verified_level": answer.verified_level if answer else None,
        "verify_reason": answer.verify_reason if answer else "",
    })
frame = pd.DataFrame(rows)
frame["level"] = frame["level"].astype("Int64")
frame["verified_level"] = frame["verified_level"].astype("Int64")
show_verification = view.can_verify or status == "verified"
columns = ["no", "aspect", "name", "level", "level_name", "justification", "links", "files"]
if show_verification:
    columns += ["verified_level", "verify_reason"]
editable = (["level", "justification", "links"] if view.can_edit else []) + \
           (["verified_level", "verify_reason"] if view.can_verify else [])
config = {
    "no": st.column_config.NumberColumn(t("eval.indicator_no"), width=40, format="%d"),
    "aspect": st.column_config.TextColumn(t("eval.aspect"), width=50, help=t("assessment.aspect_help")),
    "name": st.column_config.TextColumn(t("eval.indicator"), width="large"),
    "level": st.column_config.NumberColumn(t("eval.level"), min_value=1, max_value=5, step=1, width=60,
                                           help=t("assessment.level_help")),
    "level_name": st.column_config.TextColumn(t("assessment.level_name"), width="small"),
    "justification": st.column_config.TextColumn(t("assessment.justification"), width="large", max_chars=2000),
    "links": st.column_config.TextColumn(t("assessment.links"), help=t("assessment.links_help")),
    "files": st.column_config.NumberColumn(t("assessment.files"), width=50),
    "verified_level": st.column_config.NumberColumn(t("assessment.verified_level"), min_value=1, max_value=5,
                                                    step=1, width=80, help=t("assessment.verified_level_help")),
    "verify_reason": st.column_config.TextColumn(t("assessment.verify_reason"), max_chars=500),
}
editor_key = f"assessment_editor_{period.id}_{unit_id}"
edited = st.data_editor(frame[columns], key=editor_key, hide_index=True, width="stretch", height=560,
                        column_config=config, disabled=[col for col in columns if col not in editable],
                        num_rows="fixed")


def _int(value):
    return None if value is None or pd.isna(value) else int(value)


def answers_from(table: pd.DataFrame) -> list[assessment.AnswerInput]:
    changed = []
    for before, (_, after) in zip(rows, table.iterrows(), strict=True):
        level = _int(after["level"])
        links = [part for part in str(after["links"] or "").replace(",", " ").split() if part]
        justification = str(after["justification"] or "")
        if (level, justification, " ".join(links)) != (before["level"], before["justification"], before["links"]):
            changed.append(assessment.AnswerInput(int(after["no"]), level, justification, links))
    return changed


if view.can_edit:
    cols = st.columns([1, 1, 4])
    if cols[0].button(t("common.save"), type="primary", icon=":material/save:", key="assessment_save"):
        save(assessment.save_answers, lambda n: t("assessment.saved", count=n), period_id=period.id, unit_id=unit_id,
             answers=answers_from(edited))
    if cols[1].button(t("assessment.submit"), icon=":material/send:", key="assessment_submit",
                      help=t("assessment.submit_help")):
        try:
            call(assessment.save_answers, period_id=period.id, unit_id=unit_id, answers=answers_from(edited))
        except MonevError as exc:
            show_error(exc)
        else:
            save(assessment.submit, t("assessment.submitted"), period_id=period.id, unit_id=unit_id)

if view.can_verify:
    cols = st.columns([1, 3])
    if cols[0].button(t("assessment.verify"), type="primary", icon=":material/verified:", key="assessment_verify",
                      help=t("assessment.verify_help")):
        corrections = {int(r["no"]): (_int(r["verified_level"]), str(r["verify_reason"] or ""))
                       for _, r in edited.iterrows() if _int(r["verified_level"]) is not None}
        save(assessment.verify, t("assessment.verified"), assessment_id=a.id, corrections=corrections)
if c.viewer.is_admin and a is not None and a.status in ("submitted", "verified") and period.status == "open":
    with st.expander(t("assessment.return"), icon=":material/undo:"), st.form("assessment_return"):
        reason = st.text_area(t("assessment.return_reason"), key="assessment_return_reason", max_chars=500)
        if st.form_submit_button(t("assessment.return_button")):
            save(assessment.return_assessment, t("assessment.returned"), assessment_id=a.id, reason=reason)

st.subheader(t("assessment.evidence"))
if view.evidence:
    for info in view.evidence:
        cols = st.columns([1, 4, 2, 1, 1], vertical_alignment="center")
        cols[0].write(f"#{info.indicator}")
        cols[1].text(info.filename)  # a name the uploader chose: text, never markdown
        cols[2].caption(f"{formatting.number(info.size / 1024, 0)} KB · {plain(info.uploaded_by)} · {moment(info.uploaded_at)}")
        get = deferred(assessment.evidence_file, evidence_id=info.id)
        cols[3].download_button(t("assessment.download"), data=lambda get=get: get()[2], file_name=info.filename,
                                key=f"evidence_get_{info.id}", icon=":material/download:", on_click="ignore")
        if view.can_edit and cols[4].button(t("common.delete"), key=f"evidence_del_{info.id}",
                                            icon=":material/delete:"):
            save(assessment.remove_evidence, t("assessment.evidence_removed"), evidence_id=info.id)
else:
    st.caption(t("assessment.no_evidence"))
if view.can_edit:
    with st.form("evidence_upload", clear_on_submit=True):
        cols = st.columns([2, 3])
        number = cols[0].selectbox(t("eval.indicator"), [i.number for i in spbe.indicators()],
                                   format_func=lambda n: f"{n}. {spbe.indicator(n).name}", key="evidence_indicator")
        upload = cols[1].file_uploader(t("assessment.upload"), type=["pdf", "png", "jpg", "jpeg", "docx", "xlsx",
                                                                     "pptx"], key="evidence_file",
                                       max_upload_size=assessment.MAX_EVIDENCE_BYTES // (1024 * 1024),
                                       help=t("assessment.upload_help",
                                              limit_mb=assessment.MAX_EVIDENCE_BYTES // (1024 * 1024)))
        if st.form_submit_button(t("assessment.upload_button"), icon=":material/upload:"):
            if upload is None:
                st.error(t("assessment.upload_none"))
            else:
                save(assessment.add_evidence, t("assessment.uploaded", filename=upload.name), period_id=period.id,
                     unit_id=unit_id, indicator=number, filename=upload.name, data=upload.getvalue())

if a is not None:
    st.subheader(t("audit.title"))
    entries = call(audit.list_audit, table="assessment", row_id=a.id, limit=30)
    if entries:
        st.dataframe([{t("audit.at"): moment(e.at), t("audit.actor"): e.actor,
                       t("audit.action"): t(f"audit.action.{e.action}"),
                       t("audit.change"): audit.describe(e.old_values, e.new_values)} for e in entries],
                     hide_index=True, width="stretch")
    else:
        st.caption(t("audit.empty"))
