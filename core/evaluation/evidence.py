"""Evidence the app already holds: for an indicator it measures, a dated document (PDF and Excel) with the
figures and where they come from, to attach to the indicator in one click.

Which indicator takes which document is data on the framework (`Node.evidence`): for pemdi-2026 the
ICT staff and their competences (HR, indicator 3), the application register with Umum/Khusus and
hosting (applications, 13), devices and monitored availability (infrastructure, 14) and integrations
between applications (integration, 16). The SLA report per digital service joins the user-support
indicator (19): the SLA dashboard per digital service over the period's months.

A unit's document holds that unit's records; the government-wide one holds the whole city's and is made
by Kominfo (admin) or leadership, never by a unit operator, so no unit reads another unit's records.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlmodel import Session

from core import formatting
from core.access import Role, Viewer, require_role, scoped, unit_scope
from core.errors import NotFound, PermissionDenied
from core.evaluation import assessment, frameworks
from core.evaluation.periods import get_period, period_window
from core.export import xlsx_row
from core.i18n import t
from core.inventory.kinds import COMPETENCE_AREAS
from core.monitoring import availability
from core.pdf import ReportPdf
from core.services import register, sla, voice
from db.inventory import Application, Device, DeviceCategory, Staff, StaffPosition
from db.models import Unit
from db.types import utcnow

KINDS = ("staff", "applications", "infrastructure", "integrations", "sla", "satisfaction")


@dataclass
class Section:
    heading: str
    headers: list[str]
    rows: list[list]
    widths: list[float] = field(default_factory=list)  # PDF column widths in mm (178 in all)


@dataclass
class Document:
    title: str
    facts: list[tuple[str, str]]  # (label, value) lines under the title: scope, period, made, source
    sections: list[Section]
    lang: str = "id"


def _units(session: Session, viewer: Viewer, unit_id: int | None) -> dict[int, Unit]:
    """The units the document covers: the unit (within the viewer's scope) or, for the government-wide
    assessment, every active unit — for admin and leadership only."""
    if unit_id is None:
        require_role(viewer, Role.ADMIN, Role.PIMPINAN)
        return {u.id: u for u in session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code))}
    scope = unit_scope(session, viewer)
    unit = session.get(Unit, unit_id)
    if unit is None or (scope is not None and unit_id not in scope):
        raise NotFound("unit.not_found")
    return {unit.id: unit}


def _staff(session, viewer, units, lang, **_) -> list[Section]:
    rows = list(session.scalars(scoped(select(Staff).where(Staff.unit_id.in_(units)), Staff.unit_id, session, viewer)
                                .order_by(Staff.unit_id, Staff.name)))
    positions = dict(session.execute(select(StaffPosition.code, StaffPosition.name)).all())
    per_unit = [[units[u].name, sum(1 for s in rows if s.unit_id == u),
                 sum(1 for s in rows if s.unit_id == u and s.employment == "pns"),
                 sum(1 for s in rows if s.unit_id == u and s.employment == "pppk"),
                 sum(1 for s in rows if s.unit_id == u and s.employment == "non_asn")] for u in units]
    areas = [[t(f"competence.{a}", lang), sum(1 for s in rows if (s.competences or {}).get(a, 0) >= 1),
              sum(1 for s in rows if (s.competences or {}).get(a, 0) >= 2)] for a in COMPETENCE_AREAS]
    return [
        Section(t("evidence.staff.per_unit", lang), [t("eval.unit", lang), t("evidence.staff.count", lang), "PNS", "PPPK",
                                                     "Non-ASN"], per_unit, [88, 30, 20, 20, 20]),
        Section(t("evidence.staff.areas", lang), [t("evidence.area", lang), t("evidence.staff.basic", lang),
                                                  t("evidence.staff.intermediate", lang)], areas, [98, 40, 40]),
        Section(t("evidence.staff.list", lang), [t("eval.unit", lang), t("staff.name", lang), t("staff.position", lang),
                                                 t("staff.education", lang), t("staff.certifications", lang)],
                [[units[s.unit_id].short_name or units[s.unit_id].code, s.name, positions.get(s.position, s.position) or "–",
                  t(f"education.{s.education}", lang) if s.education else "–", s.certifications or "–"] for s in rows],
                [30, 48, 40, 20, 40]),
    ]


def _apps(session, viewer, units) -> list[Application]:
    return list(session.scalars(scoped(select(Application).where(Application.owner_unit_id.in_(units)),
                                       Application.owner_unit_id, session, viewer).order_by(Application.name)))


def _applications(session, viewer, units, lang, **_) -> list[Section]:
    apps = _apps(session, viewer, units)
    summary = [[t(f"app_type.{k}", lang), sum(1 for a in apps if a.app_type == k)] for k in ("umum", "khusus")]
    summary += [[t(f"hosting.{k}", lang), sum(1 for a in apps if a.hosting == k)] for k in ("pdn", "own", "cloud")]
    return [
        Section(t("evidence.apps.summary", lang), [t("evidence.what", lang), t("evidence.count", lang)], summary, [138, 40]),
        Section(t("evidence.apps.list", lang),
                [t("application.name", lang), t("eval.unit", lang), t("application.app_type", lang),
                 t("application.hosting", lang), t("application.platform", lang), t("application.status", lang)],
                [[a.name, units[a.owner_unit_id].short_name or units[a.owner_unit_id].code, t(f"app_type.{a.app_type}", lang),
                  t(f"hosting.{a.hosting}", lang), t(f"platform.{a.platform}", lang), t(f"app_status.{a.status}", lang)]
                 for a in apps], [48, 30, 20, 36, 20, 24]),
    ]


def _integrations(session, viewer, units, lang, **_) -> list[Section]:
    apps = _apps(session, viewer, units)
    joined = [a for a in apps if a.integrations]
    share = formatting.percent(100 * len(joined) / len(apps), 1, lang) if apps else "–"
    return [
        Section(t("evidence.integrations.summary", lang), [t("evidence.what", lang), t("evidence.count", lang)],
                [[t("evidence.integrations.apps", lang), len(apps)], [t("evidence.integrations.joined", lang), len(joined)],
                 [t("evidence.integrations.share", lang), share]], [138, 40]),
        Section(t("evidence.integrations.list", lang),
                [t("application.name", lang), t("eval.unit", lang), t("application.integrations", lang),
                 t("evidence.integrations.users", lang)],
                [[a.name, units[a.owner_unit_id].short_name or units[a.owner_unit_id].code, ", ".join(a.integrations),
                  len(a.user_units or [])] for a in joined], [50, 30, 76, 22]),
    ]


def _infrastructure(session, viewer, units, lang, period, zone, **_) -> list[Section]:
    categories = dict(session.execute(select(DeviceCategory.code, DeviceCategory.name)).all())
    counts = session.execute(scoped(select(Device.category, Device.condition, func.count())
                                    .where(Device.unit_id.in_(units)), Device.unit_id, session, viewer)
                             .group_by(Device.category, Device.condition)).all()
    by_category: dict[str, dict[str, int]] = {}
    for category, condition, n in counts:
        by_category.setdefault(category, {})[condition] = n
    devices = [[categories.get(c, c), sum(v.values()), v.get("baik", 0), v.get("rusak_ringan", 0), v.get("rusak_berat", 0)]
               for c, v in sorted(by_category.items())]
    start, end = period_window(period, zone)
    measured = []
    for unit in units.values():
        figure = availability.for_unit(session=session, viewer=viewer, unit_id=unit.id, start=start, end=end, zone=zone)
        if figure.percent is not None:
            measured.append([unit.name, formatting.percent(figure.percent, 2, lang),
                             formatting.duration(figure.down_s, lang), formatting.duration(figure.unknown_s, lang)])
    return [
        Section(t("evidence.infra.devices", lang), [t("device.category", lang), t("evidence.count", lang),
                                                    t("condition.baik", lang), t("condition.rusak_ringan", lang),
                                                    t("condition.rusak_berat", lang)], devices, [68, 28, 26, 28, 28]),
        Section(t("evidence.infra.availability", lang, year=period.year),
                [t("eval.unit", lang), t("eval.availability", lang), t("evidence.infra.down", lang),
                 t("evidence.infra.unknown", lang)], measured, [88, 30, 30, 30]),
    ]


def _sla(session, viewer, units, lang, period, zone, **_) -> list[Section]:
    """The SLA dashboard per digital service over the period's months (PermenPANRB 8/2026 user support)."""
    services = [s for s in register.list_services(session=session, viewer=viewer) if s.unit_id in units]
    today = formatting.local(utcnow(), zone).date()
    months = [date(period.year, m, 1) for m in range(1, 13) if date(period.year, m, 1) <= today]
    summary, monthly, breaches = [], [], []
    measured = sla.measure_many(session, services, months, zone)
    for service in services:
        results = [sla.Compliance(service, measured[(service.id, m)]) for m in months]
        judged = [r for r in results if r.met is not None]  # months with a verdict
        worst = min((r.month.percent for r in results if r.month.percent is not None), default=None)
        summary.append([service.name, units[service.unit_id].short_name or units[service.unit_id].code,
                        formatting.percent(service.sla_availability, 2, lang),
                        f"{sum(1 for r in judged if r.met)} / {len(judged)}",
                        "–" if worst is None else formatting.percent(worst, 2, lang)])
        for r in results:
            monthly.append([service.name, formatting.month(r.month.month, lang),
                            "–" if r.month.percent is None else formatting.percent(r.month.percent, 2, lang),
                            "–" if r.month.p95_ms is None else f"{formatting.number(r.month.p95_ms, 0, lang)} ms",
                            t(f"services.met.{r.met}", lang)])
            breaches += [[service.name, formatting.moment(b.started_at, zone, lang),
                          formatting.duration(b.service_s, lang), sla.breach_reason(b, lang)] for b in r.month.breaches]
    return [
        Section(t("evidence.sla.summary", lang), [t("services.name", lang), t("eval.unit", lang),
                                                  t("services.sla_target", lang), t("evidence.sla.months_met", lang),
                                                  t("evidence.sla.worst", lang)], summary, [60, 28, 30, 30, 30]),
        Section(t("evidence.sla.monthly", lang), [t("services.name", lang), t("sla.month", lang),
                                                  t("sla.availability", lang), t("sla.p95", lang), t("services.met", lang)],
                monthly, [60, 26, 32, 30, 30]),
        Section(t("evidence.sla.breaches", lang), [t("services.name", lang), t("sla.started", lang),
                                                   t("sla.length", lang), t("sla.cause", lang)],
                breaches, [50, 38, 30, 60]),
    ]


def _satisfaction(session, viewer, units, lang, period, zone, **_) -> list[Section]:
    """Citizens' feedback per public service and quarter of the period (PermenPANRB 8/2026 satisfaction)."""
    services = [s for s in register.list_services(session=session, viewer=viewer)
                if s.unit_id in units and s.audience == "public"]
    today = formatting.local(utcnow(), zone).date()
    quarters = [date(period.year, m, 1) for m in (1, 4, 7, 10) if date(period.year, m, 1) <= today]
    rows, comments = [], []
    for service in services:
        for quarter in quarters:
            seen = voice.satisfaction(session=session, viewer=viewer, service_id=service.id, quarter=quarter, zone=zone)
            rows.append([service.name, f"Q{(quarter.month - 1) // 3 + 1} {quarter.year}", seen.count,
                         "–" if seen.mean is None else formatting.number(seen.mean, 2, lang),
                         " / ".join(str(seen.distribution[n]) for n in range(1, 6))])
            comments += [[service.name, formatting.day(f.at, lang, zone), f.rating, f.comment]
                         for f in seen.comments if not f.hidden][:20]
    return [
        Section(t("evidence.satisfaction.quarters", lang), [t("services.name", lang), t("feedback.quarter", lang),
                                                            t("feedback.count", lang), t("feedback.mean", lang),
                                                            t("evidence.satisfaction.distribution", lang)],
                rows, [60, 24, 24, 24, 46]),
        Section(t("evidence.satisfaction.comments", lang), [t("services.name", lang), t("sla.month", lang),
                                                            t("feedback.rating", lang), t("feedback.comments", lang)],
                comments, [46, 28, 16, 88]),
    ]


BUILDERS = {"satisfaction": _satisfaction, "staff": _staff, "applications": _applications, "infrastructure": _infrastructure,
            "integrations": _integrations, "sla": _sla}


def document(*, session: Session, viewer: Viewer, period_id: int, unit_id: int | None, indicator: int, kind: str,
             lang: str, zone: ZoneInfo, org_name: str, now: datetime | None = None) -> Document:
    """The figures of one evidence document, for the viewer."""
    period = get_period(session, period_id)
    units = _units(session, viewer, unit_id)  # scope first: another unit's is not found, whatever was asked
    node = frameworks.of_period(session, period).indicator(indicator)
    if kind not in node.evidence:
        raise NotFound("evidence.not_offered")
    sections = BUILDERS[kind](session, viewer, units, lang, period=period, zone=zone)
    scope = org_name or t("assessment.city_unit", lang) if unit_id is None else next(iter(units.values())).name
    return Document(
        t(f"evidence.title.{kind}", lang), [
            (t("eval.indicator", lang), f"{indicator}. {node.name}"), (t("eval.unit", lang), scope),
            (t("eval.period", lang), str(period.year)),
            (t("report.made", lang), formatting.moment(now or utcnow(), zone, lang)),
            (t("evidence.source", lang), t(f"evidence.source.{kind}", lang))], sections, lang)


def render(doc: Document, kind: str) -> bytes:
    """The document as a PDF ("pdf") or an Excel workbook ("xlsx")."""
    if kind == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "Ringkasan"
        sheet.append(xlsx_row(sheet, [doc.title]))
        sheet["A1"].font = Font(bold=True, size=14)
        for label, value in doc.facts:
            sheet.append(xlsx_row(sheet, [label, value]))
        sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 24, 70
        for n, section in enumerate(doc.sections, start=1):
            part = book.create_sheet(f"{n}. {section.heading}"[:31].replace("/", "-"))
            part.append(xlsx_row(part, section.headers))
            for cell in part[1]:
                cell.font = Font(bold=True)
            for row in section.rows:
                part.append(xlsx_row(part, row))
            for i in range(len(section.headers)):
                part.column_dimensions[chr(65 + i)].width = 28 if i else 44
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    pdf = ReportPdf(doc.title, doc.title)
    pdf.add_page()
    pdf.h1(doc.title)
    for label, value in doc.facts:
        pdf.para(f"{label}: {value}", 9)
    for section in doc.sections:
        pdf.h2(section.heading)
        if section.rows:
            pdf.grid(section.headers, [[str(v) for v in row] for row in section.rows], section.widths)
        else:
            pdf.para(t("evidence.empty", doc.lang), 9)
    return bytes(pdf.output())


def generate(*, session: Session, viewer: Viewer, period_id: int, unit_id: int | None, indicator: int, kind: str,
             fmt: str, lang: str, zone: ZoneInfo, org_name: str) -> tuple[str, bytes]:
    """(file name, bytes) of an evidence document, dated today."""
    doc = document(session=session, viewer=viewer, period_id=period_id, unit_id=unit_id, indicator=indicator,
                   kind=kind, lang=lang, zone=zone, org_name=org_name)
    day = formatting.local(utcnow(), zone).date().isoformat()
    return f"bukti-{indicator:02d}-{kind}-{day}.{fmt}", render(doc, fmt)


def attach(*, session: Session, viewer: Viewer, period_id: int, unit_id: int | None, indicator: int, kind: str,
           fmt: str, lang: str, zone: ZoneInfo, org_name: str) -> str:
    """Generate the document and keep it as the indicator's evidence, as an upload would; its file name."""
    if unit_id is None and not viewer.is_admin:
        raise PermissionDenied("evidence.city_admin_only")
    name, data = generate(session=session, viewer=viewer, period_id=period_id, unit_id=unit_id, indicator=indicator,
                          kind=kind, fmt=fmt, lang=lang, zone=zone, org_name=org_name)
    assessment.add_evidence(session=session, viewer=viewer, period_id=period_id, unit_id=unit_id, indicator=indicator,
                            filename=name, data=data)
    return name


def sla_report(*, session: Session, viewer: Viewer, month: date, service_id: int | None, fmt: str, lang: str,
               zone: ZoneInfo, org_name: str) -> tuple[str, bytes]:
    """The monthly SLA report, for one service or every service the viewer may see (the city's for admin
    and leadership, a unit's own for its operators): (file name, PDF or Excel bytes)."""
    services = register.list_services(session=session, viewer=viewer)
    if service_id is not None:
        services = [register.get_service(session=session, viewer=viewer, service_id=service_id)]
    names = {uid: short or code for uid, short, code in session.execute(select(Unit.id, Unit.short_name, Unit.code))}
    rows, breaches = [], []
    measured = sla.measure_many(session, services, [month], zone)
    for service in services:
        result = sla.Compliance(service, measured[(service.id, month)])
        m = result.month
        rows.append([service.name, names.get(service.unit_id, "–"), formatting.percent(service.sla_availability, 2, lang),
                     "–" if m.percent is None else formatting.percent(m.percent, 2, lang),
                     "–" if m.p95_ms is None else f"{formatting.number(m.p95_ms, 0, lang)} ms",
                     formatting.duration(m.unknown_s, lang), t(f"services.met.{result.met}", lang)])
        breaches += [[service.name, formatting.moment(b.started_at, zone, lang), formatting.duration(b.service_s, lang),
                      sla.breach_reason(b, lang)] for b in m.breaches]
    label = formatting.month(month, lang)
    doc = Document(t("evidence.sla.report", lang, month=label), [
        (t("eval.unit", lang), services[0].name if service_id is not None and services else org_name),
        (t("sla.month", lang), label), (t("report.made", lang), formatting.moment(utcnow(), zone, lang)),
        (t("evidence.source", lang), t("evidence.source.sla", lang)), (t("sla.method_short", lang), t("sla.method", lang))], [
        Section(t("evidence.sla.monthly", lang), [t("services.name", lang), t("eval.unit", lang),
                                                  t("services.sla_target", lang), t("sla.availability", lang),
                                                  t("sla.p95", lang), t("sla.unknown", lang), t("services.met", lang)],
                rows, [44, 22, 22, 24, 22, 22, 22]),
        Section(t("evidence.sla.breaches", lang), [t("services.name", lang), t("sla.started", lang), t("sla.length", lang),
                                                   t("sla.cause", lang)], breaches, [50, 38, 30, 60])], lang)
    return f"laporan-sla-{month:%Y-%m}.{fmt}", render(doc, fmt)
