"""The one import flow of every register (devices, staff, applications, needs, units, targets, standard
prices, SIPD lines): upload, a preview of the rows the import will write (nothing is written yet), one button
that writes them all; afterwards only the outcome shows, and the uploader is empty for the next file."""

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from core.errors import MonevError
from core.records.outcome import Outcome, preview, table_cells
from pages.common.shell import call, clear_cache, import_limits, num, show_error, show_table, t, text, uploader


def import_flow(key: str, *, label: str, read: Callable[[bytes, str, Any], Any], write: Callable[..., Outcome],
                planned: Callable[[Outcome], str], done: Callable[[Outcome], str], commit: str,
                arguments: Callable[[Any, str], dict] = lambda table, _name: {"table": table},
                cells: Callable[[Any], dict[int, dict[str, Any]]] = table_cells,
                ignored: Callable[[Any], list[str]] = lambda table: table.ignored,
                types: tuple[str, ...] = ("xlsx", "csv")) -> None:
    """`read(content, filename, limits)` the upload, `write(dry_run=True, **arguments(read, filename))` it to see
    what it would do, then `write(**arguments(...))` on the commit button. `planned` and `done` say the counts
    in a sentence; `cells` gives each line of the file as the file has it, for the preview."""
    outcome_key, round_key = f"{key}_outcome", f"{key}_round"
    finished = st.session_state.pop(outcome_key, None)
    if finished:
        st.success(finished, icon=":material/check_circle:")
    # A new uploader after each commit: the file just imported is gone, so its preview cannot come back.
    upload = uploader(label, list(types), f"{key}_{st.session_state.get(round_key, 0)}")
    if upload is None:
        return
    try:
        table = read(upload.getvalue(), upload.name, import_limits())
        plan = call(write, dry_run=True, **arguments(table, upload.name))
    except MonevError as exc:
        show_error(exc)
        return
    if not plan.written:
        st.info(t("import.nothing_to_write"), icon=":material/check_circle:")
        return
    st.success(planned(plan), icon=":material/fact_check:")
    if names := ignored(table):
        st.caption(t("inventory.import_ignored", columns=", ".join(names)))
    rows, more = preview(plan, cells(table))
    st.markdown(f"**{t('import.preview_title')}**")
    frame = pd.DataFrame(rows).rename(columns={"line": text("import.col_row"), "action": text("import.col_action")})
    frame[text("import.col_action")] = [text(f"import.action.{a}") for a in frame[text("import.col_action")]]
    show_table(frame.fillna(""), height=min(420, 38 + 35 * len(frame)), wrap=True)
    if more:
        st.caption(t("import.preview_more", shown=num(len(rows)), count=num(more)))
    if st.button(commit, type="primary", key=f"{key}_commit", icon=":material/upload:"):
        try:
            result = call(write, **arguments(table, upload.name))
        except MonevError as exc:
            show_error(exc)
            return
        clear_cache()
        st.session_state[outcome_key] = done(result)
        st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
        st.rerun()
