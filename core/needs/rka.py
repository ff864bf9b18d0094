"""A scenario as an Excel workbook laid out like an RKA annex (rincian anggaran belanja): funded needs
grouped by unit and category with volume, unit of measure, unit price and amount, subtotals and a grand
total; the unfunded needs in the same layout; a summary of the rules and the projected figures.
Every text cell is formula-safe."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core import formatting
from core.export import safe_cell
from core.i18n import t
from core.needs import budget
from core.needs.budget import Outcome
from core.needs.kind import NEED_CATEGORIES
from db.types import utcnow

MONEY = "#,##0"
HEAD = PatternFill("solid", fgColor="1F4E79")
UNIT_FILL = PatternFill("solid", fgColor="D9E2F3")
CATEGORY_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = (9, 14, 46, 18, 9, 10, 18, 20, 10, 34)


def _title(sheet, lines: list[str], columns: int) -> int:
    for n, line in enumerate(lines, start=1):
        sheet.cell(row=n, column=1, value=safe_cell(line)).font = Font(bold=n == 1, size=13 if n == 1 else 11)
        sheet.merge_cells(start_row=n, start_column=1, end_row=n, end_column=columns)
        sheet.cell(row=n, column=1).alignment = Alignment(horizontal="center")
    return len(lines) + 2


def _annex(book: Workbook, name: str, outcome: Outcome, rows: list[dict], heading: list[str], lang: str) -> None:
    sheet = book.create_sheet(name[:31])
    headers = [t(f"rka.col.{c}", lang) for c in ("no", "unit", "item", "category", "volume", "measure", "price",
                                                 "amount", "priority", "note")]
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
    line = at + 2
    names = {u.unit_id: u.full_name for u in outcome.units}
    by_unit: dict[str, list[dict]] = {}
    for row in rows:
        by_unit.setdefault(row["unit"], []).append(row)
    total = 0
    for u, (code, items) in enumerate(sorted(by_unit.items()), start=1):
        subtotal = sum(r["cost"] for r in items)
        total += subtotal
        _line(sheet, line, [str(u), code, names.get(items[0]["unit_id"], code), "", None, "", None, subtotal, None, ""],
              Font(bold=True), UNIT_FILL)
        line += 1
        for c, category in enumerate([cat for cat in NEED_CATEGORIES if any(r["category"] == cat for r in items)],
                                     start=1):
            mine = [r for r in items if r["category"] == category]
            _line(sheet, line, [f"{u}.{c}", "", t(f"need_category.{category}", lang), "", None, "", None,
                                sum(r["cost"] for r in mine), None, ""], Font(bold=True, italic=True), CATEGORY_FILL)
            line += 1
            for i, r in enumerate(mine, start=1):
                price = round(r["cost"] / r["quantity"]) if r["quantity"] else r["cost"]
                note = t("rka.mandatory", lang) if r["mandatory"] else ""
                if r["why"] in ("included", "excluded"):
                    note = ", ".join(x for x in (note, t(f"budget.why.{r['why']}", lang)) if x)
                _line(sheet, line, [f"{u}.{c}.{i}", "", r["item"], t(f"need_category.{category}", lang), r["quantity"],
                                    t(f"rka.measure.{category}", lang), price, r["cost"], r["priority"], note])
                line += 1
    _line(sheet, line, ["", "", t("rka.total", lang), "", None, "", None, total, None, ""], Font(bold=True, size=12),
          UNIT_FILL)


def _line(sheet, row: int, values: list, font: Font | None = None, fill: PatternFill | None = None) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=col, value=safe_cell(value) if isinstance(value, str) else value)
        cell.border = BOX
        if col in (7, 8):
            cell.number_format = MONEY
        if col == 3:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill


def workbook(outcome: Outcome, name: str, lang: str, org_name: str, zone: ZoneInfo,
             now: datetime | None = None) -> bytes:
    """The scenario's workbook (the outcome is already scoped to the viewer)."""
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

    summary.append([safe_cell(heading[0])])
    summary["A1"].font = Font(bold=True, size=14)
    for text in heading[1:]:
        summary.append([safe_cell(text)])
    summary.append([t("report.made", lang), formatting.moment(now, zone, lang)])
    summary.append([])
    p = outcome.params
    facts = [(t("budget.ceiling", lang), p.ceiling), (t("budget.escalation", lang), p.escalation / 100),
             (t("budget.policy", lang), t(f"budget.policy.{p.policy}", lang)),
             (t("budget.requested", lang), outcome.requested), (t("budget.funded", lang), outcome.funded),
             (t("budget.funded_needs", lang), len(funded)), (t("budget.unfunded_needs", lang), len(unfunded)),
             (t("budget.readiness_now", lang), outcome.city["readiness"]),
             (t("budget.readiness_after", lang), outcome.city["readiness_after"]),
             (t("budget.availability_now", lang), outcome.city["availability"]),
             (t("budget.availability_after", lang), outcome.city["availability_after"])]
    for label, value in facts:
        summary.append([safe_cell(label), safe_cell(value) if isinstance(value, str) else value])
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
        summary.append([safe_cell(u.full_name), safe_cell(u.code), u.requested, u.funded,
                        None if u.readiness is None else round(u.readiness, 4),
                        None if u.readiness_after is None else round(u.readiness_after, 4),
                        None if u.availability is None else round(u.availability, 4),
                        None if u.availability_after is None else round(u.availability_after, 4)])
        for cell in summary[summary.max_row][2:4]:
            cell.number_format = MONEY
    for col, width in zip("ABCDEFGH", (40, 16, 20, 20, 14, 14, 14, 14), strict=True):
        summary.column_dimensions[col].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(*, session, viewer, fiscal_year: int, params, name: str, zone: ZoneInfo, org_name: str = "",
           lang: str = "id", base=None) -> bytes:
    """The workbook of a scenario as the viewer may read it (an skpd user's holds only their units)."""
    result = budget.outcome(session=session, viewer=viewer, fiscal_year=fiscal_year, params=params, zone=zone,
                            org_name=org_name, base=base)
    return workbook(result, name, lang, org_name, zone)
