"""Demo digital services: a dozen public services of Kota Malang as citizens know them, each on the demo's
loopback targets (so their year of history is the targets' own), one internal service, and the
organisation's holidays of the year. The Dishub ticketing service sits on the port that stays closed:
the public page shows a real outage."""

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from db.models import Unit
from db.monitoring import MaintenanceWindow, Target
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


def _voice(session: Session, services: list[DigitalService], targets: dict[str, int], now: datetime) -> None:
    """News for citizens on the outage and an earlier problem, a maintenance planned for next week, and two
    quarters of citizens' ratings."""
    rng = random.Random(17)
    by_name = {s.name: s for s in services}
    ticket = by_name.get("Tiket Parkir dan Terminal")
    if ticket is not None:
        session.add(ServiceUpdate(service_id=ticket.id, at=now - timedelta(minutes=40), status="investigating",
                                  message="Pembelian tiket daring sedang tidak dapat dilakukan; tim sedang memeriksa.",
                                  author="admin"))
        session.add(ServiceUpdate(service_id=ticket.id, at=now - timedelta(minutes=10), status="identified",
                                  message="Server tiket perlu dipulihkan. Tiket tetap dapat dibeli di loket terminal.",
                                  author="admin"))
    adminduk = by_name.get("Layanan Adminduk Online")
    if adminduk is not None:
        session.add(ServiceUpdate(service_id=adminduk.id, at=now - timedelta(days=3), status="resolved",
                                  message="Layanan kembali normal setelah pembaruan aplikasi.", author="admin"))
        if adminduk.target_ids:
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


def load(*, session: Session) -> int:
    units = {u.code: u for u in session.scalars(select(Unit))}
    targets = list(session.scalars(select(Target)))
    router = {t.unit_id: t.id for t in targets if t.name.startswith("Router ")}
    named = {t.name: t.id for t in targets}
    picks = {"atcs": named.get("Server ATCS (port 9)")}
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
    _voice(session, list(session.scalars(select(DigitalService))), named, utcnow())
    return count
