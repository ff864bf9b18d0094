"""Self-assessment on the period's framework (Indeks SPBE up to 2025, Indeks Pemdi from 2026): each
unit's answers and evidence, and the workflow draft → submitted (by the unit) → verified (by Kominfo),
with 'returned' sending it back for changes.

The government-wide assessment (unit_id None) is Kominfo's own: only admin fills and verifies it. An
indicator another agency scores (Satu Data, geospatial, statistics, cyber incidents, interoperability)
is entered there by an admin with its source document and date; every unit's index reads it from there
and no unit can set it. Every step is audited; nothing can change in a closed period.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, require_unit_write, unit_scope
from core.errors import ImportRejected, NotFound, NotReady, PermissionDenied, Problem, Term, ValidationError
from core.evaluation import frameworks, owners
from core.evaluation.frameworks import LEVELS, Framework
from core.evaluation.periods import get_period
from core.text import check_name
from db.evaluation import Assessment, AssessmentAnswer, EvaluationPeriod, Evidence
from db.models import Unit
from db.types import utcnow

STATUSES = ("draft", "submitted", "returned", "verified")
EDITABLE = ("draft", "returned")
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_LINKS = 5
MAX_EVIDENCE_NAME = 200
# What an evidence file may be: its first bytes, and the file name endings that go with them.
EVIDENCE_TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04", (".docx",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04", (".xlsx",)),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (b"PK\x03\x04", (".pptx",)),
}
# An Office document is a zip: it must hold the main part of what its name says it is, and nothing that runs.
OFFICE_MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml", ".pptx": "ppt/presentation.xml"}
RUNNABLE = (".exe", ".dll", ".bat", ".cmd", ".com", ".scr", ".msi", ".js", ".jse", ".vbs", ".vbe", ".ps1", ".sh",
            ".jar", ".hta", ".lnk", "vbaproject.bin")
MAX_UNPACKED = 20 * MAX_EVIDENCE_BYTES


@dataclass(frozen=True)
class AnswerInput:
    indicator: int
    level: int | None
    justification: str = ""
    links: list[str] = field(default_factory=list)
    source: str = ""  # an outside agency's indicator: the document its level comes from
    source_date: date | None = None


@dataclass(frozen=True)
class EvidenceInfo:
    id: int
    indicator: int
    filename: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


@dataclass
class AssessmentView:
    """What the assessment page shows: the period, the assessment (None before the first save), its answers
    by indicator, its evidence, and what the viewer may do with it."""

    period: EvaluationPeriod
    framework: Framework
    unit_id: int | None
    unit_name: str
    assessment: Assessment | None
    answers: dict[int, AssessmentAnswer]
    evidence: list[EvidenceInfo]
    can_edit: bool
    can_verify: bool
    external: dict[int, AssessmentAnswer] = field(default_factory=dict)  # outside agencies' results
    # The government-wide assessment: each indicator's owner, what the viewer may fill now, and (for an
    # owning or contributing unit) the only indicators it sees.
    owners: dict = field(default_factory=dict)
    fillable: set[int] = field(default_factory=set)
    visible: set[int] | None = None

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else "draft"

    def levels(self, verified: bool = True) -> dict[int, int | None]:
        own = effective_levels(self.answers.values(), verified)
        if self.unit_id is not None:
            own.update({n: a.level for n, a in self.external.items()})
        return own

    def index(self, verified: bool = True) -> frameworks.Result:
        return self.framework.index(self.levels(verified))


def effective_levels(answers, verified: bool = True) -> dict[int, int | None]:
    """The level that counts per indicator: Kominfo's where it set one (when `verified`), else the unit's."""
    return {a.indicator: (a.verified_level if verified and a.verified_level is not None else a.level)
            for a in answers}


def external_answers(session: Session, period_id: int, framework: Framework) -> dict[int, AssessmentAnswer]:
    """The outside agencies' results recorded on the government-wide assessment, by indicator."""
    numbers = {n.number for n in framework.indicators() if n.external}
    if not numbers:
        return {}
    city = _find(session, period_id, None)
    if city is None:
        return {}
    return {a.indicator: a for a in session.scalars(select(AssessmentAnswer).where(
        AssessmentAnswer.assessment_id == city.id, AssessmentAnswer.indicator.in_(numbers)))
        if a.level is not None}


# Reading -------------------------------------------------------------------------------------------------

