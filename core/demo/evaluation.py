"""Demo evaluation: last year's period (closed, every unit verified) and this year's (open, partly
verified, some submitted, returned or still in draft), so the overview has trends and work to do.
Deterministic for a given seed."""

import hashlib
import random
from zoneinfo import ZoneInfo

from fpdf import FPDF
from sqlalchemy import insert, select
from sqlmodel import Session

from core.access import SYSTEM
from core.evaluation import lifecycle, readiness, spbe
from db.evaluation import Assessment, AssessmentAnswer, Evidence
from db.models import Unit
from db.types import utcnow

EVIDENCE = {1: "SK Wali Kota tentang Arsitektur SPBE", 8: "Kebijakan Keamanan Informasi",
            22: "Laporan penerapan SMKI", 25: "Rencana pengembangan kompetensi SDM TIK"}
# This year's status per unit: share of verified, submitted, returned, draft (the rest has not started).
THIS_YEAR = (("verified", 45), ("submitted", 25), ("returned", 8), ("draft", 14), ("none", 8))


def _pdf(title: str, unit: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 12, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 7, f"{unit}\nDokumen contoh untuk data demo Monev TIK.")
    return bytes(pdf.output())


def _justification(rng: random.Random, ind: spbe.Indicator, level: int) -> str:
    docs = ["SK Kepala Perangkat Daerah", "SOP yang telah ditetapkan", "laporan evaluasi tahunan",
            "notulen rapat koordinasi", "dokumen reviu internal", "tangkapan layar aplikasi"]
    return f"Level {level}: dibuktikan dengan {rng.choice(docs)} terkait {ind.name[len('Tingkat Kematangan '):]}."


def _levels(rng: random.Random, base: float) -> dict[int, int]:
    return {i.number: max(1, min(5, round(base + rng.gauss(0, 0.7)))) for i in spbe.indicators()}


def load(*, session: Session, zone: ZoneInfo, org_name: str = "", seed: int = 59) -> dict[str, int]:
    """Two periods of assessments for every active unit and the government-wide one; returns counts."""
    rng = random.Random(seed)
    now = utcnow()
    this_year = now.year
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id)))
    last = lifecycle.create_period(session=session, viewer=SYSTEM, year=this_year - 1)
    current = lifecycle.create_period(session=session, viewer=SYSTEM, year=this_year)
    rules = readiness.rules_for(session, current.id)
    rules["availability"] = {"thresholds": [95.0, 97.5, 99.0, 99.5], "weight": 2.0}
    readiness.save_rules(session=session, viewer=SYSTEM, period_id=current.id, rules=rules)

    answers, counts = [], {"assessments": 0, "answers": 0, "evidence": 0}
    statuses = [s for s, _ in THIS_YEAR]
    weights = [w for _, w in THIS_YEAR]
    for unit in [None, *units]:
        base = 3.0 if unit is None else rng.uniform(1.6, 3.9)
        for period, status in ((last, "verified"), (current, rng.choices(statuses, weights)[0])):
            if unit is None:
                status = "verified"
            if status == "none":
                continue
            growth = rng.uniform(0.1, 0.5) if period is current else 0.0
            levels = _levels(rng, base + growth)
            if status == "draft":  # halfway through filling in
                levels = {n: lv for n, lv in levels.items() if n <= rng.randint(10, 40)}
            assessment = Assessment(
                period_id=period.id, unit_id=unit.id if unit else None, status=status,
                note="Bukti indikator 22 belum diunggah; lengkapi dan ajukan kembali." if status == "returned" else "",
                submitted_at=now if status in ("submitted", "verified") else None,
                submitted_by="demo" if status in ("submitted", "verified") else "",
                verified_at=now if status == "verified" else None, verified_by="admin" if status == "verified" else "")
            session.add(assessment)
            session.flush()
            counts["assessments"] += 1
            for number, level in levels.items():
                ind = spbe.indicator(number)
                corrected = status == "verified" and level > 1 and rng.random() < 0.12
                answers.append(dict(
                    assessment_id=assessment.id, indicator=number, level=level,
                    justification=_justification(rng, ind, level),
                    links=[f"https://jdih.malangkota.go.id/dokumen/{period.year}-{number:02d}"] if number in EVIDENCE
                    else [],
                    verified_level=level - 1 if corrected else None,
                    verify_reason="Bukti belum menunjukkan penerapan pada seluruh bidang." if corrected else ""))
            if unit is not None and unit.code in ("DINKES", "KEC-KLOJEN", "DISKOMINFO") and period is current:
                for number, title in EVIDENCE.items():
                    data = _pdf(title, unit.name)
                    session.add(Evidence(assessment_id=assessment.id, indicator=number,
                                         filename=f"{title.lower().replace(' ', '-')}.pdf",
                                         content_type="application/pdf", size=len(data),
                                         sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by="demo"))
                    counts["evidence"] += 1
    if answers:
        session.execute(insert(AssessmentAnswer), answers)
    counts["answers"] = len(answers)
    session.flush()
    lifecycle.close_period(session=session, viewer=SYSTEM, period_id=last.id, zone=zone, org_name=org_name)
    return counts
