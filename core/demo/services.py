"""Demo digital services: a dozen public services of Kota Malang as citizens know them, each on the demo's
loopback targets (so their year of history is the targets' own), one internal service, and the
organisation's holidays of the year. The Dishub ticketing service sits on the port that stays closed:
the public page shows a real outage, and its team's news comes after the outage began."""

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from core.demo.monitoring import CLOSED_PORT
from db.models import Unit
from db.monitoring import Incident, MaintenanceWindow, Target
from db.services import DigitalService, Feedback, Holiday, ServiceUpdate
from db.types import utcnow

OFFICE = dict(days=[0, 1, 2, 3, 4], start_minute=7 * 60 + 30, end_minute=16 * 60, holidays_off=True)
ALWAYS = dict(days=list(range(7)), start_minute=0, end_minute=1440, holidays_off=False)
# (owner unit, name, group, description, hours, availability %, p95 ms, target: the unit's router or the ATCS port)
SERVICES = [
    ("DISKOMINFO", "SAMBAT Online", "Pengaduan", "Pengaduan masyarakat kepada Pemerintah Kota", ALWAYS, 99.5, 800, "router"),
    ("DISKOMINFO", "Portal Kota Malang", "Informasi", "Berita, agenda dan informasi publik kota", ALWAYS, 99.5, 800, "router"),
    ("DISPENDUKCAPIL", "Layanan Adminduk Online", "Kependudukan", "Pengajuan KK, akta dan pindah datang", OFFICE, 99.0, 1000, "router"),
    ("DISNAKER-PMPTSP", "Perizinan Online", "Perizinan", "Pengajuan dan pelacakan izin usaha", OFFICE, 99.0, 1000, "router"),
    ("DINKES", "Antrean Puskesmas", "Kesehatan", "Ambil nomor antrean puskesmas", OFFICE, 99.0, 800, "router"),
    ("RSUD", "Pendaftaran Online RSUD", "Kesehatan", "Pendaftaran pasien rawat jalan", ALWAYS, 99.5, 800, "router"),
    ("DISDIKBUD", "PPDB Kota Malang", "Pendidikan", "Penerimaan peserta didik baru", ALWAYS, 99.0, 1000, "router"),
    ("DISPUSSIPDA", "Perpustakaan Digital", "Pendidikan", "Katalog dan peminjaman buku elektronik", ALWAYS, 98.0, 1500, "router"),
    ("BAPENDA", "Informasi Pajak Daerah", "Keuangan", "Cek tagihan PBB dan pajak daerah", ALWAYS, 99.0, 1000, "router"),
    ("DISHUB", "Tiket Parkir dan Terminal", "Transportasi", "Pembelian tiket parkir dan terminal", ALWAYS, 99.0, 1000, "atcs"),
    ("DLH", "Lapor Sampah", "Lingkungan", "Laporan titik sampah liar", ALWAYS, 98.0, 1500, "router"),
    ("DISNAKER-PMPTSP", "Bursa Kerja Online", "Ketenagakerjaan", "Lowongan dan pencari kerja", OFFICE, 98.0, 1500, "router"),
]
INTERNAL = [("SETDA", "e-Office Naskah Dinas", "Internal", "Surat dan disposisi elektronik", OFFICE, 99.0, 1000, "router")]
HOLIDAYS = [(date(2026, 1, 1), "Tahun Baru Masehi"), (date(2026, 5, 1), "Hari Buruh"), (date(2026, 6, 1), "Hari Lahir Pancasila"),
            (date(2026, 8, 17), "Hari Kemerdekaan RI"), (date(2026, 12, 25), "Hari Natal")]


COMMENTS = ["Pendaftarannya cepat, terima kasih.", "Sering lambat di jam sibuk pagi.", "Mudah dipakai dari HP.",
            "Tolong tambah panduan penggunaan.", "Sudah bagus, pertahankan."]


