"""Evaluasi: a unit's (or the whole government's) assessment on the period's framework — Indeks SPBE up
to 2025, Indeks Pemdi from 2026 — filled one indicator at a time with its level descriptions, its
evidence, and Kominfo's verification. Draft → submitted by the unit → verified (or returned) by Kominfo;
every step lands in the audit log."""

from datetime import date

import pandas as pd
import streamlit as st

from core import audit, formatting
from core.access import Role
from core.errors import MonevError, NotReady
from core.evaluation import assessment, evidence, frameworks, owners
from core.org import units
from pages.common.shell import (
    cached,
    call,
    clear_cache,
    ctx,
    deferred,
    flash,
    guard,
    moment,
    num,
    pct,
    plain,
    save,
    show_error,
    show_flash,
    show_history,
    show_table,
    t,
    text,
)
from pages.evaluation.periods import pick_period

guard("assessment")
c = ctx()
heading = st.empty()  # the period's own title once a period is chosen
heading.title(t("page.assessment"))
show_flash()
left, right = st.columns([1, 2])
period = pick_period(left)
visible = cached(units.list_units)
# The government-wide assessment: Kominfo's, read by leadership, and open to a unit for the indicators it owns.
city_too = c.viewer.role in (Role.ADMIN, Role.PIMPINAN) or bool(cached(owners.progress, period_id=period.id))
options: list[int | None] = ([None] if city_too else []) + [u.id for u in visible]
names = {u.id: f"{u.name} ({u.code})" for u in visible} | {None: t("assessment.city_unit")}
default = options.index(c.viewer.unit_id) if c.viewer.unit_id in options else 0
unit_id = right.selectbox(t("eval.unit"), options, index=default, format_func=lambda i: names[i],
                          key="assessment_unit")
view = call(assessment.assessment_view, period_id=period.id, unit_id=unit_id)
fw = view.framework
idx = fw.index_label(c.lang)
a = view.assessment
heading.title(t("assessment.title", index=idx, year=period.year))
st.caption(plain(fw.title))

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

# A unit does not score an outside agency's indicator: the government-wide assessment records it.
own_indicators = [i for i in fw.indicators() if unit_id is None or not i.external]
own, checked = view.index(verified=False), view.index(verified=True)
filled = sum(1 for i in own_indicators if (ans := view.answers.get(i.number)) and ans.level is not None)
cols = st.columns(4)
cols[0].metric(t("assessment.answered"), f"{filled} / {len(own_indicators)}", border=True)
cols[1].metric(t("assessment.index_self"), "–" if own.overall is None else num(own.overall, 2),
               border=True)
cols[2].metric(t("assessment.index_verified"),
               num(checked.overall, 2) if status == "verified" and checked.overall is not None else "–",
               border=True)
shown = checked.overall if status == "verified" else own.overall
band = fw.band(shown)
# The predicate large, its maturity name (8/2026) beneath it: nothing cut off in a quarter of the width.
cols[3].metric(t("spbe.predicate"), (band.name if c.lang == "id" else band.name_en) if band else "–",
               delta=(band.maturity if c.lang == "id" else band.maturity_en or band.maturity) if band and band.maturity
               else None, delta_color="off", delta_arrow="off", border=True)

with st.expander(t("assessment.groups"), icon=":material/account_tree:"):
    groups = [n for kind in fw.group_kinds() for n in fw.groups(kind).values()]
    st.dataframe(pd.DataFrame({
        t("assessment.group"): [f"{n.code} {n.name}" for n in groups],
        t("assessment.weight"): [pct(n.weight) for n in groups],
        t("assessment.index_self"): [num(own.values.get(n.code), 2) for n in groups],
        t("assessment.index_verified"): [num(checked.values.get(n.code) if status == "verified" else None, 2)
                                         for n in groups],
    }), hide_index=True, width="stretch")
    st.caption(frameworks.formula(fw, c.lang))
    st.caption(t("assessment.rounding"))

files: dict[int, list] = {}
for info in view.evidence:
    files.setdefault(info.indicator, []).append(info)


def level_text(node, level) -> str:
    if level is None or pd.isna(level):
        return "–"
    return f"{int(level)} · {fw.level_name(node, int(level), c.lang)}"


