"""A scenario as an Excel workbook laid out like an RKA annex (rincian anggaran belanja): funded needs
grouped by unit, sub-activity and account code with volume, unit of measure, unit price and amount,
subtotals at every level and a grand total, set up to print; the unfunded needs in the same layout; a
summary of the rules and the projected figures; and the funded lines as a CSV in SIPD's layout. The title
names the rules used: a saved scenario's name only when its saved rules are the ones applied.
Every text cell is formula-safe."""

import csv
import io
from copy import copy
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from core import formatting
from core.export import as_text, safe_cell, xlsx_row
from core.i18n import t
from core.needs import budget, checks
from core.needs.budget import Outcome
from core.needs.kind import NEED_CATEGORIES
from db.types import utcnow

MONEY = "#,##0"
WHOLE = "#,##0"  # volumes and counts: whole numbers, never "673,00"
HEAD = PatternFill("solid", fgColor="1F4E79")
UNIT_FILL = PatternFill("solid", fgColor="D9E2F3")
SUB_FILL = PatternFill("solid", fgColor="E7EEF8")
ACCOUNT_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
COLUMNS = ("no", "code", "item", "specification", "volume", "measure", "price", "amount", "priority", "note")
WIDTHS = (10, 24, 44, 26, 9, 11, 17, 19, 9, 24)
VOLUME, PRICE, AMOUNT = 5, 7, 8  # the columns holding numbers
# The SIPD layout of an RKA line: what SIPD exports and this app imports (core.needs.sipd), so the file
# re-enters SIPD and reads back here unchanged.
SIPD_COLUMNS = ("kode_sub_giat", "nama_sub_giat", "kode_akun", "nama_akun", "nama_komponen", "spek_komponen",
                "satuan", "koefisien", "harga_satuan", "total_harga")


def _title(sheet, lines: list[str], columns: int) -> int:
    for n, line in enumerate(lines, start=1):
        as_text(sheet.cell(row=n, column=1, value=line)).font = Font(bold=n == 1, size=13 if n == 1 else 11)
        sheet.merge_cells(start_row=n, start_column=1, end_row=n, end_column=columns)
        sheet.cell(row=n, column=1).alignment = Alignment(horizontal="center")
    return len(lines) + 2


