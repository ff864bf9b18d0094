"""Demo evaluation: two past periods on the framework of their time (spbe-2020, closed, every unit
verified) and this year's on pemdi-2026 (open: partly verified, some submitted, returned or still in
draft; the outside agencies' results entered on the government-wide assessment), so the overview has a
history across both frameworks and work to do. Deterministic for a given seed."""

import hashlib
import random
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlmodel import Session

from core import formatting
from core.access import SYSTEM
from core.evaluation import frameworks, lifecycle, readiness
from core.evaluation.frameworks import Framework, Node
from core.pdf import FAMILY, Pdf
from db.evaluation import Assessment, AssessmentAnswer, Evidence, IndicatorOwner
from db.models import Unit
from db.types import utcnow

EVIDENCE = {1: "SK Wali Kota tentang Tata Kelola Pemerintah Digital", 8: "Kebijakan Pelindungan Data Pribadi",
            10: "Laporan penerapan SMKI", 3: "Rencana pengembangan kompetensi SDM TIK"}
# What the outside agencies gave the city in the demo (PermenPANRB 8/2026 indicators 5, 6, 7, 12, 18).
EXTERNAL = {5: (3, "Hasil Evaluasi Satu Data Indonesia 2026 (Bappenas)"), 6: (3, "Penilaian Simpul Jaringan IG 2026 (BIG)"),
            7: (2, "Hasil EPSS Kota Malang 2026 (BPS)"), 12: (4, "Laporan IKAS 2026 (BSSN)"),
            18: (3, "Hasil Evaluasi Interoperabilitas Data 2026 (Bappenas)")}
# Who answers each indicator of the government-wide 2026 assessment (owner, contributors) and how far it is.
OWNERS = {1: ("DISKOMINFO", ["BAPPEDA"]), 2: ("DISKOMINFO", []), 3: ("BKPSDM", []), 4: ("BAPPEDA", ["DISKOMINFO"]),
          5: ("BAPPEDA", []), 6: ("BAPPEDA", ["DPUPRPKP"]), 7: ("DISKOMINFO", []), 8: ("DISKOMINFO", ["BAG-HUKUM"]),
          9: ("DISKOMINFO", ["INSPEKTORAT"]), 10: ("DISKOMINFO", []), 11: ("DISKOMINFO", []), 12: ("DISKOMINFO", []),
          13: ("DISKOMINFO", []), 14: ("DISKOMINFO", []), 15: ("BAG-ORGANISASI", []), 16: ("DISKOMINFO", []),
          17: ("DISKOMINFO", []), 18: ("DISKOMINFO", []), 19: ("DISKOMINFO", ["DISPENDUKCAPIL", "DINKES"]),
          20: ("BAG-ORGANISASI", ["DISKOMINFO"])}
OWNER_STATES = {"verified": {1, 2, 5, 6, 7, 12, 13, 14, 18}, "submitted": {3, 8, 9, 10}, "returned": {4, 15}}
RETURNED = {4: "Bukti kolaborasi lintas instansi (PKS atau notulen) belum dilampirkan.",
            15: "Peta proses bisnis lintas perangkat daerah belum ditetapkan; lampirkan SK-nya."}
# This year's status per unit: share of verified, submitted, returned, draft (the rest has not started).
THIS_YEAR = (("verified", 45), ("submitted", 25), ("returned", 8), ("draft", 14), ("none", 8))


def _pdf(title: str, unit: str) -> bytes:
    pdf = Pdf()
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(0, 12, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 11)
    pdf.multi_cell(0, 7, f"{unit}\nDokumen contoh untuk data demo Monev TIK.")
    return bytes(pdf.output())


def _justification(rng: random.Random, ind: Node, level: int) -> str:
    docs = ["SK Kepala Perangkat Daerah", "SOP yang telah ditetapkan", "laporan evaluasi tahunan",
            "notulen rapat koordinasi", "dokumen reviu internal", "tangkapan layar aplikasi"]
    topic = ind.name.removeprefix("Tingkat Kematangan ")
    return f"Level {level}: dibuktikan dengan {rng.choice(docs)} terkait {topic}."


