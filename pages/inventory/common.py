"""What the Perangkat, SDM TIK and Aplikasi pages share: filters, the paged table editor, the Excel
round trip and the exports. Every read and write goes through core/, scoped to the viewer."""

from datetime import date

import pandas as pd
import streamlit as st

from core.access import Role
from core.inventory import lists
from core.org import units
from core.records import listing, roundtrip
from core.records.kinds import RecordKind
from core.records.save import Change, save_records
from pages.common.imports import import_flow
from pages.common.shell import (
    ROOM_PX,
    cached,
    ctx,
    deferred,
    header_px,
    money,
    num,
    save,
    t,
    text,
)

PAGE_SIZE = 200


def filters(kind: RecordKind) -> tuple[list[int] | None, str]:
    """Unit and search filters above the table; returns (unit ids or None for all in scope, search text)."""
    visible = cached(units.list_units)
    by_id = {u.id: u for u in visible}
    left, right = st.columns([3, 2])
    picked = left.multiselect(t("inventory.filter_units"), list(by_id), key=f"{kind.name}_units",
                              format_func=lambda i: f"{by_id[i].short_name} ({by_id[i].code})",
                              placeholder=t("inventory.all_units"))
    search = right.text_input(t("inventory.search"), key=f"{kind.name}_search", placeholder=t(kind.search_hint))
    return (picked or None), search


def may_edit() -> bool:
    return ctx().viewer.role in (Role.ADMIN, Role.SKPD)


def _shown(rows: list[dict], kind: RecordKind) -> pd.DataFrame:
    """Rows as the editor shows them: money as Rupiah text and dates as dd/mm/yyyy, both read back as typed.
    Row n of the frame is record `rows[n]["id"]`; the ids stay out of sight."""
    data = {}
    for column in kind.columns:
        values = [r[column.field] for r in rows]
        if column.kind == "money":
            values = [money(v) if v is not None else "" for v in values]
        elif column.kind == "date":
            values = [f"{v:%d/%m/%Y}" if isinstance(v, date) else "" for v in values]
        if column.kind == "number":
            values = pd.array(values, dtype="Int64")
        else:  # text even when the page is empty, so the editor offers text cells
            values = pd.array([None if v in (None, "") and column.kind != "text" else v for v in values],
                              dtype="string")
        data[column.field] = values
    return pd.DataFrame(data)


def _config(kind: RecordKind, editable: bool) -> dict:
    lang = ctx().lang
    lookup = cached(listing.lookup, kind=kind)
    config = {}
    for column in kind.columns:
        label = column.label(kind.name, lang)
        help_text = t(f"{kind.name}.{column.field}.help")
        disabled = column.read_only or not editable
        # The template's column width in characters, as pixels, and never narrower than the header.
        width = max(column.width * 7 + 10, header_px(label, editable=not disabled))
        if column.field == "unit":
            config[column.field] = st.column_config.SelectboxColumn(label, options=lookup.writable, help=help_text,
                                                                    disabled=disabled, required=True, width=width)
        elif column.options is not None:
            config[column.field] = st.column_config.SelectboxColumn(label, options=column.options(lookup, lang),
                                                                    help=help_text, disabled=disabled, width=width)
        elif column.kind == "number":
            config[column.field] = st.column_config.NumberColumn(label, help=help_text, disabled=disabled, format="%d",
                                                                 width=width)
        else:
            config[column.field] = st.column_config.TextColumn(label, help=help_text, disabled=disabled, width=width)
    return config


def pick_columns(kind: RecordKind, config: dict, where) -> list[str]:
    """Which columns the table shows: by default those that fit the page at 1440 px, in the template's
    order, leaving out what the page filters on; the rest are a click away. Hidden columns keep their values (a save changes only edited cells)."""
    fields = [c.field for c in kind.columns]
    default, used = [], 0
    for field in fields:
        width = config[field].get("width") or 120
        if field in kind.filters:  # the page already says it (the fiscal year): not shown by default
            continue
        if field == "unit" or used + width + 8 <= ROOM_PX:
            default.append(field)
            used += width + 8
    count = len(st.session_state.get(f"{kind.name}_columns", default))
    with where.popover(t("inventory.columns", shown=count, total=len(fields)), icon=":material/view_column:"):
        picked = st.multiselect(t("inventory.columns_pick"), fields, default=default, key=f"{kind.name}_columns",
                                format_func=lambda f: config[f].get("label") or f, placeholder=text("common.choose"),
                                help=t("inventory.columns_help"))
    return [f for f in fields if f in picked] or default


