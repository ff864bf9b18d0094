"""The annual report "Laporan Monev TIK Tahun N", built from the leadership overview the viewer may see:
an Excel workbook (summary, one sheet per section, raw tables) and a PDF (cover, summary with the
overview's charts, recommendations, one page per unit). An skpd viewer's report holds only their units."""

import io
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from PIL import Image
from sqlmodel import Session

from core import formatting
from core.access import Viewer
from core.charts import png
from core.evaluation import charts, frameworks, leadership, readiness
from core.evaluation.frameworks import Framework
from core.export import xlsx_row
from core.i18n import t
from core.pdf import ReportPdf
from db.types import utcnow

HEADER_FILL = PatternFill("solid", fgColor="0D47A1")


def num(value: float | None, decimals: int = 2, lang: str = "id") -> str:
    return "–" if value is None else formatting.number(value, decimals, lang)


def predicate_text(value: float | None, lang: str, framework: Framework) -> str:
    """The predicate of a value under the period's framework, with its maturity name where it has one."""
    return framework.predicate_label(value, lang)


def top_groups(view: leadership.Overview, figures) -> tuple[str, dict, dict]:
    """The framework's top level of groups (domains for SPBE, aspects for Pemdi): (kind, nodes, values); for
    the city, the values behind its headline (provisional while the headline is)."""
    kind = view.framework.group_kinds()[0]
    domains, aspects = figures.groups_shown if isinstance(figures, leadership.CityFigures) else (
        figures.domains, figures.aspects)
    return kind, view.framework.groups(kind), domains if kind == "domain" else aspects


def headline_label(headline: leadership.Headline, index: str, lang: str) -> str:
    """The city index card's label: marked provisional while it is."""
    return t("eval.city_index_provisional" if headline.provisional else "eval.city_index", lang, index=index)


def headline_value(headline: leadership.Headline, lang: str) -> str:
    """The city index as the headline shows it: never a bare dash (the basis line says why there is no figure)."""
    return t("eval.headline.incomplete", lang) if headline.value is None else num(headline.value, 2, lang)


def headline_predicate(headline: leadership.Headline, lang: str, framework: Framework) -> str:
    if headline.value is None:
        return t("eval.headline.incomplete", lang)
    return predicate_text(headline.value, lang, framework)


def headline_band(headline: leadership.Headline, lang: str, framework: Framework) -> tuple[str, str]:
    """(predicate name, maturity name or "") of the headline, for a card that shows them on two lines."""
    band = framework.band(headline.value)
    if band is None:
        return t("eval.headline.incomplete", lang), ""
    return (band.name if lang == "id" else band.name_en), (band.maturity if lang == "id" else band.maturity_en or band.maturity)


def basis_text(headline: leadership.Headline, lang: str) -> str:
    """What the headline rests on, in one sentence (verified indicators or units, of how many)."""
    state = "none" if headline.value is None else "provisional" if headline.provisional else "final"
    return t(f"eval.basis.{headline.basis}.{state}", lang, verified=headline.verified, of=headline.of,
             filled=headline.filled)


def measure_text(code: str, value: float | None, lang: str = "id") -> str:
    if value is None:
        return "–"
    unit = readiness.BY_CODE[code].unit
    return {"%": formatting.percent(value, 1, lang), "ratio": formatting.number(value, 2, lang)}.get(
        unit, formatting.number(value, 0, lang))


def recommendation_text(key: str, params: dict, lang: str) -> str:
    values = dict(params)
    if "level" in values and isinstance(values["level"], float):
        values["level"] = formatting.number(values["level"], 2, lang)
    if "minutes" in values:
        values["minutes"] = formatting.number(values["minutes"], 0, lang)
    if "areas" in values:
        values["areas"] = ", ".join(t(f"competence.{a}", lang) for a in values["areas"])
    if "apps" in values:
        values["apps"] = ", ".join(values["apps"])
    if "measure" in values:
        values["measure"] = t(f"measure.{values['measure']}", lang)
    return t(key, lang, **values)


def change_text(now: float | None, before: float | None, lang: str = "id") -> str:
    if now is None or before is None:
        return "–"
    delta = round(now, 2) - round(before, 2)
    return ("+" if delta >= 0 else "") + formatting.number(delta, 2, lang)


def index_names(lang: str) -> dict[str, str]:
    """Each shipped framework's index name, for the trend's series across periods."""
    return {code: frameworks.reference(code).index_label(lang) for code in frameworks.shipped()}


def title(view: leadership.Overview, lang: str) -> str:
    return t("report.title", lang, year=view.period.year)


# Excel ---------------------------------------------------------------------------------------------------