def _print_setup(sheet, header_row: int, lang: str) -> None:
    """Landscape A4, every column on the page's width, the header rows on every page, page numbers."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row + 1}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = t("rka.page_of", lang, page="&P", pages="&N")
    sheet.oddFooter.center.size = 9


def measure(row: dict, lang: str) -> str:
    return row["measure"] or t(f"rka.measure.{row['category']}", lang)


def groups(rows: list[dict]) -> list[tuple[str, list[tuple[str, list[tuple[str, list[dict]]]]]]]:
    """Rows as an RKA orders them: unit → sub-activity → account code → item, each level sorted by code
    (a line without a sub-activity or an account last)."""
    tree: dict[str, dict[str, dict[str, list[dict]]]] = {}
    for row in rows:
        tree.setdefault(row["unit"], {}).setdefault(row["sub_activity"], {}).setdefault(row["account"], []).append(row)

    def last_if_empty(code: str) -> tuple[bool, str]:
        return code == "", code

    return [(unit, [(sub, [(account, items) for account, items in sorted(accounts.items(),
                                                                         key=lambda kv: last_if_empty(kv[0]))])
                    for sub, accounts in sorted(subs.items(), key=lambda kv: last_if_empty(kv[0]))])
            for unit, subs in sorted(tree.items())]


def _annex(book: Workbook, name: str, outcome: Outcome, rows: list[dict], heading: list[str], lang: str) -> None:
    sheet = book.create_sheet(name[:31])
    headers = [t(f"rka.col.{c}", lang) for c in COLUMNS]
    at = _title(sheet, heading, len(headers))
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(row=at, column=col, value=header)
        cell.font, cell.fill, cell.border = Font(bold=True, color="FFFFFF"), HEAD, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS[col - 1]
    for col in range(1, len(headers) + 1):  # the column numbers an RKA prints under its headers
        cell = sheet.cell(row=at + 1, column=col, value=col)
        cell.font, cell.alignment, cell.border = Font(italic=True, size=9), Alignment(horizontal="center"), BOX
    sheet.freeze_panes = sheet.cell(row=at + 2, column=1)
    _print_setup(sheet, at, lang)
    line = at + 2
    names = {u.code: u.full_name for u in outcome.units}
    total = 0
    for u, (unit, subs) in enumerate(groups(rows), start=1):
        unit_total = sum(r["cost"] for _s, accounts in subs for _a, items in accounts for r in items)
        total += unit_total
        _line(sheet, line, [str(u), unit, names.get(unit, unit), "", None, "", None, unit_total, None, ""],
              Font(bold=True), UNIT_FILL)
        line += 1
        for s, (sub, accounts) in enumerate(subs, start=1):
            # A code without a name SIPD lines give it says so: a blank Uraian reads as a mistake.
            sub_name = (accounts[0][1][0]["sub_activity_name"] or t("rka.sub_activity_unknown", lang)) if sub \
                else t("rka.no_sub_activity", lang)
            _line(sheet, line, [f"{u}.{s}", sub, sub_name, "", None, "", None,
                                sum(r["cost"] for _a, items in accounts for r in items), None, ""],
                  Font(bold=True), SUB_FILL)
            line += 1
            for a, (account, items) in enumerate(accounts, start=1):
                _line(sheet, line, [f"{u}.{s}.{a}", account, items[0]["account_name"] if account
                                    else t("rka.no_account", lang), "", None, "", None,
                                    sum(r["cost"] for r in items), None, ""], Font(bold=True, italic=True),
                      ACCOUNT_FILL)
                line += 1
                for i, r in enumerate(items, start=1):
                    note = [t(f"need_category.{r['category']}", lang)]
                    if r["mandatory"]:
                        note.append(t("rka.mandatory", lang))
                    if r["why"] in ("included", "excluded"):
                        note.append(t(f"budget.why.{r['why']}", lang))
                    _line(sheet, line, [f"{u}.{s}.{a}.{i}", "", r["item"], r["specification"], r["quantity"],
                                        measure(r, lang), r["price"], r["cost"], r["priority"], ", ".join(note)])
                    line += 1
    _line(sheet, line, ["", "", t("rka.total", lang), "", None, "", None, total, None, ""], Font(bold=True, size=12),
          UNIT_FILL)


def _line(sheet, row: int, values: list, font: Font | None = None, fill: PatternFill | None = None) -> None:
    # Styled once per (column, font, fill) and copied after: openpyxl hashes a style object on every
    # assignment, which made a city's RKA take seconds in style look-ups alone. The text's own quote
    # prefix (as_text) comes after the copy, never into it.
    styles = sheet.__dict__.setdefault("_monev_styles", {})
    kind = (hash(font), hash(fill))  # by value: a new Font(bold=True) per line is the same style
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=col, value=value)
        key = (col, *kind)
        if key not in styles:
            cell.border = BOX
            if col in (PRICE, AMOUNT):
                cell.number_format = MONEY
            elif col in (VOLUME, 9):
                cell.number_format = WHOLE
            if col in (3, 4):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            styles[key] = copy(cell._style)
        else:
            cell._style = copy(styles[key])
        as_text(cell)


def sipd_csv(outcome: Outcome, lang: str) -> bytes:
    """The funded needs as RKA lines in SIPD's column layout (formula-safe), UTF-8 with a BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SIPD_COLUMNS)
    for _unit, subs in groups([r for r in outcome.rows if r["funded"]]):
        for sub, accounts in subs:
            for account, items in accounts:
                for r in items:
                    writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in (
                        sub, r["sub_activity_name"], account, r["account_name"], r["item"], r["specification"],
                        measure(r, lang), r["quantity"], r["price"], r["cost"])])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def workbook(outcome: Outcome, name: str, lang: str, org_name: str, zone: ZoneInfo,
             now: datetime | None = None, flagged: dict[str, int] | None = None) -> bytes:
    """The scenario's workbook (the outcome is already scoped to the viewer); `flagged` is what Cek Anggaran
    Ganda finds in the same needs (checks.total), said in the summary."""
    now = now or utcnow()
    book = Workbook()
    summary = book.active
    summary.title = t("rka.sheet.summary", lang)[:31]
    year = outcome.fiscal_year
    heading = [t("rka.title", lang), f"{org_name} — {t('rka.year', lang, year=year)}",
               t("rka.scenario", lang, name=name, policy=t(f"budget.policy.{outcome.params.policy}", lang),
                 ceiling=formatting.rupiah(outcome.params.ceiling, lang))]
    funded = [r for r in outcome.rows if r["funded"]]
    unfunded = [r for r in outcome.rows if not r["funded"]]
    _annex(book, t("rka.sheet.funded", lang), outcome, funded, heading, lang)
    _annex(book, t("rka.sheet.unfunded", lang), outcome, unfunded,
           heading[:2] + [t("rka.unfunded_heading", lang, name=name)], lang)

    summary.append(xlsx_row(summary, [heading[0]]))
    summary["A1"].font = Font(bold=True, size=14)
    for text in heading[1:]:
        summary.append(xlsx_row(summary, [text]))
    summary.append([t("report.made", lang), formatting.moment(now, zone, lang)])
    summary.append([])
    p = outcome.params
    facts = [(t("budget.ceiling", lang), p.ceiling), (t("budget.escalation", lang), p.escalation / 100),
             (t("budget.policy", lang), t(f"budget.policy.{p.policy}", lang)),
             (t("budget.requested", lang), outcome.requested),
             (t("budget.requested_cost", lang), outcome.requested_cost), (t("budget.funded", lang), outcome.funded),
             (t("budget.funded_needs", lang), len(funded)), (t("budget.unfunded_needs", lang), len(unfunded)),
             (t("budget.readiness_now", lang), outcome.city["readiness"]),
             (t("budget.readiness_after", lang), outcome.city["readiness_after"]),
             (t("budget.availability_now", lang), outcome.city["availability"]),
             (t("budget.availability_after", lang), outcome.city["availability_after"])]
    if flagged is not None:
        facts += [(t("rka.flagged_needs", lang), flagged["needs"]), (t("rka.flagged_value", lang), flagged["value"]),
                  (t("rka.flagged_saving", lang), flagged["saving"])]
    for label, value in facts:
        summary.append(xlsx_row(summary, [label, value]))
        cell = summary.cell(row=summary.max_row, column=2)
        # A share as a percentage, money and counts as whole numbers (a count never reads "673,00").
        cell.number_format = "0.0%" if label == t("budget.escalation", lang) else (
            MONEY if isinstance(value, int) else "0.00")
    summary.append([])
    summary.append([t("budget.category", lang), t("budget.limit", lang), t("budget.requested", lang),
                    t("budget.funded", lang)])
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    for category in NEED_CATEGORIES:
        requested, paid = outcome.by_category[category]
        summary.append([t(f"need_category.{category}", lang), outcome.plan.limits.get(category), requested, paid])
        for cell in summary[summary.max_row][1:]:
            cell.number_format = MONEY
    summary.append([])
    summary.append([t("budget.unit", lang), t("unit.code", lang), t("budget.requested", lang),
                    t("budget.funded", lang), t("budget.readiness_now", lang), t("budget.readiness_after", lang),
                    t("budget.availability_now", lang), t("budget.availability_after", lang)])
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    for u in outcome.units:
        summary.append(xlsx_row(summary, [u.full_name, u.code, u.requested, u.funded,
                                          None if u.readiness is None else round(u.readiness, 4),
                                          None if u.readiness_after is None else round(u.readiness_after, 4),
                                          None if u.availability is None else round(u.availability, 4),
                                          None if u.availability_after is None else round(u.availability_after, 4)]))
        for cell in summary[summary.max_row][2:4]:
            cell.number_format = MONEY
    for col, width in zip("ABCDEFGH", (40, 16, 20, 20, 14, 14, 14, 14), strict=True):
        summary.column_dimensions[col].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def title(*, session, viewer, params, scenario_id: int | None, lang: str) -> str:
    """What an export is titled by: the saved scenario's name when its saved rules are exactly the rules
    applied, else "Aturan belum disimpan" (rules changed and not saved, or never saved)."""
    if scenario_id is not None:
        row = budget.get_scenario(session=session, viewer=viewer, scenario_id=scenario_id)
        if budget.Params.from_json(row.params) == params:
            return row.name
    return t("rka.unsaved", lang)


def export(*, session, viewer, fiscal_year: int, params, scenario_id: int | None = None, zone: ZoneInfo,
           org_name: str = "", lang: str = "id", base=None, fmt: str = "xlsx") -> bytes:
    """The workbook (or the SIPD CSV) of the rules applied, as the viewer may read it (an skpd user's holds
    only their units), titled by those rules."""
    result = budget.outcome(session=session, viewer=viewer, fiscal_year=fiscal_year, params=params, zone=zone,
                            org_name=org_name, base=base)
    if fmt == "csv":
        return sipd_csv(result, lang)
    name = title(session=session, viewer=viewer, params=params, scenario_id=scenario_id, lang=lang)
    found = checks.find(session=session, viewer=viewer, fiscal_year=fiscal_year, org_name=org_name,
                        statuses=budget.statuses(params.with_submitted))
    return workbook(result, name, lang, org_name, zone, flagged=checks.total(found))
