"""The Laporan Tinjauan SLA as a document (PDF or Excel, through the evidence documents' renderer, so its
text cells never run as formulas), and its attachment as evidence for indicator 19 of the running Pemdi period."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from core import formatting
from core.access import Viewer
from core.errors import NotFound, PermissionDenied
from core.evaluation import assessment
from core.evaluation.evidence import Document, Section, render
from core.i18n import t
from core.review import actions as review_actions
from core.review.review import Review, cause_label, monthly_review, review_units
from db.evaluation import EvaluationPeriod
from db.models import Unit
from db.types import utcnow

INDICATOR = 19  # PermenPANRB 8/2026: layanan dukungan pengguna (user support), level 3: SLA reviewed monthly


def pct(value: float | None, lang: str) -> str:
    return "–" if value is None else formatting.percent(value, 2, lang)


def share(value, lang: str) -> tuple[str, str]:
    """A share in time and what it counts: ("37,5 %", "3 dari 8"); ("–", "") when nothing was decided."""
    if not value.decided:
        return "–", ""
    return formatting.percent(value.share, 1, lang), t("review.share_detail", lang, met=value.met, decided=value.decided)


def minutes(value: float | None, lang: str) -> str:
    return "–" if value is None else t("review.minutes", lang, n=formatting.number(value, 0, lang))


def figures(review: Review, lang: str) -> list[tuple[str, str, str]]:
    """The headline figures (label, value, what it counts): the same on the page, in the PDF and the workbook."""
    met, judged = review.services_met
    return [(t("review.services_met", lang), f"{met} / {judged}", ""),
            (t("review.ticket_response", lang), *share(review.ticket_response, lang)),
            (t("review.ticket_resolution", lang), *share(review.ticket_resolution, lang)),
            (t("review.complaint_response", lang), *share(review.complaints, lang)),
            (t("review.incidents", lang), str(review.times.incidents), ""),
            (t("review.mtta", lang), minutes(review.times.mtta_min, lang), ""),
            (t("review.mttr", lang), minutes(review.times.mttr_min, lang), "")]


def figure_text(value: str, detail: str) -> str:
    """A headline figure as one line of the files: "37,5 % (3 dari 8)"."""
    return f"{value} ({detail})" if detail else value


def service_rows(review: Review, lang: str) -> list[list]:
    return [[s.name, s.unit, formatting.percent(s.target, 2, lang), pct(s.percent, lang),
             "–" if s.p95_ms is None else f"{formatting.number(s.p95_ms, 0, lang)} ms", s.breaches,
             formatting.duration(s.down_s, lang), t(f"services.met.{s.met}", lang)] for s in review.services]


def cause_rows(review: Review, lang: str) -> list[list]:
    return [[cause_label(c.cause, lang), c.incidents, formatting.duration(c.down_s, lang)] for c in review.causes]


def obstacle_rows(review: Review, lang: str) -> list[list]:
    return [[t(f"review.obstacle.{o.kind}", lang), o.label, o.incidents, formatting.duration(o.down_s, lang)]
            for o in review.obstacles]


def action_rows(lines: list[review_actions.ActionLine], names: dict[int, str], lang: str) -> list[list]:
    return [[a.action.text, names.get(a.action.unit_id, "") if a.action.unit_id else t("review.city", lang),
             a.action.owner or "–", formatting.day(a.action.due, lang) if a.action.due else "–",
             t(f"review.state.{a.action.state}", lang),
             t("review.carried", lang, month=formatting.month(a.action.month, lang)) if a.carried else ""]
            for a in lines]


def document(*, session: Session, viewer: Viewer, month: date, unit_id: int | None, lang: str, zone: ZoneInfo,
             org_name: str, now: datetime | None = None) -> Document:
    """The review of the month and its actions, as the document the PDF and the workbook are made from."""
    review = monthly_review(session=session, viewer=viewer, month=month, unit_id=unit_id, zone=zone, lang=lang,
                            now=now)
    lines = review_actions.list_actions(session=session, viewer=viewer, month=month, unit_id=unit_id)
    names = {i: s or n for i, s, n in session.execute(select(Unit.id, Unit.short_name, Unit.name))}
    label = formatting.month(review.month, lang)
    return Document(t("review.report_title", lang, month=label), [
        (t("eval.unit", lang), review.scope or org_name or t("review.city", lang)), (t("sla.month", lang), label),
        (t("report.made", lang), formatting.moment(now or utcnow(), zone, lang)),
        (t("evidence.source", lang), t("review.source", lang)),
        *[(label, figure_text(value, detail)) for label, value, detail in figures(review, lang)]], [
        Section(t("review.services", lang), [t("services.name", lang), t("eval.unit", lang),
                                             t("services.sla_target", lang), t("sla.availability", lang),
                                             t("sla.p95", lang), t("sla.breaches", lang), t("review.down", lang),
                                             t("services.met", lang)],
                service_rows(review, lang), [40, 20, 18, 22, 20, 16, 22, 20]),
        Section(t("review.causes", lang), [t("incident.cause", lang), t("review.incidents", lang),
                                           t("review.down", lang)], cause_rows(review, lang), [98, 40, 40]),
        Section(t("review.obstacles", lang), [t("review.obstacle", lang), t("evidence.what", lang),
                                              t("review.incidents", lang), t("review.down", lang)],
                obstacle_rows(review, lang), [30, 88, 30, 30]),
        Section(t("review.recommendations", lang), [t("review.rule", lang), t("review.recommendation", lang)],
                [[t(f"review.rule.{r.rule}", lang), r.text] for r in review.recommendations], [38, 140]),
        Section(t("review.actions", lang), [t("review.action", lang), t("eval.unit", lang), t("review.owner", lang),
                                            t("review.due", lang), t("review.state", lang), t("review.carried_col", lang)],
                action_rows(lines, names, lang), [60, 22, 28, 22, 18, 28])], lang)


def review_report(*, session: Session, viewer: Viewer, month: date, unit_id: int | None, fmt: str, lang: str,
                  zone: ZoneInfo, org_name: str, now: datetime | None = None) -> tuple[str, bytes]:
    """(file name, PDF or Excel bytes) of the month's review."""
    doc = document(session=session, viewer=viewer, month=month, unit_id=unit_id, lang=lang, zone=zone,
                   org_name=org_name, now=now)
    suffix = "" if unit_id is None else f"-{unit_id}"
    return f"tinjauan-sla-{month:%Y-%m}{suffix}.{fmt}", render(doc, fmt)


