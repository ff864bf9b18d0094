"""The workbook for the national evaluation application: every indicator of the government-wide assessment
of a period, in the framework's order, with its level, justification (or an outside agency's source),
evidence names and links, and its owner — what the internal assessor team types into the national
application. A summary sheet holds the group indices, the index and its predicate."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy import select
from sqlmodel import Session

from core import formatting
from core.access import Role, Viewer, require_role
from core.evaluation import frameworks, owners
from core.evaluation.periods import get_period
from core.export import xlsx_row
from core.i18n import t
from db.evaluation import Assessment, AssessmentAnswer, Evidence
from db.models import Unit
from db.types import utcnow

HEADER_FILL = PatternFill("solid", fgColor="0D47A1")


def file_name(framework: str, year: int) -> str:
    """The workbook's file name: the framework's family and the year once ("evaluasi-pemdi-2026.xlsx"), not
    the framework code with the year repeated ("pemdi-2026-2026")."""
    family = framework.split("-", 1)[0]
    return f"evaluasi-{family}-{year}.xlsx"


def workbook(*, session: Session, viewer: Viewer, period_id: int, lang: str, zone: ZoneInfo,
             org_name: str = "", now: datetime | None = None) -> bytes:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN)
    period = get_period(session, period_id)
    fw = frameworks.of_period(session, period)
    city = session.scalar(select(Assessment).where(Assessment.period_id == period_id, Assessment.unit_id.is_(None)))
    answers = {a.indicator: a for a in session.scalars(
        select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == city.id))} if city else {}
    files: dict[int, list[str]] = {}
    if city:
        for number, name in session.execute(select(Evidence.indicator, Evidence.filename)
                                            .where(Evidence.assessment_id == city.id).order_by(Evidence.id)):
            files.setdefault(number, []).append(name)
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    owned = owners.owners_of(session, period_id)
    levels = {n: (a.verified_level if a.verified_level is not None else a.level) for n, a in answers.items()}
    result = fw.index(levels)

    book = Workbook()
    summary = book.active
    summary.title = t("national.sheet.summary", lang)[:31]
    for row in ([t("national.title", lang, index=fw.index_label(lang), year=period.year)], [org_name],
                [t("eval.framework", lang), fw.title],
                [t("report.made", lang), formatting.moment(now or utcnow(), zone, lang)],
                [t("eval.status", lang), t(f"eval.status.{city.status if city else 'none'}", lang)], []):
        summary.append(xlsx_row(summary, row))
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([t("eval.code", lang), t("framework.name", lang), t("assessment.weight", lang), t("eval.value", lang),
                    t("spbe.predicate", lang)])
    for kind in fw.group_kinds():
        for code, node in fw.groups(kind).items():
            value = result.values.get(code)
            summary.append(xlsx_row(summary, [code, node.name, node.weight, None if value is None else round(value, 4),
                                               fw.predicate_label(value, lang) if value is not None else "–"]))
    summary.append(xlsx_row(summary, [fw.index_label(lang), "", 100,
                                   None if result.overall is None else float(frameworks.shown(result.overall)),
                                   fw.predicate_label(result.overall, lang)]))
    summary.column_dimensions["A"].width, summary.column_dimensions["B"].width = 26, 60

    sheet = book.create_sheet(t("national.sheet.indicators", lang)[:31])
    headers = [t("eval.indicator_no", lang), t("eval.aspect", lang), t("eval.indicator", lang), t("assessment.weight", lang),
               t("assessment.scorer", lang), t("owners.owner", lang), t("national.owner_status", lang), t("eval.level", lang),
               t("assessment.level_name", lang), t("assessment.justification", lang), t("assessment.source", lang),
               t("assessment.source_date", lang), t("assessment.links", lang), t("assessment.files", lang)]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER_FILL
    for node in fw.indicators():
        answer, owner = answers.get(node.number), owned.get(node.number)
        level = levels.get(node.number)
        sheet.append(xlsx_row(sheet, [
            node.number, f"{node.parent} {fw.node(node.parent).name}" if node.parent else "", node.name, node.weight,
            node.external or t("assessment.scorer.self", lang), names.get(owner.unit_id, "") if owner else "",
            t(f"eval.status.{owner.status}", lang) if owner else t("owners.unassigned", lang), level,
            fw.level_name(node, level, lang) if level else "", answer.justification if answer else "",
            answer.source if answer else "", formatting.day(answer.source_date, lang) if answer and answer.source_date
            else "", "\n".join(answer.links) if answer else "", "\n".join(files.get(node.number, []))]))
    for letter, width in zip("ABCDEFGHIJKLMN", (6, 30, 50, 8, 22, 28, 14, 7, 14, 60, 36, 14, 40, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