def state_of(node) -> str:
    """Where one indicator stands, in words (never a column key); for table cells and options: plain text."""
    if node.external and unit_id is not None:
        got = view.external.get(node.number)
        return text("assessment.state.external", agency=node.external) if got else \
            text("assessment.state.external_missing", agency=node.external)
    answer = view.answers.get(node.number)
    if answer is None or answer.level is None:
        return t("assessment.state.no_level")
    if node.external and not answer.source.strip():
        return t("assessment.state.no_source")
    if not node.external and not answer.justification.strip():
        return t("assessment.state.no_reason")
    return t("assessment.state.complete")


owner_names = {u.id: u.short_name or u.code for u in visible}


def owner_text(number: int) -> str:
    owner = view.owners.get(number)
    if owner is None:
        return t("owners.unassigned")
    return f"{owner_names.get(owner.unit_id, t('owners.other_unit'))} · {t(f'eval.status.{owner.status}')}"


shown_indicators = [i for i in fw.indicators() if view.visible is None or i.number in view.visible]
rows = []
for ind in shown_indicators:
    answer = view.answers.get(ind.number)
    level = (view.external[ind.number].level if ind.external and unit_id is not None and ind.number in view.external
             else answer.level if answer else None)
    rows.append({
        "no": ind.number, "group": ind.parent, "name": ind.name,
        "scorer": t("assessment.scorer.self") if not ind.external else ind.external.split(" (")[0],
        "level": level_text(ind, level), "state": state_of(ind),
        "files": len(files.get(ind.number, [])),
        "verified": level_text(ind, answer.verified_level if answer else None),
        "owner": owner_text(ind.number) if unit_id is None else "",
    })
columns = {"no": st.column_config.NumberColumn(t("eval.indicator_no"), width=40, format="%d"),
           "group": st.column_config.TextColumn(t("eval.aspect"), width=50),
           "name": st.column_config.TextColumn(t("eval.indicator"), width=330 if unit_id is None else "large"),
           "scorer": st.column_config.TextColumn(t("assessment.scorer"), width=80),
           "level": st.column_config.TextColumn(t("eval.level"), width=120),
           "state": st.column_config.TextColumn(t("assessment.state"), width=130),
           "files": st.column_config.NumberColumn(t("assessment.files"), width=50)}
if unit_id is None:
    columns["owner"] = st.column_config.TextColumn(t("owners.owner"), width="medium")
if view.can_verify or status == "verified":
    columns["verified"] = st.column_config.TextColumn(t("assessment.verified_level"), width="small")
# Names wrap onto a second line rather than being cut (a Pemdi name runs to 97 characters).
show_table(pd.DataFrame(rows)[list(columns)], height=min(760, 38 + 35 * len(rows)), column_config=columns, wrap=True)

# One indicator at a time ----------------------------------------------------------------------------------
pick_key, pending_key = f"assessment_pick_{period.id}_{unit_id}", f"assessment_next_{period.id}_{unit_id}"
if pending_key in st.session_state:  # "save and next" chose the next indicator before the rerun
    st.session_state[pick_key] = st.session_state.pop(pending_key)
numbers = [i.number for i in shown_indicators]
if not numbers:
    st.info(t("owners.none_yours"), icon=":material/info:")
    st.stop()
st.subheader(t("assessment.fill") if view.can_edit else t("assessment.read"))
number = st.selectbox(t("eval.indicator"), numbers, key=pick_key,
                      format_func=lambda n: f"{n}. {fw.indicator(n).name} — {state_of(fw.indicator(n))}")
node = fw.indicator(number)
answer = view.answers.get(number)
parent = fw.node(node.parent) if node.parent else None
st.markdown(f"**{number}. {plain(node.name)}**")
st.caption(t("assessment.indicator_place", group=f"{parent.code} {parent.name}" if parent else "–",
             weight=num(node.weight, 2)))