def running_period(session: Session) -> EvaluationPeriod:
    """The open Pemdi period (the latest year) the review is evidence for."""
    period = session.scalar(select(EvaluationPeriod).where(EvaluationPeriod.status == "open",
                                                           EvaluationPeriod.framework.like("pemdi%"))
                            .order_by(EvaluationPeriod.year.desc()))
    if period is None:
        raise NotFound("review.no_period")
    return period


def attach_review(*, session: Session, viewer: Viewer, month: date, unit_id: int | None, fmt: str, lang: str,
                  zone: ZoneInfo, org_name: str) -> str:
    """Keep the month's review as evidence for indicator 19 of the running Pemdi period, as an upload would:
    the city's on the government-wide assessment (admin), a unit's on its own; its file name."""
    review_units(session, viewer, unit_id)  # scope first: another unit's review is not found, period or not
    if unit_id is None and not viewer.is_admin:
        raise PermissionDenied("evidence.city_admin_only")
    period = running_period(session)
    name, data = review_report(session=session, viewer=viewer, month=month, unit_id=unit_id, fmt=fmt, lang=lang,
                               zone=zone, org_name=org_name)
    assessment.add_evidence(session=session, viewer=viewer, period_id=period.id, unit_id=unit_id, indicator=INDICATOR,
                            filename=name, data=data)
    return name
