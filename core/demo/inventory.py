"""Demo inventory: plausible devices, ICT staff and applications for every demo unit, with a few
deliberate duplicates (a serial number and an NIP in two units, look-alike applications) for the
Duplikat view to find. Deterministic for a given seed."""

import random
import re
import string
from datetime import date

from sqlalchemy import insert, select
from sqlmodel import Session

from core.records.cells import check_nip
from db.inventory import Application, Device, Staff
from db.models import Unit
from db.monitoring import Target
from db.types import utcnow

# (category, share, price range in Rupiah, brands)
DEVICE_MIX = [
    ("pc", 30, (7_500_000, 14_000_000), ["Lenovo ThinkCentre M70s", "HP ProDesk 400 G7", "Acer Veriton M4690G"]),
    ("laptop", 22, (9_000_000, 18_000_000), ["Lenovo ThinkPad E14", "ASUS ExpertBook B1", "HP ProBook 440 G9"]),
    ("printer", 16, (2_500_000, 6_000_000), ["Epson L3210", "Canon PIXMA G3020", "HP LaserJet M211dw"]),
    ("network", 8, (1_500_000, 25_000_000), ["MikroTik RB4011", "Cisco Catalyst 1000-24T", "TP-Link TL-SG1024"]),
    ("access_point", 8, (900_000, 4_500_000), ["Ubiquiti UniFi U6 Lite", "TP-Link EAP225", "Ruijie RG-AP820"]),
    ("cctv", 6, (800_000, 3_500_000), ["Hikvision DS-2CD1023", "Dahua IPC-HFW1230S"]),
    ("ups", 6, (1_200_000, 6_500_000), ["APC Back-UPS 1100VA", "ICA CE1200", "Prolink PRO1201SFC"]),
    ("server", 3, (45_000_000, 180_000_000), ["Dell PowerEdge R650", "HPE ProLiant DL380 Gen10", "Lenovo SR650"]),
    ("other", 1, (500_000, 3_000_000), ["Proyektor Epson EB-X500", "Scanner Fujitsu fi-7160"]),
]
DEVICES_PER_KIND = {"dinas": 70, "badan": 55, "rsud": 90, "sekretariat": 50, "inspektorat": 30, "satpol": 30,
                    "kecamatan": 30, "kelurahan": 14, "bagian": 15, "upt": 15}
EMPLOYEES_PER_KIND = {"dinas": 180, "badan": 120, "rsud": 650, "sekretariat": 140, "inspektorat": 60, "satpol": 210,
                      "kecamatan": 45, "kelurahan": 14, "bagian": 25, "upt": 20}
STAFF_PER_KIND = {"dinas": 6, "badan": 5, "rsud": 12, "sekretariat": 5, "inspektorat": 3, "satpol": 3,
                  "kecamatan": 4, "kelurahan": 2, "bagian": 2, "upt": 2}
FIRST = ["Agus", "Budi", "Dewi", "Eko", "Fitri", "Hendra", "Indah", "Joko", "Kartika", "Lestari", "Moch.", "Nur",
         "Putri", "Rizky", "Sri", "Taufik", "Wahyu", "Yuni", "Ahmad", "Siti", "Dian", "Rina", "Bayu", "Arif"]
LAST = ["Santoso", "Wibowo", "Rahmawati", "Prasetyo", "Kurniawan", "Hidayat", "Susanti", "Setiawan", "Nugroho",
        "Wulandari", "Saputra", "Handayani", "Firmansyah", "Anggraini", "Purnomo", "Maulana", "Pratiwi"]
DEGREES = {"s1": ", S.Kom.", "s2": ", M.Kom.", "d3": ", A.Md.", "d4": ", S.Tr.Kom.", "sma": "", "s3": ", Dr."}