if node.external and unit_id is not None:
    got = view.external.get(number)
    if got:
        when = formatting.day(got.source_date, c.lang) if got.source_date else "–"
        st.info(t("assessment.external_result", agency=node.external, level=level_text(node, got.level),
                  source=got.source, date=when), icon=":material/corporate_fare:")
    else:
        st.info(t("assessment.external_pending", agency=node.external), icon=":material/hourglass_empty:")
elif number in view.fillable:
    with st.form(f"indicator_{period.id}_{unit_id}_{number}"):
        field = f"{period.id}_{unit_id}_{number}"
        level = st.radio(t("eval.level"), list(frameworks.LEVELS), horizontal=False, key=f"ind_level_{field}",
                         index=(answer.level - 1) if answer and answer.level else None,
                         format_func=lambda lv: f"{lv} · {fw.level_name(node, lv, c.lang)}",
                         captions=[plain(d) for d in fw.level_descriptions(node, c.lang)] or None)
        if node.external:
            st.caption(t("assessment.external_admin", agency=node.external))
            source = st.text_input(t("assessment.source"), value=answer.source if answer else "", max_chars=300,
                                   help=t("assessment.source_help"), key=f"ind_source_{field}")
            source_date = st.date_input(t("assessment.source_date"),
                                        value=answer.source_date if answer and answer.source_date else None,
                                        max_value=date.today(), format="DD/MM/YYYY", key=f"ind_date_{field}")
            justification = answer.justification if answer else ""
        else:
            source, source_date = "", None
            justification = st.text_area(t("assessment.justification"), value=answer.justification if answer else "",
                                         max_chars=2000, help=t("assessment.justification_help"),
                                         key=f"ind_reason_{field}")
        links_text = st.text_area(t("assessment.links"), value="\n".join(answer.links) if answer else "",
                                  help=t("assessment.links_help"), height=90, key=f"ind_links_{field}")
        cols = st.columns([1, 2, 3])
        stay = cols[0].form_submit_button(t("assessment.save_one"), type="primary", icon=":material/save:",
                                          key="assessment_save_one")
        go_on = cols[1].form_submit_button(t("assessment.save_next"), icon=":material/arrow_forward:",
                                           key="assessment_save_next")
    if stay or go_on:
        links = [line.strip() for line in links_text.splitlines() if line.strip()]
        if go_on and number != numbers[-1]:
            st.session_state[pending_key] = numbers[numbers.index(number) + 1]
        save(assessment.save_answers, lambda n: t("assessment.saved_one", number=number, count=n),
             period_id=period.id, unit_id=unit_id,
             answers=[assessment.AnswerInput(number, level, justification, links, source.strip(), source_date)])
        st.session_state.pop(pending_key, None)  # the save failed: stay on this indicator, keep what was typed
else:
    lv = answer.level if answer else None
    st.markdown(f"{t('eval.level')}: **{plain(level_text(node, lv))}**")
    if answer and answer.justification:
        st.text(answer.justification)
    for link in answer.links if answer else []:
        st.text(link)

# Submitting, right under the form: what is still missing is named indicator by indicator, each a click
# away from the form above, until it is complete (or the assessment is sent).
missing_key = f"assessment_missing_{period.id}_{unit_id}"


def open_indicator(indicator: int) -> None:
    st.session_state[pick_key] = indicator


if view.can_edit and (unit_id is not None or c.viewer.is_admin):
    if st.button(t("assessment.submit"), icon=":material/send:", key="assessment_submit",
                 help=t("assessment.submit_help", total=len(own_indicators))):
        try:
            call(assessment.submit, period_id=period.id, unit_id=unit_id)
        except NotReady:
            st.session_state[missing_key] = True
        except MonevError as exc:
            show_error(exc)
        else:
            st.session_state.pop(missing_key, None)
            clear_cache()
            flash(t("assessment.submitted"))
    refusal = assessment.not_ready(fw, view.answers, unit_id) if st.session_state.get(missing_key) else None
    if refusal is None:
        st.session_state.pop(missing_key, None)
    else:
        box = st.container(border=True)
        box.error(refusal.message(c.lang, escape=plain), icon=":material/assignment_late:")
        for problem in refusal.problems:
            line = box.columns([8, 1], vertical_alignment="center")
            line[0].markdown(f"**{problem.row}. {plain(fw.indicator(problem.row).name)}** — "
                             f"{plain(problem.message(c.lang))}")
            line[1].button(t("assessment.open_indicator"), key=f"assessment_open_{problem.row}",
                           help=t("assessment.open_indicator_help"), on_click=open_indicator, args=(problem.row,),
                           disabled=problem.row == number, width="stretch")