def table(kind: RecordKind, unit_ids: list[int] | None, search: str, year: int | None = None) -> None:
    """The records of the filter, a page at a time, editable in place by those who may change them.
    `year`: needs of that fiscal year only (and new rows get it when left empty)."""
    c = ctx()
    scope = {"fiscal_year": year} if year is not None else {}
    total = cached(listing.count_records, kind=kind, unit_ids=unit_ids, search=search, **scope)
    pages = max(1, -(-total // PAGE_SIZE))
    left, middle, right = st.columns([3, 1.2, 1], vertical_alignment="bottom")
    page = right.number_input(t("inventory.page"), 1, pages, 1, key=f"{kind.name}_page") if pages > 1 else 1
    rows = cached(listing.list_records, kind=kind, unit_ids=unit_ids, search=search, lang=c.lang,
                  method=c.settings.depreciation, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE, **scope)
    left.caption(t("inventory.count", shown=num(len(rows)), total=num(total)))
    frame = _shown(rows, kind)
    editable = may_edit()
    config = _config(kind, editable)
    shown = pick_columns(kind, config, middle)
    if not editable:
        st.dataframe(frame, hide_index=True, width="stretch", column_config=config, height=_height(len(rows)),
                     column_order=shown)
        st.caption(t("inventory.read_only"))
        return
    st.caption(t("inventory.edit_help"))
    # A new page or filter is a new editor: edits made on one never land on the rows of another.
    key = f"{kind.name}_editor_{page}_{len(rows)}_{'-'.join(map(str, unit_ids or []))}_{search}_{year}"
    st.data_editor(frame, hide_index=True, width="stretch", column_config=config, num_rows="dynamic", key=key,
                   height=_height(len(rows) + 3), column_order=shown)
    if st.button(t("inventory.save"), type="primary", key=f"{kind.name}_save", icon=":material/save:"):
        _save(kind, [r["id"] for r in rows], st.session_state.get(key, {}),
              {"fiscal_year": year} if year is not None else {})


def _height(rows: int) -> int:
    return min(560, 35 * (rows + 1) + 3)


def _save(kind: RecordKind, ids: list[int], edits: dict, defaults: dict | None = None) -> None:
    """Turn the editor's edits into changes for core: edited cells, added rows, deleted rows. `defaults`
    fill the cells an added row leaves empty (the fiscal year the page shows)."""
    changes = [Change(position + 1, dict(cells), ids[int(position)])
               for position, cells in edits.get("edited_rows", {}).items()]
    for n, row in enumerate(edits.get("added_rows", [])):
        cells = {**(defaults or {}), **{k: v for k, v in row.items() if k != "id" and v not in (None, "")}}
        changes.append(Change(len(ids) + n + 1, cells))
    deletes = [ids[int(position)] for position in edits.get("deleted_rows", [])]
    if not changes and not deletes:
        st.info(t("inventory.no_changes"))
        return
    save(save_records, lambda done: t("inventory.saved", **done), kind=kind, changes=changes,
         deletes=deletes)


def import_tab(kind: RecordKind) -> None:
    """Template, upload, preview naming every bad cell, then import all or nothing."""
    c = ctx()
    st.markdown(t("inventory.import_help"))
    template = deferred(roundtrip.template, kind=kind, lang=c.lang)
    st.download_button(t("inventory.template"), data=template, file_name=f"templat-{kind.name}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{kind.name}_template", icon=":material/table_view:")
    import_flow(f"{kind.name}_upload", label=t("inventory.import_file"), commit=t("inventory.import_commit"),
                read=lambda content, name, limits: roundtrip.read_upload(content, name, kind, limits),
                write=roundtrip.import_upload, arguments=lambda sheet, _name: {"kind": kind, "table": sheet},
                planned=lambda plan: t("inventory.import_preview", **plan),
                done=lambda result: t("inventory.import_done", **result))


def export_tab(kind: RecordKind, unit_ids: list[int] | None, search: str, year: int | None = None) -> None:
    c = ctx()
    scope = {"fiscal_year": year} if year is not None else {}
    st.caption(t("inventory.export_help"))
    left, right = st.columns(2)
    for column, fmt, mime in ((left, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                              (right, "csv", "text/csv")):
        data = deferred(roundtrip.export, kind=kind, fmt=fmt, unit_ids=unit_ids, search=search, lang=c.lang,
                        method=c.settings.depreciation, **scope)
        column.download_button(t(f"inventory.export_{fmt}"), data=data, file_name=f"monev-{kind.name}.{fmt}", mime=mime,
                               key=f"{kind.name}_export_{fmt}", icon=":material/download:")


def list_editor(name: str, rows: list, columns: dict[str, tuple[str, str]]) -> None:
    """A list every unit draws on (categories, positions): admins add and rename entries in place.
    `columns` maps a field to (label, kind)."""
    editable = ctx().viewer.is_admin
    frame = pd.DataFrame({field: [getattr(r, field) for r in rows] for field in columns})
    config = {field: (st.column_config.NumberColumn(label, min_value=1, max_value=30, step=1, disabled=not editable)
                      if kind == "number" else
                      st.column_config.TextColumn(label, disabled=not editable))
              for field, (label, kind) in columns.items()}
    if not editable:
        st.dataframe(frame, hide_index=True, column_config=config)
        return
    st.caption(t("inventory.list_help"))
    edited = st.data_editor(frame, hide_index=True, column_config=config, key=f"list_{name}", num_rows="add")
    before = {tuple(r) for r in frame.itertuples(index=False)}
    changed = [dict(zip(columns, r, strict=True)) for r in edited.itertuples(index=False) if tuple(r) not in before]
    if changed and st.button(t("inventory.save"), type="primary", key=f"list_{name}_save"):
        save(lists.save_list, lambda done: t("inventory.list_saved", **done), name=name, rows=changed)


def page(kind: RecordKind, extra_tabs: list[tuple[str, callable]] = (), year: int | None = None,
         filtered: tuple[list[int] | None, str] | None = None) -> None:
    """The whole page for one record kind: filters, then table, import and export tabs (lazy)."""
    unit_ids, search = filtered if filtered is not None else filters(kind)
    names = [t("inventory.tab_table")] + ([t("inventory.tab_import")] if may_edit() else []) + \
        [t("inventory.tab_export")] + [name for name, _draw in extra_tabs]
    tabs = st.tabs(names, key=f"{kind.name}_tabs", on_change="rerun")
    draws = [lambda: table(kind, unit_ids, search, year)] + ([lambda: import_tab(kind)] if may_edit() else []) + \
        [lambda: export_tab(kind, unit_ids, search, year)] + [draw for _name, draw in extra_tabs]
    for tab, draw in zip(tabs, draws, strict=True):
        with tab:
            if tab.open:
                draw()