# Applications: (owner code, name, function, type, origin, hosting, integrations, user units)
APPS = [
    ("DISKOMINFO", "SRIKANDI", "naskah dinas elektronik", "umum", "pusat", "cloud", ["SIMPEG"], ["*"]),
    ("DISKOMINFO", "Portal Kota Malang", "portal informasi publik", "umum", "daerah", "pdn", ["PPID"], []),
    ("DISKOMINFO", "PPID Kota Malang", "layanan informasi publik", "umum", "daerah", "pdn", ["Portal Kota Malang"], ["*"]),
    ("DISKOMINFO", "SAMBAT Online", "pengaduan masyarakat", "umum", "daerah", "pdn", ["SP4N-LAPOR!"], ["*"]),
    ("DISKOMINFO", "SP4N-LAPOR!", "pengaduan masyarakat nasional", "umum", "pusat", "cloud", [], ["*"]),
    ("DISKOMINFO", "Monev TIK", "monitoring dan evaluasi TIK", "khusus", "daerah", "pdn", [], []),
    ("BKPSDM", "SIMPEG Kota Malang", "kepegawaian", "umum", "daerah", "pdn", ["e-Kinerja", "SRIKANDI"], ["*"]),
    ("BKPSDM", "e-Kinerja", "penilaian kinerja pegawai", "umum", "daerah", "pdn", ["SIMPEG Kota Malang"], ["*"]),
    ("BKAD", "SIPD", "perencanaan dan keuangan daerah", "umum", "pusat", "cloud", ["SIMDA BMD"], ["*"]),
    ("BKAD", "SIMDA BMD", "barang milik daerah", "khusus", "pusat", "pdn", ["SIPD"], []),
    ("BAPPEDA", "e-Planning Kota Malang", "perencanaan pembangunan", "khusus", "daerah", "pdn", ["SIPD"], []),
    ("BAPENDA", "e-PBB", "pajak bumi dan bangunan", "khusus", "daerah", "pdn", ["e-BPHTB"], []),
    ("BAPENDA", "e-BPHTB", "bea perolehan hak atas tanah", "khusus", "daerah", "pdn", ["e-PBB"], []),
    ("BAPENDA", "e-Tax Hotel Restoran", "pajak daerah", "khusus", "daerah", "own", [], []),
    ("DINKES", "SIMPUS", "rekam medis puskesmas", "khusus", "daerah", "own", ["SATUSEHAT"], []),
    ("DINKES", "SATUSEHAT", "pertukaran data kesehatan", "umum", "pusat", "cloud", [], ["RSUD"]),
    ("DINKES", "SIMPEG Dinkes", "kepegawaian", "khusus", "daerah", "own", [], []),
    ("RSUD", "SIMRS RSUD Kota Malang", "rekam medis rumah sakit", "khusus", "daerah", "own", ["SATUSEHAT"], []),
    ("RSUD", "Antrean Online RSUD", "antrean pasien", "khusus", "daerah", "cloud", ["SIMRS RSUD Kota Malang"], []),
    ("DISPENDUKCAPIL", "SIAK Terpusat", "administrasi kependudukan", "umum", "pusat", "cloud", [], []),
    ("DISPENDUKCAPIL", "Sapa Warga Dispendukcapil", "layanan adminduk online", "khusus", "daerah", "pdn",
     ["SIAK Terpusat"], []),
    ("DISNAKER-PMPTSP", "OSS RBA", "perizinan berusaha", "umum", "pusat", "cloud", [], []),
    ("DISNAKER-PMPTSP", "SIM Perizinan Kota Malang", "perizinan non-berusaha", "khusus", "daerah", "pdn", [], []),
    ("DISDIKBUD", "PPDB Kota Malang", "penerimaan peserta didik", "khusus", "daerah", "cloud", ["Dapodik"], []),
    ("DISDIKBUD", "Dapodik", "data pokok pendidikan", "umum", "pusat", "cloud", [], []),
    ("DISHUB", "ATCS Kota Malang", "pengendalian lalu lintas", "khusus", "daerah", "own", [], []),
    ("DISHUB", "e-Parkir", "retribusi parkir", "khusus", "daerah", "own", [], []),
    ("DLH", "SI Bank Sampah", "pengelolaan sampah", "khusus", "daerah", "pdn", [], []),
    ("DISKOPINDAG", "SI Pasar Rakyat", "retribusi pasar", "khusus", "daerah", "own", [], []),
    ("DISKOPINDAG", "SIPD Koperasi", "data koperasi dan UMKM", "khusus", "daerah", "pdn", [], []),
    ("DISPUSSIPDA", "SLiMS Perpustakaan", "katalog perpustakaan", "khusus", "daerah", "pdn", [], []),
    ("DISPUSSIPDA", "SRIKANDI Arsip", "kearsipan", "khusus", "daerah", "pdn", ["SRIKANDI"], []),
    ("SETDA", "e-Office Setda", "naskah dinas elektronik", "khusus", "daerah", "own", [], []),  # duplicates SRIKANDI
    ("BAG-PBJ", "SPSE", "pengadaan barang dan jasa", "umum", "pusat", "pdn", ["SiRUP"], []),
    ("BAG-PBJ", "SiRUP", "rencana umum pengadaan", "umum", "pusat", "cloud", ["SPSE"], []),
    ("BAG-HUKUM", "JDIH Kota Malang", "dokumentasi hukum", "khusus", "daerah", "pdn", ["JDIHN"], []),
    ("BAG-ORGANISASI", "SI Kepegawaian Organisasi", "kepegawaian", "khusus", "daerah", "pdn", [], []),  # duplicate
    ("INSPEKTORAT", "e-Audit Inspektorat", "pengawasan internal", "khusus", "daerah", "pdn", [], []),
    ("BPBD", "SI Kebencanaan", "informasi kebencanaan", "khusus", "daerah", "pdn", [], []),
    ("SATPOL-PP", "SI Trantibum", "ketenteraman dan ketertiban", "khusus", "daerah", "own", [], []),
    ("DINSOS-P3AP2KB", "SIKS-NG", "data kesejahteraan sosial", "umum", "pusat", "cloud", [], []),
    ("DISPANGTAN", "SI Harga Pangan", "harga pangan", "khusus", "daerah", "pdn", [], []),
    ("DISPORAPAR", "Malang Tourism", "informasi pariwisata", "khusus", "daerah", "cloud", [], []),
    ("BAKESBANGPOL", "SI Ormas", "pendaftaran ormas", "khusus", "daerah", "pdn", [], []),
    ("SETWAN", "e-Aspirasi DPRD", "aspirasi masyarakat", "khusus", "daerah", "cloud", [], []),
    ("DPUPRPKP", "SIMBG", "persetujuan bangunan gedung", "umum", "pusat", "cloud", [], []),
    ("DPUPRPKP", "SI Jalan dan Jembatan", "data jalan dan jembatan", "khusus", "daerah", "own", [], []),
    ("DPUPRPKP", "SI Kepegawaian DPUPR", "kepegawaian", "khusus", "daerah", "own", [], []),  # duplicate
    ("DISKOMINFO", "Satu Data Kota Malang", "portal data statistik sektoral", "umum", "daerah", "pdn", ["SIPD"],
     ["*"]),
    ("DISKOMINFO", "Malang Command Center", "pemantauan kota terpadu", "khusus", "daerah", "pdn",
     ["ATCS Kota Malang"], []),
    ("BKPSDM", "e-Presensi", "kehadiran pegawai", "umum", "daerah", "pdn", ["SIMPEG Kota Malang"], ["*"]),
    ("BAPENDA", "e-SPTPD", "pelaporan pajak daerah", "khusus", "daerah", "pdn", ["e-Tax Hotel Restoran"], []),
    # Three queue systems: one shared queue service would do (a deliberate duplicate by name).
    ("DISPENDUKCAPIL", "Antrean Online Dispendukcapil", "antrean pelayanan", "khusus", "daerah", "cloud", [], []),
    ("DINKES", "e-Puskesmas Antrean", "antrean puskesmas", "khusus", "daerah", "cloud", ["SIMPUS"], []),
]