def _check_visible(session: Session, viewer: Viewer, unit_id: int | None, period_id: int | None = None) -> str:
    """The unit's name, or NotFound when the viewer may not see it. None is the whole government: Kominfo's
    own, read by leadership too, and by a unit for the indicators it owns or contributes to."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    if unit_id is None:
        if viewer.role is Role.SKPD and period_id is not None and any(owners.viewer_indicators(session, viewer,
                                                                                              period_id)):
            return ""
        require_role(viewer, Role.ADMIN, Role.PIMPINAN)
        return ""
    scope = unit_scope(session, viewer)
    unit = session.get(Unit, unit_id)
    if unit is None or (scope is not None and unit_id not in scope):
        raise NotFound("unit.not_found")
    return unit.name


def _find(session: Session, period_id: int, unit_id: int | None) -> Assessment | None:
    stmt = select(Assessment).where(Assessment.period_id == period_id)
    stmt = stmt.where(Assessment.unit_id.is_(None) if unit_id is None else Assessment.unit_id == unit_id)
    return session.scalar(stmt)


def _may_edit(session: Session, viewer: Viewer, period: EvaluationPeriod, unit_id: int | None,
              assessment: Assessment | None) -> str | None:
    """None when the viewer may change the answers now, else the key saying why not."""
    if period.status == "closed":
        return "evaluation.period_closed"
    if unit_id is None:
        if not viewer.is_admin and not (owners.fillable(session, viewer, period)
                                        or owners.viewer_indicators(session, viewer, period.id)[1]):
            return "evaluation.city_admin_only"
    else:
        try:
            require_unit_write(session, viewer, unit_id)
        except PermissionDenied:
            return "error.unit_write_denied"
    if assessment is not None and assessment.status not in EDITABLE:
        return "evaluation.locked"
    return None


def assessment_view(*, session: Session, viewer: Viewer, period_id: int, unit_id: int | None) -> AssessmentView:
    unit_name = _check_visible(session, viewer, unit_id, period_id)
    period = get_period(session, period_id)
    assessment = _find(session, period_id, unit_id)
    answers, evidence = {}, []
    if assessment is not None:
        answers = {a.indicator: a for a in session.scalars(
            select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == assessment.id))}
        evidence = [EvidenceInfo(*row) for row in session.execute(
            select(Evidence.id, Evidence.indicator, Evidence.filename, Evidence.size, Evidence.uploaded_by,
                   Evidence.uploaded_at).where(Evidence.assessment_id == assessment.id)
            .order_by(Evidence.indicator, Evidence.id))]
    can_verify = (viewer.is_admin and period.status == "open" and assessment is not None
                  and assessment.status == "submitted")
    framework = frameworks.of_period(session, period)
    may_edit = _may_edit(session, viewer, period, unit_id, assessment) is None
    fillable, visible, owned_by = set(), None, {}
    if unit_id is None:
        owned_by = owners.owners_of(session, period_id)
        fillable = owners.fillable(session, viewer, period) if may_edit else set()
        if viewer.role is Role.SKPD:  # an owning or contributing unit sees its own indicators only
            owned, contributed = owners.viewer_indicators(session, viewer, period_id)
            visible = owned | contributed
            answers = {n: a for n, a in answers.items() if n in visible}
            evidence = [e for e in evidence if e.indicator in visible]
    elif may_edit:
        fillable = {i.number for i in framework.indicators() if not i.external}
    return AssessmentView(period, framework, unit_id, unit_name, assessment, answers, evidence, may_edit, can_verify,
                          external_answers(session, period_id, framework), owned_by, fillable, visible)


# The unit's side -----------------------------------------------------------------------------------------

def _editable(session: Session, viewer: Viewer, period_id: int, unit_id: int | None) -> Assessment:
    """The assessment the viewer may change now, created as a draft on first use."""
    _check_visible(session, viewer, unit_id, period_id)
    period = get_period(session, period_id)
    assessment = _find(session, period_id, unit_id)
    reason = _may_edit(session, viewer, period, unit_id, assessment)
    if reason:
        raise PermissionDenied(reason)
    if assessment is None:
        assessment = Assessment(period_id=period_id, unit_id=unit_id)
        session.add(assessment)
        session.flush()
        audit.record(session, viewer=viewer, action="create", table="assessment", row_id=assessment.id,
                     unit_id=unit_id, new={"period": period.year})
    return assessment


def _link_problems(indicator: int, links: list[str]) -> list[Problem]:
    problems = []
    if len(links) > MAX_LINKS:
        problems.append(Problem(Term("assessment.links"), "evaluation.too_many_links", row=indicator, max=MAX_LINKS))
    for link in links:
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > 300 \
                or any(ch.isspace() for ch in link):
            problems.append(Problem(Term("assessment.links"), "evaluation.link_invalid", row=indicator, link=link[:80]))
    return problems


def save_answers(*, session: Session, viewer: Viewer, period_id: int, unit_id: int | None,
                 answers: list[AnswerInput]) -> int:
    """Write the given answers (all or none). Returns how many changed. An outside agency's indicator
    is set only on the government-wide assessment, with the document its level comes from."""
    assessment = _editable(session, viewer, period_id, unit_id)
    period = get_period(session, period_id)
    framework = frameworks.of_period(session, period)
    problems: list[Problem] = []
    numbers = framework.numbers()
    # On the government-wide assessment a unit fills only the indicators it owns, while they are open.
    allowed = owners.fillable(session, viewer, period) if unit_id is None else numbers
    for answer in answers:
        if answer.indicator not in numbers:
            problems.append(Problem(Term("eval.indicator"), "evaluation.indicator_unknown", row=answer.indicator))
            continue
        if answer.indicator not in allowed:
            problems.append(Problem(Term("eval.indicator"), "owners.not_owner", row=answer.indicator))
            continue
        agency = framework.indicator(answer.indicator).external
        if agency and unit_id is not None and (answer.level is not None or answer.source):
            problems.append(Problem(Term("eval.level"), "evaluation.external_indicator", row=answer.indicator,
                                    agency=agency))
        if agency and unit_id is None and answer.level is not None and not answer.source.strip():
            problems.append(Problem(Term("assessment.source"), "evaluation.source_missing", row=answer.indicator,
                                    agency=agency))
        if answer.level is not None and answer.level not in LEVELS:
            problems.append(Problem(Term("eval.level"), "evaluation.level_invalid", row=answer.indicator,
                                    level=answer.level))
        if len(answer.justification) > 2000:
            problems.append(Problem(Term("assessment.justification"), "evaluation.justification_long",
                                    row=answer.indicator))
        if len(answer.source) > 300:
            problems.append(Problem(Term("assessment.source"), "evaluation.source_long", row=answer.indicator))
        problems += _link_problems(answer.indicator, answer.links)
    if problems:
        raise ImportRejected(problems)
    existing = {a.indicator: a for a in session.scalars(
        select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == assessment.id))}
    changes = []
    for answer in answers:
        row = existing.get(answer.indicator) or AssessmentAnswer(assessment_id=assessment.id,
                                                                  indicator=answer.indicator)
        old = audit.snapshot(row, ["level", "justification", "links", "source", "source_date"]) if row.id else {}
        new = {"level": answer.level, "justification": answer.justification.strip(), "links": list(answer.links),
               "source": answer.source.strip(), "source_date": answer.source_date}
        before, after = audit.changed(old, new)
        if not after and row.id:
            continue
        row.level, row.justification, row.links = new["level"], new["justification"], new["links"]
        row.source, row.source_date = new["source"], new["source_date"]
        session.add(row)
        changes.append((row, answer.indicator, old, before, after))
    session.flush()  # one round trip for every new row's id
    for row, indicator, old, before, after in changes:
        audit.record(session, viewer=viewer, action="update" if old else "create", table="assessment_answer",
                     row_id=row.id, unit_id=unit_id, old=before or None, new={"indicator": indicator, **after})
    count = len(changes)
    assessment.updated_at = utcnow()
    return count


def submit(*, session: Session, viewer: Viewer, period_id: int, unit_id: int | None) -> None:
    """Hand the assessment to Kominfo; every indicator needs a level and a justification first."""
    if unit_id is None and not viewer.is_admin:  # owners hand in their indicators one by one (owners.py)
        raise PermissionDenied("evaluation.city_admin_only")
    assessment = _editable(session, viewer, period_id, unit_id)
    answers = {a.indicator: a for a in session.scalars(
        select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == assessment.id))}
    framework = frameworks.of_period(session, get_period(session, period_id))
    if refusal := not_ready(framework, answers, unit_id):
        raise refusal
    assessment.status, assessment.note = "submitted", ""
    assessment.submitted_at, assessment.submitted_by = utcnow(), viewer.username
    audit.record(session, viewer=viewer, action="submit", table="assessment", row_id=assessment.id,
                 unit_id=unit_id, new={"status": "submitted"})


def not_ready(framework: Framework, answers: dict[int, AssessmentAnswer], unit_id: int | None) -> NotReady | None:
    """Why the assessment cannot be submitted yet, or None when it can: one problem per indicator still
    missing its level or its justification (its source, for an outside agency's), the indicator's number as
    its row, in the framework's order. The page names each one and opens it."""
    # A unit does not score an outside agency's indicator; the government-wide assessment records it.
    required = [i for i in framework.indicators() if unit_id is None or not i.external]
    problems = []
    for ind in required:
        answer = answers.get(ind.number)
        if answer is None or answer.level is None:
            problems.append(Problem(Term("eval.level"), "evaluation.level_missing", row=ind.number))
        elif ind.external:
            if not answer.source.strip():  # its reason is the agency's document
                problems.append(Problem(Term("assessment.source"), "evaluation.source_missing", row=ind.number,
                                        agency=ind.external))
        elif not answer.justification.strip():
            problems.append(Problem(Term("assessment.justification"), "evaluation.justification_missing",
                                    row=ind.number))
    if not problems:
        return None
    # What is saved stays saved: the unit reads how far it is, and exactly what is left.
    saved = sum(1 for a in answers.values() if a.level is not None or a.justification.strip())
    return NotReady(problems, "evaluation.submit_incomplete", count=len(problems), saved=saved, total=len(required))


# Kominfo's side ------------------------------------------------------------------------------------------

def _for_admin(session: Session, viewer: Viewer, assessment_id: int) -> tuple[Assessment, EvaluationPeriod]:
    require_role(viewer, Role.ADMIN)
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound("evaluation.not_found")
    period = get_period(session, assessment.period_id)
    if period.status == "closed":
        raise PermissionDenied("evaluation.period_closed")
    return assessment, period


def return_assessment(*, session: Session, viewer: Viewer, assessment_id: int, reason: str) -> None:
    """Send a submitted or verified assessment back to the unit, saying why."""
    assessment, _ = _for_admin(session, viewer, assessment_id)
    if assessment.status not in ("submitted", "verified"):
        raise ValidationError("evaluation.not_submitted", field="status")
    if not reason.strip():
        raise ValidationError("evaluation.reason_required", field="reason")
    old = assessment.status
    assessment.status, assessment.note = "returned", reason.strip()[:500]
    assessment.verified_at, assessment.verified_by = None, ""
    audit.record(session, viewer=viewer, action="return", table="assessment", row_id=assessment.id,
                 unit_id=assessment.unit_id, old={"status": old}, new={"status": "returned", "reason": reason.strip()})


def verify(*, session: Session, viewer: Viewer, assessment_id: int,
           corrections: dict[int, tuple[int | None, str]] | None = None) -> None:
    """Accept a submitted assessment. `corrections` maps an indicator to (Kominfo's level, reason); a level
    different from the unit's needs a reason. Indicators not named keep the unit's level."""
    assessment, _ = _for_admin(session, viewer, assessment_id)
    if assessment.status != "submitted":
        raise ValidationError("evaluation.not_submitted", field="status")
    answers = {a.indicator: a for a in session.scalars(
        select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == assessment.id))}
    problems, changes = [], {}
    for number, (level, reason) in sorted((corrections or {}).items()):
        answer = answers.get(number)
        if answer is None:
            problems.append(Problem("indicator", "evaluation.indicator_unknown", row=number))
            continue
        if level is not None and level not in LEVELS:
            problems.append(Problem("verified_level", "evaluation.level_invalid", row=number, level=level))
        elif level is not None and level != answer.level and not reason.strip():
            problems.append(Problem("verify_reason", "evaluation.reason_required_level", row=number))
        else:
            changes[number] = (None if level == answer.level else level, reason.strip()[:500])
    if problems:
        raise ImportRejected(problems)
    for number, answer in answers.items():
        level, reason = changes.get(number, (answer.verified_level, answer.verify_reason))
        answer.verified_level, answer.verify_reason = level, reason if level is not None else ""
    assessment.status, assessment.note = "verified", ""
    assessment.verified_at, assessment.verified_by = utcnow(), viewer.username
    audit.record(session, viewer=viewer, action="verify", table="assessment", row_id=assessment.id,
                 unit_id=assessment.unit_id,
                 new={"status": "verified",
                      "corrections": {str(n): {"from": answers[n].level, "to": lv, "reason": r}
                                      for n, (lv, r) in changes.items() if lv is not None}})