owner = view.owners.get(number) if unit_id is None else None
if owner is not None:
    st.caption(t("owners.line", owner=owner_names.get(owner.unit_id, text("owners.other_unit")),
                 status=t(f"eval.status.{owner.status}")))
    if owner.status == "returned" and owner.note:
        st.warning(t("assessment.returned_note", note=owner.note), icon=":material/undo:")
    actions = st.container(horizontal=True)
    if number in view.fillable and owner.status in owners.EDITABLE and not c.viewer.is_admin:
        if actions.button(t("owners.submit"), icon=":material/send:", key="owner_submit"):
            save(owners.submit_indicator, t("owners.submitted", number=number), period_id=period.id, indicator=number)
    if c.viewer.is_admin and owner.status == "submitted":
        if actions.button(t("owners.verify"), type="primary", icon=":material/verified:", key="owner_verify"):
            save(owners.verify_indicator, t("owners.verified", number=number), period_id=period.id, indicator=number)
    if c.viewer.is_admin and owner.status in ("submitted", "verified"):
        with actions.popover(t("owners.return"), icon=":material/undo:"):
            reason = st.text_area(t("assessment.return_reason"), key=f"owner_return_reason_{number}", max_chars=500)
            if st.button(t("assessment.return_button"), key="owner_return"):
                save(owners.return_indicator, t("owners.returned", number=number), period_id=period.id,
                     indicator=number, reason=reason)

