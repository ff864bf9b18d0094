"""Open data (Satu Data Indonesia): aggregate datasets as CSV and JSON, each with its metadata.

Only counts and percentages per unit, service or period: no person's name, NIP, device serial, host or
address is in any dataset (tests/test_opendata.py reads every cell of every dataset against the store).
Read with the SYSTEM viewer: these figures are published for everyone, like the public status page.
"""

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from core import formatting
from core.access import SYSTEM
from core.evaluation import leadership
from core.export import to_csv
from core.i18n import t
from core.services import sla
from db.evaluation import EvaluationPeriod
from db.inventory import Device, DeviceCategory, Staff
from db.models import Unit
from db.monitoring import RollupDay
from db.services import DigitalService
from db.types import utcnow

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
NAMES = ("perangkat-per-unit", "sdm-tik-per-kompetensi", "ketersediaan-layanan-publik", "indeks-pemerintah-digital")


@dataclass
class Variable:
    name: str
    unit: str  # of measure: "perangkat", "orang", "%", "indeks (1–5)", "" for a label


@dataclass
class Dataset:
    name: str
    rows: list[dict]
    variables: list[Variable]
    period: str
    updated: datetime | None

    def metadata(self, lang: str, producer: str) -> dict:
        return {"name": self.name, "title": t(f"opendata.{self.name}.title", lang),
                "description": t(f"opendata.{self.name}.description", lang),
                "variables": [{"name": v.name, "description": t(f"opendata.var.{v.name}", lang), "unit": v.unit}
                              for v in self.variables],
                "period": self.period, "producer": producer, "licence": LICENCE, "licence_url": LICENCE_URL,
                "last_update": self.updated.isoformat() if self.updated else None, "rows": len(self.rows),
                "formats": ["csv", "json"]}


def _units(session: Session) -> dict[int, Unit]:
    return {u.id: u for u in session.scalars(select(Unit).where(Unit.active.is_(True)))}


def _newest(session: Session, column) -> datetime | None:
    return session.scalar(select(func.max(column)))


def _today(zone: ZoneInfo) -> str:
    return formatting.local(utcnow(), zone).date().isoformat()  # a count as of today


def devices(session: Session, zone: ZoneInfo) -> Dataset:
    units, names = _units(session), dict(session.execute(select(DeviceCategory.code, DeviceCategory.name)).all())
    counts = Counter(session.execute(select(Device.unit_id, Device.category, Device.condition)
                                     .where(Device.status != "disposed")).all())
    rows = [{"kode_unit": units[u].code, "unit": units[u].name, "kategori": names.get(cat, cat), "kondisi": cond,
             "jumlah": n} for (u, cat, cond), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2]))
            if u in units]
    return Dataset("perangkat-per-unit", rows, [Variable("kode_unit", ""), Variable("unit", ""),
                                                Variable("kategori", ""), Variable("kondisi", ""),
                                                Variable("jumlah", "perangkat")],
                   _today(zone), _newest(session, Device.updated_at))


def staff(session: Session, zone: ZoneInfo) -> Dataset:
    units = _units(session)
    counts = Counter()
    for unit_id, competences in session.execute(select(Staff.unit_id, Staff.competences)).all():
        for area, level in (competences or {}).items():
            counts[(unit_id, area, int(level))] += 1
    rows = [{"kode_unit": units[u].code, "unit": units[u].name, "bidang_kompetensi": area, "tingkat": level,
             "jumlah": n} for (u, area, level), n in sorted(counts.items()) if u in units]
    return Dataset("sdm-tik-per-kompetensi", rows, [Variable("kode_unit", ""), Variable("unit", ""),
                                                    Variable("bidang_kompetensi", ""),
                                                    Variable("tingkat", "0–3"), Variable("jumlah", "orang")],
                   _today(zone), _newest(session, Staff.updated_at))


def availability(session: Session, zone: ZoneInfo, months: int = 12) -> Dataset:
    services = list(session.scalars(select(DigitalService).where(DigitalService.audience == "public")
                                    .order_by(DigitalService.name)))
    wanted = sla.last_months(formatting.local(utcnow(), zone).date(), months)
    measured = sla.measure_many(session, services, wanted, zone) if services else {}
    rows = []
    for service in services:
        for month in wanted:
            figure = measured.get((service.id, month))
            percent = figure.percent if figure else None
            rows.append({"layanan": service.name, "bulan": month.strftime("%Y-%m"),
                         "ketersediaan_persen": round(percent, 3) if percent is not None else None,
                         "target_sla_persen": service.sla_availability})
    period = f"{min(wanted).strftime('%Y-%m')}/{max(wanted).strftime('%Y-%m')}" if wanted else ""
    return Dataset("ketersediaan-layanan-publik", rows, [Variable("layanan", ""), Variable("bulan", "YYYY-MM"),
                                                         Variable("ketersediaan_persen", "%"),
                                                         Variable("target_sla_persen", "%")],
                   period, _newest(session, RollupDay.bucket))


def evaluation(session: Session, zone: ZoneInfo, org_name: str) -> Dataset:
    rows = []
    periods = list(session.scalars(select(EvaluationPeriod).order_by(EvaluationPeriod.year)))
    for period in periods:
        view = leadership.overview(session=session, viewer=SYSTEM, period_id=period.id, zone=zone, org_name=org_name)
        city = view.city
        rows.append({"tahun": period.year, "kerangka": view.framework.regulation or view.framework.title, "indeks": view.framework.index_name,
                     "nilai_indeks": round(city.index, 2) if city.index is not None else None,
                     "unit_dinilai": city.assessed, "unit_terverifikasi": city.verified,
                     "status_periode": period.status})
    span = f"{periods[0].year}/{periods[-1].year}" if periods else ""
    return Dataset("indeks-pemerintah-digital", rows, [
        Variable("tahun", ""), Variable("kerangka", ""), Variable("indeks", ""), Variable("nilai_indeks", "1–5"),
        Variable("unit_dinilai", "unit"), Variable("unit_terverifikasi", "unit"), Variable("status_periode", "")],
        span, max((p.closed_at for p in periods if p.closed_at), default=None))


def build(session: Session, name: str, zone: ZoneInfo, org_name: str) -> Dataset:
    if name == "perangkat-per-unit":
        return devices(session, zone)
    if name == "sdm-tik-per-kompetensi":
        return staff(session, zone)
    if name == "ketersediaan-layanan-publik":
        return availability(session, zone)
    if name == "indeks-pemerintah-digital":
        return evaluation(session, zone, org_name)
    raise KeyError(name)


def as_json(dataset: Dataset, lang: str, producer: str) -> str:
    return json.dumps({"metadata": dataset.metadata(lang, producer), "data": dataset.rows}, ensure_ascii=False,
                      indent=1, default=str)


def as_csv(dataset: Dataset) -> bytes:
    """UTF-8 with a BOM, one header row of variable names, cells guarded against formula injection."""
    return to_csv(dataset.rows, [(v.name, v.name) for v in dataset.variables])