def _voice(session: Session, services: list[DigitalService], now: datetime) -> None:
    """News for citizens, each on an incident and after it began: on the ongoing outage and on the latest
    incident of the fortnight that ended; a maintenance planned for next week; two quarters of ratings."""
    rng = random.Random(17)
    by_name = {s.name: s for s in services}
    ticket = by_name.get("Tiket Parkir dan Terminal")
    outage = _latest_incident(session, ticket.target_ids, ongoing=True) if ticket else None
    if outage is not None:
        for after, status, message in (
                (8, "investigating", "Pembelian tiket daring sedang tidak dapat dilakukan; tim sedang memeriksa."),
                (38, "identified", "Server tiket perlu dipulihkan. Tiket tetap dapat dibeli di loket terminal.")):
            session.add(ServiceUpdate(service_id=ticket.id, incident_id=outage.id, status=status, message=message,
                                      at=min(outage.started_at + timedelta(minutes=after), now), author="admin"))
    public = [s for s in services if s.audience == "public" and s is not ticket]
    owner = {t: s for s in public for t in s.target_ids}
    ended = _latest_incident(session, list(owner), ongoing=False, since=now - timedelta(days=14))
    if ended is not None:
        service, length = owner[ended.target_id], ended.ended_at - ended.started_at
        session.add(ServiceUpdate(service_id=service.id, incident_id=ended.id, at=ended.started_at + length / 3,
                                  status="investigating", author="admin",
                                  message="Layanan sedang tidak dapat diakses; tim sedang memeriksa."))
        session.add(ServiceUpdate(service_id=service.id, incident_id=ended.id, at=ended.ended_at + timedelta(minutes=5),
                                  status="resolved", message="Layanan kembali normal setelah jaringan dipulihkan.",
                                  author="admin"))
    adminduk = by_name.get("Layanan Adminduk Online")
    if adminduk is not None and adminduk.target_ids:
        start = (now + timedelta(days=6)).replace(hour=15, minute=0, second=0, microsecond=0)  # 22.00 WIB
        session.add(MaintenanceWindow(target_id=adminduk.target_ids[0], kind="once", starts_at=start,
                                      ends_at=start + timedelta(hours=2), reason="Pembaruan server"))
    for service in services:
        if service.audience != "public":
            continue
        for n in range(rng.randint(8, 40)):
            at = now - timedelta(days=rng.uniform(0, 150))
            session.add(Feedback(service_id=service.id, at=at, rating=rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 8, 6])[0],
                                 comment=rng.choice(COMMENTS) if n % 4 == 0 else "", client=f"demo-{n}"))


def _latest_incident(session: Session, target_ids: list[int], *, ongoing: bool,
                     since: datetime | None = None) -> Incident | None:
    """The latest incident of these targets that is still open (ongoing) or ended after `since`."""
    if not target_ids:
        return None
    stmt = select(Incident).where(Incident.target_id.in_(target_ids))
    stmt = stmt.where(Incident.ended_at.is_(None)) if ongoing else stmt.where(Incident.ended_at > since)
    return session.scalar(stmt.order_by(Incident.started_at.desc()).limit(1))


def load(*, session: Session) -> int:
    units = {u.code: u for u in session.scalars(select(Unit))}
    targets = list(session.scalars(select(Target)))
    router = {t.unit_id: t.id for t in targets if t.name.startswith("Router ")}
    named = {t.name: t.id for t in targets}
    picks = {"atcs": named.get(CLOSED_PORT)}
    count = 0
    for rows, audience in ((SERVICES, "public"), (INTERNAL, "internal")):
        for code, name, group, description, hours, sla, p95, target in rows:
            unit = units.get(code)
            if unit is None:
                continue
            target_id = picks.get(target) if target != "router" else router.get(unit.id)
            session.add(DigitalService(unit_id=unit.id, name=name, group=group, description=description,
                                       audience=audience, target_ids=[target_id] if target_id else [], **hours,
                                       sla_availability=sla, sla_p95_ms=p95, sla_response_h=24,
                                       support_channel="SAMBAT Online atau Call Center 112"))
            count += 1
    for day, name in HOLIDAYS:
        session.add(Holiday(day=day, name=name))
    session.flush()
    _voice(session, list(session.scalars(select(DigitalService))), utcnow())
    return count