# Evidence the app already holds, for the indicators it measures: the city's for Kominfo and leadership only.
if node.evidence and (unit_id is not None or c.viewer.role in (Role.ADMIN, Role.PIMPINAN)):
    st.markdown(f"**{t('evidence.generated')}**", help=t("evidence.generated_help"))
    for kind in node.evidence:
        cols = st.columns([3, 1, 1, 2], vertical_alignment="center")
        cols[0].write(t(f"evidence.title.{kind}"))
        for col, fmt, mime in ((cols[1], "pdf", "application/pdf"),
                               (cols[2], "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
            made = deferred(evidence.generate, period_id=period.id, unit_id=unit_id, indicator=number, kind=kind,
                            fmt=fmt, lang=c.lang, zone=c.settings.zone, org_name=c.settings.org_name)
            col.download_button(fmt.upper(), data=lambda made=made: made()[1], icon=":material/download:",
                                file_name=f"bukti-{number:02d}-{kind}.{fmt}", mime=mime, on_click="ignore",
                                key=f"evidence_gen_{kind}_{fmt}")
        if view.can_edit and (unit_id is not None or c.viewer.is_admin) and \
                cols[3].button(t("evidence.attach"), icon=":material/attach_file:", key=f"evidence_attach_{kind}"):
            save(evidence.attach, lambda name: t("evidence.attached", filename=name), period_id=period.id,
                 unit_id=unit_id, indicator=number, kind=kind, fmt="pdf", lang=c.lang, zone=c.settings.zone,
                 org_name=c.settings.org_name)

with st.expander(t("assessment.descriptions"), icon=":material/format_list_numbered:"):
    for lv, description in zip(frameworks.LEVELS, fw.level_descriptions(node, c.lang), strict=False):
        st.markdown(f"**{lv} · {plain(fw.level_name(node, lv, c.lang))}** — {plain(description)}")

# Kominfo's verification ---------------------------------------------------------------------------------
if view.can_verify:
    st.subheader(t("assessment.verify_title"))
    frame = pd.DataFrame([{"no": i.number, "name": i.name,
                           "level": level_text(i, view.answers[i.number].level if i.number in view.answers else None),
                           "verified_level": view.answers[i.number].verified_level if i.number in view.answers else None,
                           "verify_reason": view.answers[i.number].verify_reason if i.number in view.answers else ""}
                          for i in own_indicators])
    frame["verified_level"] = frame["verified_level"].astype("Int64")
    edited = st.data_editor(frame, key=f"assessment_verify_{period.id}_{unit_id}", hide_index=True, width="stretch",
                            disabled=["no", "name", "level"], num_rows="fixed", column_config={
        "no": st.column_config.NumberColumn(t("eval.indicator_no"), width=40, format="%d"),
        "name": st.column_config.TextColumn(t("eval.indicator"), width="large"),
        "level": st.column_config.TextColumn(t("assessment.unit_level"), width="medium"),
        "verified_level": st.column_config.NumberColumn(t("assessment.verified_level"), min_value=1, max_value=5,
                                                        step=1, width=80, help=t("assessment.verified_level_help")),
        "verify_reason": st.column_config.TextColumn(t("assessment.verify_reason"), max_chars=500)})
    if st.button(t("assessment.verify"), type="primary", icon=":material/verified:", key="assessment_verify",
                 help=t("assessment.verify_help")):
        corrections = {int(r["no"]): (int(r["verified_level"]), str(r["verify_reason"] or ""))
                       for _, r in edited.iterrows() if not pd.isna(r["verified_level"])}
        save(assessment.verify, t("assessment.verified"), assessment_id=a.id, corrections=corrections)
if c.viewer.is_admin and a is not None and a.status in ("submitted", "verified") and period.status == "open":
    with st.expander(t("assessment.return"), icon=":material/undo:"), st.form("assessment_return"):
        reason = st.text_area(t("assessment.return_reason"), key="assessment_return_reason", max_chars=500)
        if st.form_submit_button(t("assessment.return_button")):
            save(assessment.return_assessment, t("assessment.returned"), assessment_id=a.id, reason=reason)

# Evidence -----------------------------------------------------------------------------------------------
st.subheader(t("assessment.evidence"))
if view.evidence:
    for info in view.evidence:
        cols = st.columns([0.7, 4, 2.3, 1.5, 1.3], vertical_alignment="center")  # "Download" whole in English
        cols[0].write(f"#{info.indicator}")
        cols[1].text(info.filename)  # a name the uploader chose: text, never markdown
        cols[2].caption(f"{num(info.size / 1024, 0)} KB · {plain(info.uploaded_by)} · {moment(info.uploaded_at)}")
        get = deferred(assessment.evidence_file, evidence_id=info.id)
        cols[3].download_button(t("assessment.download"), data=lambda get=get: get()[2], file_name=info.filename,
                                key=f"evidence_get_{info.id}", icon=":material/download:", on_click="ignore")
        if view.can_edit and cols[4].button(t("common.delete"), key=f"evidence_del_{info.id}",
                                            icon=":material/delete:"):
            save(assessment.remove_evidence, t("assessment.evidence_removed"), evidence_id=info.id)
else:
    st.caption(t("assessment.no_evidence"))
if view.can_edit and numbers:
    with st.form("evidence_upload", clear_on_submit=True):
        cols = st.columns([2, 3])
        evidence_for = cols[0].selectbox(t("eval.indicator"), numbers, index=numbers.index(number),
                                         format_func=lambda n: f"{n}. {fw.indicator(n).name}", key="evidence_indicator")
        upload = cols[1].file_uploader(t("assessment.upload"), type=["pdf", "png", "jpg", "jpeg", "docx", "xlsx",
                                                                     "pptx"], key="evidence_file",
                                       max_upload_size=assessment.MAX_EVIDENCE_BYTES // (1024 * 1024))
        cols[1].caption(t("assessment.upload_help", limit_mb=assessment.MAX_EVIDENCE_BYTES // (1024 * 1024)))
        if st.form_submit_button(t("assessment.upload_button"), icon=":material/upload:"):
            if upload is None:
                st.error(t("assessment.upload_none"))
            else:
                save(assessment.add_evidence, t("assessment.uploaded", filename=upload.name), period_id=period.id,
                     unit_id=unit_id, indicator=evidence_for, filename=upload.name, data=upload.getvalue())

if a is not None:
    st.subheader(t("audit.title"))
    show_history(call(audit.history, table="assessment", row_id=a.id, lang=c.lang, limit=30))