def _slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


def _serial(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_uppercase + string.digits, k=10))


def _nip(rng: random.Random, female: bool) -> str:
    while True:
        born = date(rng.randint(1968, 1998), rng.randint(1, 12), rng.randint(1, 28))
        appointed = rng.randint(born.year + 21, min(born.year + 35, 2024))
        nip = f"{born:%Y%m%d}{appointed}{rng.randint(1, 12):02d}{2 if female else 1}{rng.randint(1, 40):03d}"
        try:
            check_nip(nip)
            return nip
        except Exception:  # noqa: BLE001 - draw again: a generated date that the check refuses
            continue


def load(*, session: Session, seed: int = 2026) -> dict[str, int]:
    """Fill the inventory of every active unit; returns how many devices, staff and applications."""
    rng = random.Random(seed)
    now = utcnow()
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id)))
    by_code = {u.code: u for u in units}
    routers = dict(session.execute(select(Target.unit_id, Target.id).where(Target.kind == "ping")).all())
    staff_rows, device_rows = [], []
    for unit in units:
        unit.employees = round(EMPLOYEES_PER_KIND.get(unit.kind, 20) * rng.uniform(0.7, 1.3))
        for _ in range(max(1, round(STAFF_PER_KIND.get(unit.kind, 1) * rng.uniform(0.6, 1.5)))):
            employment = rng.choices(["pns", "pppk", "non_asn"], [55, 15, 30])[0]
            female = rng.random() < 0.4
            education = rng.choices(["sma", "d3", "d4", "s1", "s2"], [10, 20, 5, 55, 10])[0]
            levels = {a: rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0] for a in
                      ("proses_bisnis", "arsitektur", "data", "keamanan", "aplikasi", "infrastruktur")}
            levels["infrastruktur"] = max(levels["infrastruktur"], 1)
            staff_rows.append(dict(
                unit_id=unit.id, nip=_nip(rng, female) if employment != "non_asn" else "",
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}{DEGREES[education]}", employment=employment,
                position=rng.choice(["pk_terampil", "pk_mahir", "pk_pertama", "pk_muda", "pelaksana"])
                if employment != "non_asn" else "pelaksana",
                education=education, competences=levels,
                certifications=rng.choice(["", "", "", "MTCNA", "CCNA", "CEH", "Sertifikasi Pranata Komputer"]),
                created_at=now, updated_at=now))
        for n in range(round(DEVICES_PER_KIND.get(unit.kind, 10) * rng.uniform(0.7, 1.3))):
            category, _share, (low, high), brands = rng.choices(DEVICE_MIX, [m[1] for m in DEVICE_MIX])[0]
            year = min(now.year, int(rng.triangular(2012, now.year + 1, now.year - 3)))  # most bought recently
            age = now.year - year
            condition = rng.choices(["baik", "rusak_ringan", "rusak_berat"],
                                    [max(5, 90 - age * 8), 8 + age * 4, 2 + age * 3])[0]
            status = "in_repair" if condition == "rusak_berat" and rng.random() < 0.4 else (
                "spare" if rng.random() < 0.05 else "in_use")
            device_rows.append(dict(
                unit_id=unit.id, category=category, brand_model=rng.choice(brands), serial_number=_serial(rng),
                asset_tag=f"1.3.2.10.{DEVICE_MIX.index(next(m for m in DEVICE_MIX if m[0] == category)) + 1:02d}."
                          f"{unit.id:03d}.{n + 1:04d}",
                location=rng.choice(["Ruang TU", "Ruang Kepala", "Ruang Pelayanan", "Ruang Server", "Aula",
                                     "Ruang Rapat", "Ruang Staf"]),
                purchase_year=year, purchase_value=round(rng.uniform(low, high), -4), funding_source=rng.choices(
                    ["apbd", "apbn", "hibah"], [88, 7, 5])[0], condition=condition, status=status,
                warranty_end=date(year + rng.choice([1, 3]), rng.randint(1, 12), 1),
                ip_address=f"10.{unit.id % 250}.{rng.randint(1, 20)}.{rng.randint(2, 250)}"
                if category in ("pc", "server", "network", "access_point", "cctv", "printer") else "",
                target_id=routers.get(unit.id) if category == "network" and n % 7 == 0 else None,
                created_at=now, updated_at=now))
    _plant_duplicates(rng, by_code, staff_rows, device_rows)
    session.execute(insert(Staff), staff_rows)
    session.execute(insert(Device), device_rows)
    apps = _applications(rng, by_code, units, now)
    session.execute(insert(Application), apps)
    session.flush()
    return {"devices": len(device_rows), "staff": len(staff_rows), "applications": len(apps)}


