"""Demo tickets: problems units reported over the last weeks (answered, resolved, some still open, some past
their targets), one opened by Kominfo from the Dishub outage, and citizens' complaints on public services (let
in, one refused, one waiting for moderation; answered in time or late), so the queue, the breach list, the unit
homes and the complaint response on SLA Layanan all show something real. Made through core.tickets, as people
would, at the moments they would have."""

import io
import random
from datetime import datetime, timedelta

from PIL import Image
from sqlalchemy import select
from sqlmodel import Session

from core.access import SYSTEM, Viewer
from core.org.users import viewer_for
from core.tickets import complaints, tickets
from db.models import Unit, User
from db.monitoring import Incident, Target
from db.services import DigitalService
from db.tickets import Ticket

# (unit code, category, description, hours ago filed, priority or None, outcome)
# outcome: "closed" (answered, resolved, closed by the unit), "resolved", "working" (answered, assigned),
# "late" (answered after its target), "new" (nobody has looked yet)
UNIT_REPORTS = [
    ("DINKES", "jaringan", "Internet di ruang rapat lantai 2 putus-putus sejak pagi.", 24 * 30, "tinggi", "closed"),
    ("DINKES", "perangkat", "Printer loket pendaftaran macet, kertas tersangkut terus.", 24 * 12, "sedang", "closed"),
    ("DINKES", "aplikasi", "Aplikasi kepegawaian tidak bisa login untuk semua staf bidang P2P.", 30, "kritis", "late"),
    ("DINKES", "akun", "Minta reset kata sandi e-mail dinas untuk staf baru.", 5, None, "new"),
    ("KEC-KLOJEN", "jaringan", "Wi-Fi pelayanan kecamatan tidak dapat IP.", 24 * 20, "tinggi", "closed"),
    ("KEC-KLOJEN", "perangkat", "Komputer loket PATEN mati total, tidak mau menyala.", 52, "tinggi", "working"),
    ("KEL-KLOJEN-KAUMAN", "jaringan", "Router kelurahan sering restart sendiri, lampu WAN berkedip merah.", 20, None, "new"),
    ("KEL-KLOJEN-OROORODOWO", "aplikasi", "Aplikasi surat keterangan lambat sekali dibuka siang hari.", 24 * 4, "rendah",
     "working"),
    ("SETDA", "aplikasi", "e-Office tidak menampilkan lampiran PDF disposisi.", 24 * 6, "sedang", "resolved"),
    ("SETDA", "akun", "Akun operator bagian hukum terkunci setelah salah sandi.", 26, "sedang", "late"),
    ("BAPENDA", "jaringan", "Koneksi VPN ke bank persepsi terputus saat jam layanan.", 24 * 9, "kritis", "closed"),
    ("DISPENDUKCAPIL", "perangkat", "Pemindai sidik jari di loket 3 tidak terbaca.", 24 * 2 + 3, "tinggi", "new"),
]
# (service name, category, description, hours ago, outcome): answered (hours after), late, pending, refused
COMPLAINTS = [
    ("Antrean Puskesmas", "aplikasi", "Nomor antrean tidak keluar setelah mengisi NIK.", 24 * 25, ("answered", 3)),
    ("Antrean Puskesmas", "aplikasi", "Halaman antrean error 500 pagi ini.", 24 * 8, ("answered", 24 * 6)),
    ("Antrean Puskesmas", "jaringan", "Situs tidak bisa dibuka dari jaringan seluler.", 20, ("open", 0)),
    ("Layanan Adminduk Online", "aplikasi", "Unggah berkas KK selalu gagal.", 24 * 15, ("answered", 5)),
    ("Layanan Adminduk Online", "akun", "Tidak menerima kode OTP saat mendaftar akun.", 24 * 3, ("answered", 40)),
    ("Perizinan Online", "aplikasi", "Status izin tidak berubah sejak dua minggu.", 24 * 6, ("answered", 2)),
    ("Tiket Parkir dan Terminal", "aplikasi", "Pembelian tiket terminal tidak bisa diproses.", 10, ("open", 0)),
    ("Pendaftaran Online RSUD", "aplikasi", "Jadwal dokter tidak muncul saat memilih poli.", 24 * 2, ("open", 0)),
    ("Lapor Sampah", "lainnya", "Promo pinjaman cepat cair hubungi wa", 24 * 2, ("refused", 0)),
    ("Portal Kota Malang", "aplikasi", "Agenda kota tidak tampil di HP.", 3, ("pending", 0)),
    ("SAMBAT Online", "aplikasi", "Aduan saya tidak bisa dikirim, tombol kirim tidak bereaksi.", 24 * 40, ("answered", 6)),
]
ANSWERS = ["Terima kasih, laporan sudah kami terima dan sedang kami periksa.",
           "Petugas sudah memeriksa; perbaikan sedang berjalan.",
           "Sudah diperbaiki, silakan dicoba kembali."]


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(out, "PNG")
    return out.getvalue()