# Evidence ------------------------------------------------------------------------------------------------

def evidence_type(filename: str, data: bytes) -> str:
    """The content type of an evidence file, checked by its first bytes and its name; ValidationError if
    it is empty, too large, or not a PDF, image or Office document."""
    if not data:
        raise ValidationError("evaluation.evidence_empty", field="file", filename=filename)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ValidationError("evaluation.evidence_too_large", field="file", filename=filename,
                              limit_mb=MAX_EVIDENCE_BYTES // (1024 * 1024))
    lower = filename.lower()
    for content_type, (magic, endings) in EVIDENCE_TYPES.items():
        if data.startswith(magic) and lower.endswith(endings):
            if magic == b"PK\x03\x04":
                _check_office(filename, data, OFFICE_MAIN_PART[lower[lower.rfind("."):]])
            return content_type
    raise ValidationError("evaluation.evidence_type", field="file", filename=filename)


def _check_office(filename: str, data: bytes, main_part: str) -> None:
    """An Office file opened as the zip it is: a real document of its kind, holding nothing that runs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError("evaluation.evidence_type", field="file", filename=filename) from None
    names = {p.filename.lower() for p in parts}
    if "[content_types].xml" not in names or main_part not in names:
        raise ValidationError("evaluation.evidence_type", field="file", filename=filename)
    if any(name.endswith(RUNNABLE) for name in names):
        raise ValidationError("evaluation.evidence_runnable", field="file", filename=filename)
    if sum(p.file_size for p in parts) > MAX_UNPACKED:
        raise ValidationError("evaluation.evidence_type", field="file", filename=filename)


def add_evidence(*, session: Session, viewer: Viewer, period_id: int, unit_id: int | None, indicator: int,
                 filename: str, data: bytes) -> int:
    if indicator not in frameworks.of_period(session, get_period(session, period_id)).numbers():
        raise ValidationError("evaluation.indicator_unknown", field="indicator", column="indicator")
    _may_add_evidence(session, viewer, period_id, unit_id, indicator)
    assessment = _editable(session, viewer, period_id, unit_id)
    name = check_name(filename.replace("\\", "/").rsplit("/", 1)[-1].strip(), "file")
    if len(name) > MAX_EVIDENCE_NAME:
        raise ValidationError("evaluation.evidence_name_long", field="file", limit=MAX_EVIDENCE_NAME,
                              length=len(name))
    content_type = evidence_type(name, data)
    row = Evidence(assessment_id=assessment.id, indicator=indicator, filename=name, content_type=content_type,
                   size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by=viewer.username)
    session.add(row)
    session.flush()
    audit.record(session, viewer=viewer, action="upload", table="evidence", row_id=row.id, unit_id=unit_id,
                 new={"indicator": indicator, "filename": name, "size": len(data)})
    return row.id


def _may_add_evidence(session: Session, viewer: Viewer, period_id: int, unit_id: int | None, indicator: int) -> None:
    """On the government-wide assessment a unit adds evidence only to indicators it owns or contributes to."""
    if unit_id is None and not viewer.is_admin:
        owned, contributed = owners.viewer_indicators(session, viewer, period_id)
        if indicator not in owned | contributed:
            raise PermissionDenied("owners.not_owner")


def _evidence(session: Session, viewer: Viewer, evidence_id: int) -> tuple[Evidence, Assessment]:
    row = session.get(Evidence, evidence_id)
    assessment = session.get(Assessment, row.assessment_id) if row else None
    if row is None or assessment is None:
        raise NotFound("evaluation.evidence_not_found")
    try:
        _check_visible(session, viewer, assessment.unit_id, assessment.period_id)
        if assessment.unit_id is None and viewer.role is Role.SKPD:
            owned, contributed = owners.viewer_indicators(session, viewer, assessment.period_id)
            if row.indicator not in owned | contributed:
                raise NotFound("evaluation.evidence_not_found")
    except (NotFound, PermissionDenied):
        raise NotFound("evaluation.evidence_not_found") from None
    return row, assessment


def evidence_file(*, session: Session, viewer: Viewer, evidence_id: int) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of an evidence file the viewer may see."""
    row, _ = _evidence(session, viewer, evidence_id)
    return row.filename, row.content_type, row.data


def remove_evidence(*, session: Session, viewer: Viewer, evidence_id: int) -> None:
    row, assessment = _evidence(session, viewer, evidence_id)
    _may_add_evidence(session, viewer, assessment.period_id, assessment.unit_id, row.indicator)
    _editable(session, viewer, assessment.period_id, assessment.unit_id)
    audit.record(session, viewer=viewer, action="delete", table="evidence", row_id=row.id, unit_id=assessment.unit_id,
                 old={"indicator": row.indicator, "filename": row.filename})
    session.delete(row)