def _plant_duplicates(rng, by_code, staff_rows, device_rows) -> None:
    """The same laptop registered by two units, and one person listed by two units."""
    pairs = [("DINKES", "RSUD"), ("BKAD", "BAPENDA"), ("KEC-KLOJEN", "KEL-KLOJEN-KLOJEN")]
    for first, second in pairs:
        if first not in by_code or second not in by_code:
            continue
        original = next(d for d in device_rows if d["unit_id"] == by_code[first].id and d["category"] == "laptop")
        device_rows.append({**original, "unit_id": by_code[second].id, "asset_tag": "", "location": "Ruang Staf"})
    if "DISKOMINFO" in by_code and "BAG-PROKOPIM" in by_code:
        person = next(s for s in staff_rows if s["unit_id"] == by_code["DISKOMINFO"].id and s["nip"])
        staff_rows.append({**person, "unit_id": by_code["BAG-PROKOPIM"].id})


def _applications(rng, by_code, units, now) -> list[dict]:
    rows = []
    for owner, name, function, app_type, origin, hosting, integrations, users in APPS:
        if owner not in by_code:
            continue
        user_units = sorted(u.code for u in units if u.kind != "kelurahan" and u.code != owner) if users == ["*"] \
            else [u for u in users if u in by_code]
        rows.append(dict(owner_unit_id=by_code[owner].id, name=name, function=function, app_type=app_type,
                         origin=origin, platform="web", url=f"https://{_slug(name)}.malangkota.go.id"
                         if origin == "daerah" else "", hosting=hosting, data_held=function,
                         integrations=integrations, user_units=user_units, year_built=rng.randint(2015, 2025),
                         annual_cost=round(rng.uniform(0, 150_000_000), -5) if origin == "daerah" else 0,
                         status="active", created_at=now, updated_at=now))
    # Every kecamatan runs a look-alike letter system and a village data app of its own.
    for unit in units:
        if unit.kind != "kecamatan":
            continue
        short = unit.short_name.replace("Kec. ", "")
        rows.append(dict(owner_unit_id=unit.id, name=f"E-Surat Kecamatan {short}", function="naskah dinas elektronik",
                         app_type="khusus", origin="daerah", platform="web", url="", hosting="own", data_held="surat",
                         integrations=[], user_units=[], year_built=rng.randint(2018, 2024),
                         annual_cost=round(rng.uniform(5_000_000, 30_000_000), -5), status="active",
                         created_at=now, updated_at=now))
        rows.append(dict(owner_unit_id=unit.id, name=f"SIDAK {short}", function="data kependudukan kecamatan",
                         app_type="khusus", origin="daerah", platform="web", url="", hosting="pdn",
                         data_held="data warga", integrations=["SIAK Terpusat"], user_units=[],
                         year_built=rng.randint(2019, 2025), annual_cost=0, status="active",
                         created_at=now, updated_at=now))
    # Larger units keep a handful of small systems each, so the register is about a hundred entries.
    for unit in units:
        if unit.kind != "kelurahan" and len(rows) < 100:
            rows.append(dict(owner_unit_id=unit.id, name=f"Website {unit.short_name}",
                             function="", app_type="khusus", origin="daerah",
                             platform="web", url=f"https://{unit.code.lower()}.malangkota.go.id", hosting="pdn",
                             data_held="berita", integrations=["Portal Kota Malang"], user_units=[],
                             year_built=rng.randint(2016, 2024), annual_cost=0, status="active",
                             created_at=now, updated_at=now))
    return rows