def load(*, session: Session, now: datetime, seed: int = 31) -> int:
    """The demo's tickets, as of `now`; how many."""
    rng = random.Random(seed)
    units = {u.code: u.id for u in session.scalars(select(Unit))}
    users = list(session.scalars(select(User)))
    operators = {u.unit_id: viewer_for(u) for u in users if u.role == "skpd"}
    admin = next((viewer_for(u) for u in users if u.role == "admin"), SYSTEM)
    routers = {t.unit_id: t.id for t in session.scalars(select(Target)) if t.name.startswith("Router ")}
    count = 0
    for code, category, description, ago, priority, outcome in UNIT_REPORTS:
        unit_id = units.get(code)
        if unit_id is None:
            continue
        reporter = operators.get(unit_id) or operators.get(_parent(session, unit_id)) or admin
        filed = now - timedelta(hours=ago)
        ticket = tickets.file_ticket(session=session, viewer=reporter, unit_id=unit_id, category=category,
                                     description=description, now=filed,
                                     target_id=routers.get(unit_id) if category == "jaringan" else None,
                                     photo=_photo() if category == "perangkat" and outcome == "working" else None)
        count += 1
        _work(session, ticket, admin, reporter, priority, outcome, filed, now, rng)
    count += _from_outage(session, admin, now)
    count += _complaints(session, admin, operators, now, rng)
    return count


def _parent(session: Session, unit_id: int) -> int | None:
    unit = session.get(Unit, unit_id)
    return unit.parent_id if unit else None


def _work(session: Session, ticket: Ticket, admin: Viewer, reporter: Viewer, priority: str | None, outcome: str,
          filed: datetime, now: datetime, rng: random.Random) -> None:
    if outcome == "new":
        return
    step = timedelta(minutes=rng.randint(10, 50))
    tickets.triage(session=session, viewer=admin, ticket_id=ticket.id, priority=priority, now=filed + step)
    # "late": the first answer comes after the priority's response target (kritis 1 h, sedang 8 h).
    answered = filed + (timedelta(hours=20) if outcome == "late" else step + timedelta(minutes=20))
    if answered > now:
        return
    tickets.assign(session=session, viewer=admin, ticket_id=ticket.id, user_id=admin.user_id, now=filed + step)
    tickets.reply(session=session, viewer=admin, ticket_id=ticket.id, message=ANSWERS[0], now=answered)
    if outcome in ("working", "late"):
        return
    tickets.reply(session=session, viewer=admin, ticket_id=ticket.id, message="Cek di lokasi, ganti konektor.",
                  public=False, now=answered + timedelta(hours=1))
    resolved = answered + timedelta(hours=rng.randint(2, 6))
    tickets.set_state(session=session, viewer=admin, ticket_id=ticket.id, state="selesai", now=resolved)
    tickets.reply(session=session, viewer=admin, ticket_id=ticket.id, message=ANSWERS[2], now=resolved)
    if outcome == "closed" and reporter is not admin:
        tickets.set_state(session=session, viewer=reporter, ticket_id=ticket.id, state="ditutup",
                          now=resolved + timedelta(hours=3))


def _from_outage(session: Session, admin: Viewer, now: datetime) -> int:
    """The ongoing outage of the ATCS server (Dishub): Kominfo opens a ticket from its incident."""
    incident = session.scalar(select(Incident).where(Incident.ended_at.is_(None)).order_by(Incident.started_at))
    if incident is None:
        return 0
    ticket = tickets.from_incident(session=session, viewer=admin, incident_id=incident.id,
                                   now=max(incident.started_at, now - timedelta(hours=2)))
    tickets.triage(session=session, viewer=admin, ticket_id=ticket.id, priority="tinggi", now=ticket.created_at)
    return 1


def _complaints(session: Session, admin: Viewer, operators: dict, now: datetime, rng: random.Random) -> int:
    services = {s.name: s for s in session.scalars(select(DigitalService))}
    count = 0
    for n, (name, category, description, ago, (outcome, after)) in enumerate(COMPLAINTS):
        service = services.get(name)
        if service is None or service.audience != "public":
            continue
        filed = now - timedelta(hours=ago)
        code = complaints.file_complaint(session, service_id=service.id, category=category, description=description,
                                         client=f"demo-{n}", now=filed)
        ticket = session.scalar(select(Ticket).where(Ticket.code == code))
        count += 1
        if outcome == "pending":
            continue
        moderator = operators.get(service.unit_id) or admin
        complaints.moderate(session=session, viewer=moderator, ticket_id=ticket.id, accept=outcome != "refused",
                            message="Laporan ini bukan tentang gangguan layanan." if outcome == "refused" else "",
                            now=filed + timedelta(minutes=rng.randint(5, 30)))
        if outcome != "answered":
            continue
        tickets.triage(session=session, viewer=admin, ticket_id=ticket.id, priority="sedang",
                       now=filed + timedelta(minutes=40))
        tickets.reply(session=session, viewer=moderator, ticket_id=ticket.id, message=ANSWERS[1],
                      now=filed + timedelta(hours=after))
        if ago > 24 * 5:
            tickets.set_state(session=session, viewer=admin, ticket_id=ticket.id, state="selesai",
                              now=filed + timedelta(hours=after + 4))
            tickets.reply(session=session, viewer=moderator, ticket_id=ticket.id, message=ANSWERS[2],
                          now=filed + timedelta(hours=after + 4))
    return count