def _levels(rng: random.Random, base: float, framework: Framework, unit: bool) -> dict[int, int]:
    return {i.number: max(1, min(5, round(base + rng.gauss(0, 0.7)))) for i in framework.indicators()
            if not (unit and i.external)}


def _owners(session: Session, period_id: int, unit_ids: dict[str, int], now) -> None:
    """This year's government-wide indicators assigned and partly checked, as a coordinator finds them."""
    for number, (owner, contributors) in OWNERS.items():
        if owner not in unit_ids:
            continue
        status = next((s for s, numbers in OWNER_STATES.items() if number in numbers), "draft")
        session.add(IndicatorOwner(
            period_id=period_id, indicator=number, unit_id=unit_ids[owner],
            contributors=[unit_ids[c] for c in contributors if c in unit_ids], status=status,
            note=RETURNED.get(number, ""), updated_at=now - timedelta(days=number % 9),
            submitted_at=now - timedelta(days=2 + number % 7) if status != "draft" else None,
            submitted_by="op_kominfo" if status != "draft" else "",
            verified_at=now - timedelta(days=number % 3) if status == "verified" else None,
            verified_by="admin" if status == "verified" else ""))


def load(*, session: Session, zone: ZoneInfo, org_name: str = "", seed: int = 59) -> dict[str, int]:
    """Three periods of assessments for every active unit and the government-wide one; returns counts."""
    rng = random.Random(seed)
    now = utcnow()
    this_year = now.year
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id)))
    frameworks.ensure_shipped(session)
    # Past periods stay on the framework of their time; this year's takes the one in force now.
    older = lifecycle.create_period(session=session, viewer=SYSTEM, year=this_year - 2,
                                    framework=frameworks.default_for(this_year - 2))
    last = lifecycle.create_period(session=session, viewer=SYSTEM, year=this_year - 1,
                                   framework=frameworks.default_for(this_year - 1))
    current = lifecycle.create_period(session=session, viewer=SYSTEM, year=this_year)
    current.deadline = (formatting.local(now, zone) + timedelta(days=21)).date()  # three weeks to go
    framework_of = {p.id: frameworks.of_period(session, p) for p in (older, last, current)}
    rules = readiness.rules_for(session, current.id)
    rules["availability"] = {"thresholds": [95.0, 97.5, 99.0, 99.5], "weight": 2.0}
    readiness.save_rules(session=session, viewer=SYSTEM, period_id=current.id, rules=rules)

    answers, counts = [], {"assessments": 0, "answers": 0, "evidence": 0}
    statuses = [s for s, _ in THIS_YEAR]
    weights = [w for _, w in THIS_YEAR]
    for unit in [None, *units]:
        base = 3.0 if unit is None else rng.uniform(1.6, 3.9)
        for period, status in ((older, "verified"), (last, "verified"), (current, rng.choices(statuses, weights)[0])):
            framework = framework_of[period.id]
            if unit is None:
                status = "verified" if period is not current else "draft"
            if status == "none":
                continue
            growth = {older.id: -0.3, last.id: 0.0}.get(period.id, rng.uniform(0.1, 0.5))
            levels = _levels(rng, base + growth, framework, unit is not None)
            if status == "draft" and unit is not None:  # halfway through filling in
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
                ind = framework.indicator(number)
                corrected = status == "verified" and level > 1 and rng.random() < 0.12
                source, level = (EXTERNAL[number][1], EXTERNAL[number][0]) if ind.external else ("", level)
                answers.append(dict(
                    assessment_id=assessment.id, indicator=number, level=level,
                    justification="" if ind.external else _justification(rng, ind, level),
                    links=[f"https://jdih.malangkota.go.id/dokumen/{period.year}-{number:02d}"] if number in EVIDENCE
                    else [], source=source, source_date=date(period.year, 10, 15) if source else None,
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
    _owners(session, current.id, {u.code: u.id for u in units}, now)
    for period in (older, last):
        lifecycle.close_period(session=session, viewer=SYSTEM, period_id=period.id, zone=zone, org_name=org_name)
    return counts