def _sheet(book: Workbook, name: str, headers: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(name[:31])
    sheet.append(xlsx_row(sheet, headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    for i, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[i - 1])) for r in rows[:200] if r[i - 1] is not None])
        sheet.column_dimensions[get_column_letter(i)].width = min(60, max(10, width + 2))
    sheet.freeze_panes = "A2"


def excel(view: leadership.Overview, lang: str, org_name: str, zone: ZoneInfo, now: datetime | None = None) -> bytes:
    now = now or utcnow()
    book = Workbook()
    summary = book.active
    summary.title = t("report.sheet.summary", lang)[:31]
    city, before = view.city, view.city_previous
    summary.append(xlsx_row(summary, [title(view, lang)]))
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(xlsx_row(summary, [org_name]))
    summary.append([t("report.made", lang), formatting.moment(now, zone, lang)])
    summary.append([])
    fw = view.framework
    index = fw.index_label(lang)
    head = city.headline
    facts = [
        (t("eval.framework", lang), fw.title),
        (headline_label(head, index, lang), round(head.value, 4) if head.value is not None else None),
        (t("spbe.predicate_provisional" if head.provisional else "spbe.predicate", lang),
         headline_predicate(head, lang, fw)),
        (t("eval.change", lang), change_text(city.index, before.index if before else None, lang)),
        (t("eval.city_method", lang), t(f"eval.method.{view.city_method}", lang)),
        (t("eval.basis", lang), basis_text(head, lang)),
        (t("eval.city_readiness", lang), round(city.readiness, 4) if city.readiness is not None else None),
        (t("eval.city_availability", lang), round(city.availability, 3) if city.availability is not None else None),
        (t("eval.verified_units", lang), f"{city.verified} / {city.units}"),
    ]
    for label, value in facts:
        summary.append(xlsx_row(summary, [label, value]))
        summary.cell(summary.max_row, 1).font = Font(bold=True)
    summary.column_dimensions["A"].width = 42
    summary.column_dimensions["B"].width = 28

    _sheet(book, t("report.sheet.ranking", lang),
           [t("eval.rank", lang), t("eval.code", lang), t("eval.unit", lang), t("eval.status", lang),
            index, t("spbe.predicate", lang), t("eval.readiness", lang), t("eval.availability", lang)],
           [[r.rank, r.code, r.name, t(f"eval.status.{r.status}", lang),
             round(r.spbe, 4) if r.spbe is not None else None, predicate_text(r.spbe, lang, fw),
             round(r.readiness.index, 4) if r.readiness.index is not None else None,
             round(r.availability, 3) if r.availability is not None else None]
            for r in sorted(view.rows, key=lambda r: (r.rank or 10**6, r.code))])
    domain_codes, aspect_codes = list(fw.domains()), list(fw.aspects())
    _sheet(book, t("report.sheet.domains", lang),
           [t("eval.code", lang), t("eval.unit", lang)] + [f"{c} {fw.domains()[c].name}" for c in domain_codes]
           + [f"{c} {fw.aspects()[c].name}" for c in aspect_codes],
           [["", t("eval.city", lang)] + [_round(city.domains.get(c)) for c in domain_codes]
            + [_round(city.aspects.get(c)) for c in aspect_codes]]
           + [[r.code, r.name] + [_round(r.domains.get(c)) for c in domain_codes]
              + [_round(r.aspects.get(c)) for c in aspect_codes] for r in view.rows])
    problem_rows = []
    for kind, items in view.problems.items():
        for p in items:
            problem_rows.append([t(f"eval.problem.{kind}", lang), p.get("unit") or ", ".join(p.get("units", [])),
                                 problem_detail(kind, p, lang)])
    _sheet(book, t("report.sheet.problems", lang),
           [t("eval.problem", lang), t("eval.unit", lang), t("eval.detail", lang)], problem_rows)
    _sheet(book, t("report.sheet.recommendations", lang), ["#", t("eval.recommendation", lang)],
           [[i, recommendation_text(k, p, lang)] for i, (k, p) in enumerate(leadership.recommendations(view), 1)])
    _sheet(book, t("report.sheet.readiness", lang),
           [t("eval.code", lang), t("eval.unit", lang), t("eval.measure", lang), t("eval.value", lang),
            t("eval.level", lang), t("eval.inputs", lang)],
           [[r.code, r.name, t(f"measure.{code}", lang), _round(m.value), m.level, _inputs_text(m.inputs, lang)]
            for r in view.rows for code, m in r.readiness.measures.items()])
    _sheet(book, t("report.sheet.answers", lang),
           [t("eval.code", lang), t("eval.unit", lang), t("eval.status", lang), t("eval.indicator_no", lang),
            t("eval.indicator", lang), t("eval.level", lang)],
           [[r.code, r.name, t(f"eval.status.{r.status}", lang), n, fw.indicator(n).name, lv]
            for r in view.rows for n, lv in sorted(r.levels.items()) if n in fw.numbers()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _round(value: float | None, decimals: int = 4) -> float | None:
    return None if value is None else round(value, decimals)


def _inputs_text(inputs: dict, lang: str) -> str:
    parts = []
    for key, value in inputs.items():
        if isinstance(value, list):
            value = ", ".join(t(f"competence.{v}", lang) for v in value) or "–"
        elif value is None:
            value = "–"
        parts.append(f"{t(f'input.{key}', lang)}: {value}")
    return "; ".join(parts)


def problem_detail(kind: str, p: dict, lang: str) -> str:
    if kind == "downtime":
        return t("eval.problem_detail.downtime", lang, minutes=formatting.number(p["value"], 0, lang), incidents=p["incidents"])
    if kind == "past_life":
        return t("eval.problem_detail.past_life", lang, count=p["value"], dated=p["dated"])
    if kind == "no_staff":
        return ", ".join(t(f"competence.{a}", lang) for a in p["areas"])
    text = ", ".join(p["apps"])
    return text + (" " + t("eval.problem_detail.others", lang, count=p["others"]) if p.get("others") else "")


# PDF -----------------------------------------------------------------------------------------------------

def _latin(text) -> str:
    """The text as the PDF prints it, unchanged: core.pdf embeds DejaVu Sans, which has every character the
    app writes (the name is from the built-in Latin-1 font it replaced)."""
    return str(text)


def _keep_with_heading(doc: ReportPdf, picture: bytes, width_mm: float) -> None:
    """A new page first when a heading and the picture under it would not fit together (no orphan heading)."""
    with Image.open(io.BytesIO(picture)) as image:
        height_mm = width_mm * image.height / image.width
    if doc.get_y() + 12 + height_mm > doc.page_break_trigger:
        doc.add_page()


def _silent(share: float, text: str) -> None:
    """No one to tell: the default progress of a report made outside a page."""


def pdf(view: leadership.Overview, lang: str, org_name: str, zone: ZoneInfo, now: datetime | None = None,
        progress: Callable[[float, str], None] = _silent) -> bytes:
    now = now or utcnow()
    progress(0.05, t("report.progress.summary", lang))
    city, before = view.city, view.city_previous
    doc = ReportPdf(f"{title(view, lang)} - {org_name}", title(view, lang))
    doc.set_title(_latin(title(view, lang)))
    doc.set_author(_latin(org_name))

    doc.add_page()  # cover
    doc.set_fill_color(13, 71, 161)
    doc.rect(0, 0, 210, 110, style="F")
    doc.set_text_color(255, 255, 255)
    doc.set_xy(16, 40)
    doc.set_font("Helvetica", "B", 26)
    doc.multi_cell(178, 12, _latin(title(view, lang)))
    doc.set_x(16)
    doc.set_font("Helvetica", "", 14)
    doc.multi_cell(178, 8, _latin(org_name))
    doc.set_text_color(0, 0, 0)
    doc.set_xy(16, 125)
    fw = view.framework
    index = fw.index_label(lang)
    doc.para(t("report.cover_text", lang, year=view.period.year, index=index), 11)
    doc.para(f"{t('eval.framework', lang)}: {fw.title}", 10)
    doc.ln(4)
    doc.para(t("report.made", lang) + ": " + formatting.moment(now, zone, lang), 10)
    if view.own_only:
        doc.para(t("report.own_only", lang, units=", ".join(r.name for r in view.rows)), 10)

    doc.add_page()  # summary
    doc.h1(t("report.summary", lang))
    y = doc.get_y()
    head = city.headline
    doc.metric(16, y, headline_label(head, index, lang), headline_value(head, lang),
               headline_predicate(head, lang, fw))
    # A change only against a previous period on the same framework, as on the overview: two scales are not one.
    comparable = before if before is not None and before.framework.code == fw.code else None
    doc.metric(61, y, t("eval.change", lang),
               change_text(head.value, comparable.index if comparable else None, lang) if not head.provisional else "–",
               t("eval.since", lang, year=view.previous.year) if comparable and not head.provisional
               else t("eval.change_none", lang) if view.previous else "")
    # Readiness is no index of the framework: no predicate under it, as on the overview.
    doc.metric(106, y, t("eval.city_readiness", lang), num(city.readiness, lang=lang),
               t("eval.readiness_units", lang, count=city.inputs["readiness_units"], units=city.units))
    doc.metric(151, y, t("eval.city_availability", lang), formatting.percent(city.availability, 2, lang),
               t("eval.availability_since", lang, year=view.period.year))
    doc.set_y(y + 28)
    doc.para(basis_text(head, lang), 9)  # the method and what the figure rests on, in one sentence
    kind, nodes, values = top_groups(view, city)
    doc.h2(t(f"eval.{kind}s", lang) + (" · " + t("eval.provisional", lang) if head.provisional else ""))
    if any(v is not None for v in values.values()):
        domain_chart = charts.groups(values, {c: g.name for c, g in nodes.items()}, lang, index, fw)
        doc.image(io.BytesIO(png(domain_chart, lang, 560)), w=178)
    else:  # a chart is never drawn empty: it says why there is nothing yet
        doc.para(t("eval.groups_none", lang, kind=t(f"eval.{kind}", lang).lower()), 10)
    if view.trend:
        picture = png(charts.trend(view.trend, lang, index_names(lang)), lang, 560)
        _keep_with_heading(doc, picture, 178)
        doc.h2(t("eval.trend", lang))
        doc.image(io.BytesIO(picture), w=178)
    ranked = sorted((r for r in view.rows if r.rank), key=lambda r: r.rank)
    if ranked:
        doc.add_page()
        doc.h1(t("eval.ranking", lang))
        top = ranked[:25]
        chart = charts.ranking([{"unit": r.short_name, "value": r.spbe} for r in top], lang, index, fw)
        doc.image(io.BytesIO(png(chart, lang, 560)), w=170)
        if len(ranked) > len(top):
            doc.para(t("report.ranking_more", lang, shown=len(top), total=len(ranked)), 9)

    doc.add_page()
    doc.h1(t("report.problems_recommendations", lang))
    for problem, items in view.problems.items():  # not `kind`: the unit pages below still need the group kind
        if not items:
            continue
        doc.h2(t(f"eval.problem.{problem}", lang))
        doc.grid([t("eval.unit", lang), t("eval.detail", lang)],
                 [[p.get("unit") or ", ".join(p.get("units", [])) or "-", problem_detail(problem, p, lang)]
                  for p in items], [60, 118])
    doc.h2(t("eval.recommendations", lang))
    for i, (key, params) in enumerate(leadership.recommendations(view), start=1):
        doc.para(f"{i}. {recommendation_text(key, params, lang)}")

    units = sorted(view.rows, key=lambda r: r.code)
    for done, row in enumerate(units):
        progress(0.2 + 0.75 * done / max(1, len(units)),
                 t("report.progress.unit", lang, name=row.name, done=done + 1, total=len(units)))
        doc.add_page()
        doc.h1(row.name)
        doc.para(f"{row.code} - {t('eval.status', lang)}: {t(f'eval.status.{row.status}', lang)}"
                 + (f" - {t('eval.rank', lang)} {row.rank} / {city.ranked}" if row.rank else ""), 10)
        y = doc.get_y() + 2
        doc.metric(16, y, index, num(row.spbe, lang=lang), predicate_text(row.spbe, lang, fw))
        doc.metric(61, y, t("eval.readiness", lang), num(row.readiness.index, lang=lang), "")
        doc.metric(106, y, t("eval.availability", lang),
                   formatting.percent(row.availability, 2, lang), "")
        doc.set_y(y + 28)
        doc.h2(t(f"eval.{kind}s", lang))
        _, _, own = top_groups(view, row)
        doc.grid([t(f"eval.{kind}", lang), index, t("eval.city", lang)],
                 [[f"{c} {g.name}", num(own.get(c), lang=lang), num(values.get(c), lang=lang)] for c, g in nodes.items()], [118, 30, 30])
        doc.h2(t("eval.readiness_measures", lang))
        doc.grid([t("eval.measure", lang), t("eval.value", lang), t("eval.level", lang)],
                 [[t(f"measure.{code}", lang), measure_text(code, m.value, lang), m.level or "–"]
                  for code, m in row.readiness.measures.items()], [118, 35, 25])
        recs = leadership.recommendations(view, unit_id=row.unit_id)
        if recs:
            doc.h2(t("eval.recommendations", lang))
            for i, (key, params) in enumerate(recs, start=1):
                doc.para(f"{i}. {recommendation_text(key, params, lang)}", 9)
    progress(0.97, t("report.progress.file", lang))
    return bytes(doc.output())


def build(*, session: Session, viewer: Viewer, period_id: int, kind: str, lang: str, zone: ZoneInfo,
          org_name: str, progress: Callable[[float, str], None] = _silent) -> bytes:
    """The report file ("xlsx" or "pdf") for the viewer: only the units they may see, and the city figures.
    `progress(share, text)` hears what it is doing (a page shows it while the hundred pages are made)."""
    progress(0.0, t("report.progress.figures", lang))
    view = leadership.overview(session=session, viewer=viewer, period_id=period_id, zone=zone, org_name=org_name)
    if kind == "xlsx":
        return excel(view, lang, org_name, zone)
    return pdf(view, lang, org_name, zone, progress=progress)
