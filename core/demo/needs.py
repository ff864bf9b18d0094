"""Demo needs: this year's needs (reviewed, and funded through an adopted scenario) and next year's for
every unit, mostly approved, with deliberate doubles for every check to find: the same licence and
devices asked for by many units, devices asked for while the unit keeps spares or replacing devices
still in their life, applications an Umum system already covers, items funded this year asked for again,
servers and hosting while the data centre has room. Three scenarios for next year to compare.
Deterministic for a given seed."""

import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlmodel import Session

from core.access import SYSTEM, Role, Viewer
from core.inventory.life import UsefulLife
from core.needs import accounts, budget, workflow
from db.inventory import Application, Device
from db.models import Unit, User
from db.needs import BudgetLine, Need, StandardPrice
from db.types import utcnow

# (category, device category, item, price range, quantity range, indicators, competence areas)
CATALOGUE = [
    ("hardware", "pc", "Pengadaan PC desktop", (9_500_000, 14_000_000), (2, 10), (), ()),
    ("hardware", "laptop", "Laptop untuk staf pelayanan", (11_000_000, 17_500_000), (1, 6), (), ()),
    ("hardware", "printer", "Printer multifungsi", (3_500_000, 7_500_000), (1, 4), (), ()),
    ("hardware", "ups", "UPS 1200 VA", (1_800_000, 3_200_000), (2, 8), (), ()),
    ("infrastructure", "access_point", "Access point Wi-Fi gedung", (2_500_000, 4_500_000), (2, 6), ("availability",), ()),
    ("infrastructure", "network", "Switch jaringan terkelola 24 port", (8_000_000, 16_000_000), (1, 3), ("availability",), ()),
    ("infrastructure", "cctv", "Kamera CCTV", (2_000_000, 4_000_000), (2, 8), (), ()),
    ("software", "", "Lisensi antivirus endpoint", (350_000, 450_000), (10, 60), (), ()),
    ("software", "", "Lisensi perkantoran (office suite)", (1_600_000, 2_200_000), (5, 30), (), ()),
    ("connectivity", "", "Langganan internet dedicated 100 Mbps", (30_000_000, 60_000_000), (1, 1), ("availability",), ()),
    ("connectivity", "", "Link internet cadangan (backup)", (15_000_000, 30_000_000), (1, 1), ("availability",), ()),
    ("training", "", "Pelatihan keamanan informasi", (4_000_000, 8_000_000), (1, 3), (), ("keamanan",)),
    ("training", "", "Bimbingan teknis arsitektur dan proses bisnis SPBE", (3_500_000, 6_000_000), (1, 3), (),
     ("arsitektur", "proses_bisnis")),
    ("training", "", "Pelatihan pengelolaan data dan statistik sektoral", (3_000_000, 5_500_000), (1, 3), (), ("data",)),
    ("training", "", "Rekrutmen pranata komputer (PPPK)", (60_000_000, 90_000_000), (1, 2), ("staff_per_100",), ()),
    ("service", "", "Jasa pemeliharaan jaringan dan perangkat", (12_000_000, 30_000_000), (1, 1), ("availability",), ()),
]
# Applications a unit asks for although an Umum system does the same (the app check finds them).
UMUM_LOOKALIKES = ["Aplikasi kepegawaian internal", "Aplikasi naskah dinas elektronik",
                   "Aplikasi pengaduan masyarakat", "Aplikasi presensi pegawai"]
# The city's standard prices (SSH) of the planned year for the catalogue's goods: (catalogue item, code,
# specification, unit of measure), priced at the top of the catalogue's range.
STANDARDS = [
    ("Pengadaan PC desktop", "1.1.7.01.03.02.001", "Core i5 gen 13, RAM 16 GB, SSD 512 GB, monitor 24 inci", "Unit"),
    ("Laptop untuk staf pelayanan", "1.1.7.01.03.02.002", "Core i5, RAM 16 GB, SSD 512 GB, 14 inci", "Unit"),
    ("Printer multifungsi", "1.1.7.01.03.06.004", "Print/scan/copy A4, 30 ppm, jaringan", "Unit"),
    ("UPS 1200 VA", "1.1.7.01.03.08.002", "1200 VA line interactive", "Unit"),
    ("Access point Wi-Fi gedung", "1.1.7.01.05.01.011", "Wi-Fi 6, PoE, dikelola terpusat", "Unit"),
    ("Switch jaringan terkelola 24 port", "1.1.7.01.05.01.004", "24 port gigabit, 4 SFP, L2 terkelola", "Unit"),
    ("Kamera CCTV", "1.1.7.01.05.03.001", "IP camera 4 MP, outdoor", "Unit"),
    ("Lisensi antivirus endpoint", "1.1.7.02.01.01.003", "Lisensi 1 tahun per perangkat", "Lisensi"),
    ("Lisensi perkantoran (office suite)", "1.1.7.02.01.01.001", "Lisensi perpetual per pengguna", "Lisensi"),
]
# Sub-activities (SIPD) by need category: X.XX is the unit's own affairs code; Kominfo's e-government work
# has its own. Applications are left without one (an operator fills it in later).
SUB_ACTIVITIES = {"hardware": ("2.07.0006", "Pengadaan Peralatan dan Mesin Lainnya"),
                  "infrastructure": ("2.07.0006", "Pengadaan Peralatan dan Mesin Lainnya"),
                  "software": ("2.07.0006", "Pengadaan Peralatan dan Mesin Lainnya"),
                  "training": ("2.05.0009", "Pendidikan dan Pelatihan Pegawai Berdasarkan Tugas dan Fungsi"),
                  "connectivity": ("2.08.0004", "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik"),
                  "service": ("2.09.0009", "Pemeliharaan/Rehabilitasi Gedung Kantor dan Bangunan Lainnya")}
ABOVE_EVERY = 40  # one need in this many of a listed item is priced above its standard
LINE_UNITS = 8  # units whose this-year DPA lines come from SIPD in the demo
STATUSES = (("approved", 74), ("submitted", 9), ("revised", 4), ("rejected", 4), ("draft", 9))


def _need(unit_id: int, year: int, category: str, device: str, item: str, quantity: int, price: int, **extra) -> dict:
    now = utcnow()
    return {"unit_id": unit_id, "fiscal_year": year, "item": item, "category": category, "device_category": device,
            "quantity": quantity, "unit_price": price, "justification": extra.pop("justification", ""),
            "priority": extra.pop("priority", 3), "mandatory": extra.pop("mandatory", False),
            "replaces": extra.pop("replaces", []), "improves_apps": extra.pop("improves_apps", []),
            "indicators": list(extra.pop("indicators", [])), "competence_areas": list(extra.pop("competence_areas", [])),
            "status": extra.pop("status", "approved"), "review_note": extra.pop("review_note", ""),
            "sub_activity": "", "measure": "", "standard_code": "",
            "funded": False, "reviewed_by": "admin", "reviewed_at": now, "created_at": now, "updated_at": now, **extra}


ROOMS = ("Ruang Pelayanan", "Ruang Staf", "Ruang Rapat", "Ruang Arsip", "Aula", "Ruang Kepala")


def _year_needs(rng: random.Random, year: int, units: list[Unit], devices: dict, apps: dict, life: UsefulLife,
                reviewed: bool, rate: float, taken: set[int], other_rate: float | None = None) -> list[dict]:
    """Needs of every unit for a year: each catalogue item with probability `rate`, device items for one
    to four rooms; devices in `taken` (whose replacement is already funded) are not asked for again."""
    rows = []
    for unit in units:
        free = [d for d in devices[unit.id] if d.id not in taken and d.status != "disposed"]
        for category, device, item, (low, high), (qlow, qhigh), indicators, areas in CATALOGUE:
            if rng.random() > (rate if device or other_rate is None else other_rate):
                continue
            for room in rng.sample(ROOMS, rng.randint(1, 5)) if device else [""]:
                quantity = rng.randint(qlow, qhigh)
                replaces = []
                if device:
                    old = [d for d in free if d.category == device and not life.within(device, d.purchase_year, year - 1)]
                    replaces = [d.id for d in rng.sample(old, min(len(old), quantity))] if rng.random() < 0.7 else []
                    free = [d for d in free if d.id not in replaces]
                status = "approved" if reviewed else rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
                why = {"revised": "Harga satuan di atas standar biaya; sesuaikan dengan SSH.",
                       "rejected": "Sudah tercakup kegiatan Diskominfo."}.get(status, "")
                rows.append(_need(unit.id, year, category, device, f"{item} {room}".strip(), quantity,
                                  round(rng.uniform(low, high), -4),
                                  priority=rng.choices([1, 2, 3, 4, 5], [15, 30, 30, 15, 10])[0],
                                  mandatory=category == "connectivity" and rng.random() < 0.5,
                                  replaces=replaces, indicators=indicators, competence_areas=areas, status=status,
                                  review_note=why, justification=_why(category, len(replaces))))
        for app in apps[unit.id][:2]:  # improve what the unit already runs
            if rng.random() < rate:
                moving = app.hosting != "pdn"
                rows.append(_need(unit.id, year, "application", "",
                                  f"{'Migrasi' if moving else 'Integrasi'} {app.name} "
                                  f"{'ke Pusat Data Kominfo' if moving else 'dengan Satu Data'}",
                                  1, round(rng.uniform(25_000_000, 120_000_000), -5), improves_apps=[app.id],
                                  indicators=["apps_pdn"] if moving else ["apps_integrated"],
                                  priority=rng.choice([2, 3]), status="approved" if reviewed else rng.choices(
                                      [s for s, _ in STATUSES], [w for _, w in STATUSES])[0],
                                  justification="Mendukung interoperabilitas dan keamanan data."))
    return rows


def _why(category: str, replaced: int) -> str:
    if replaced:
        return f"Mengganti {replaced} perangkat yang telah melewati masa manfaat."
    return {"connectivity": "Layanan publik bergantung pada koneksi yang andal.",
            "training": "Memenuhi kompetensi SDM SPBE yang belum tersedia.",
            "software": "Lisensi tahunan untuk perangkat yang digunakan."}.get(category, "Kebutuhan operasional.")


def load(*, session: Session, zone: ZoneInfo, org_name: str = "", seed: int = 77) -> dict[str, int]:
    """This year's needs with an adopted budget, next year's needs with planted doubles, three scenarios."""
    rng = random.Random(seed)
    this_year = utcnow().year
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id)))
    devices: dict[int, list] = defaultdict(list)
    for d in session.scalars(select(Device).where(Device.purchase_year.is_not(None))):
        devices[d.unit_id].append(d)
    apps: dict[int, list] = defaultdict(list)
    for a in session.scalars(select(Application).where(Application.status == "active").order_by(Application.id)):
        apps[a.owner_unit_id].append(a)
    life = UsefulLife.load(session)

    # This year: reviewed, then funded by the adopted budget.
    current = _year_needs(rng, this_year, units, devices, apps, life, reviewed=True, rate=0.3, taken=set(),
                          other_rate=0.08)
    session.execute(insert(Need), current)
    taken = {i for r in current for i in r["replaces"]}
    rows = _year_needs(rng, this_year + 1, units, devices, apps, life, reviewed=False, rate=0.75, taken=taken)
    by_code = {u.code: u for u in units}
    planted = []
    # Devices asked for while the unit keeps a usable spare of that category.
    for unit in units:
        spares = [d for d in devices[unit.id] if d.status == "spare" and d.condition != "rusak_berat"]
        if spares and len(planted) < 6:
            d = spares[0]
            planted.append(_need(unit.id, this_year + 1, "hardware", d.category,
                                 f"Tambahan {d.category.upper()} untuk ruang pelayanan", 2,
                                 round(rng.uniform(8_000_000, 12_000_000), -4), priority=3,
                                 justification="Penambahan perangkat untuk layanan baru."))
    # Replacing devices still in their useful life and in good condition.
    young_done = 0
    for unit in units:
        young = [d for d in devices[unit.id] if d.category == "pc" and d.condition == "baik" and d.status == "in_use"
                 and life.within("pc", d.purchase_year, this_year + 1)]
        if len(young) >= 3 and young_done < 4:
            planted.append(_need(unit.id, this_year + 1, "hardware", "pc", "Peremajaan PC ruang rapat", 3, 12_500_000,
                                 replaces=[d.id for d in young[:3]], priority=4,
                                 justification="Peremajaan perangkat agar seragam."))
            young_done += 1
    # Applications an Umum system already covers.
    for code, item in zip(("DINKES", "DPUPRPKP", "KEC-BLIMBING", "DISHUB"), UMUM_LOOKALIKES, strict=False):
        unit = by_code.get(code) or rng.choice(units)
        planted.append(_need(unit.id, this_year + 1, "application", "", item, 1, round(rng.uniform(80, 250), 0) * 1_000_000,
                             priority=2, indicators=["apps_pdn"], justification="Kebutuhan internal unit."))
    # Servers and hosting while the data centre has room.
    for code in ("DINKES", "DISPENDUKCAPIL", "BAPPEDA"):
        unit = by_code.get(code) or rng.choice(units)
        planted.append(_need(unit.id, this_year + 1, "infrastructure", "server", "Server aplikasi layanan", 1,
                             round(rng.uniform(120_000_000, 220_000_000), -6), priority=2,
                             justification="Server sendiri untuk aplikasi unit."))
        planted.append(_need(unit.id, this_year + 1, "service", "", "Sewa hosting cloud (VPS) aplikasi", 1,
                             round(rng.uniform(24_000_000, 48_000_000), -6), priority=3))
    # Replacements already in this year's budget asked for again (found once this year's budget is adopted).
    for row in [r for r in current if r["replaces"] and r["priority"] <= 2][:5]:
        planted.append(_need(row["unit_id"], this_year + 1, row["category"], row["device_category"], row["item"],
                             row["quantity"], row["unit_price"], replaces=row["replaces"], priority=2,
                             justification=row["justification"]))
    for row in planted:
        row["status"] = "approved"
    _priced(session, this_year + 1, units, rows + planted)
    session.execute(insert(Need), rows + planted)
    session.flush()
    workflow.save_capacity(session=session, viewer=SYSTEM, fiscal_year=this_year + 1, vcpu_free=96, ram_gb_free=384,
                        storage_tb_free=40.0, note="Klaster virtualisasi Pusat Data Kominfo setelah perluasan")

    # This year's adopted budget, so next year's "funded before" check has something to find.
    requested = sum(r["quantity"] * r["unit_price"] for r in session.execute(
        select(Need.quantity, Need.unit_price).where(Need.fiscal_year == this_year)).mappings())
    leader = session.scalar(select(User).where(User.role == "pimpinan"))
    lead = SYSTEM if leader is None else Viewer(leader.id, leader.username, Role(leader.role), None, leader.display_name)
    adopted = budget.save_scenario(session=session, viewer=lead, fiscal_year=this_year, name=f"APBD {this_year}",
                                   params=budget.Params(ceiling=round(requested * 0.7, -6)))
    budget.adopt(session=session, viewer=lead, scenario_id=adopted.id, zone=zone, org_name=org_name)
    _dpa_lines(session, this_year, units[:LINE_UNITS])
    next_requested = sum(r["quantity"] * r["unit_price"] for r in rows + planted if r["status"] == "approved")
    for name, params in (
            ("Pagu indikatif", budget.Params(ceiling=round(next_requested * 0.6, -6))),
            ("Fokus kesiapan TIK", budget.Params(ceiling=round(next_requested * 0.6, -6), policy="gain")),
            ("Efisiensi 10%", budget.Params(ceiling=round(next_requested * 0.55, -6), policy="mandatory",
                                            category_cuts={"hardware": 10.0, "software": 10.0}, escalation=5.0))):
        budget.save_scenario(session=session, viewer=lead, fiscal_year=this_year + 1, name=name, params=params)
    return {"needs": len(rows) + len(planted)}


def _sub_activity(index: int, unit: Unit, category: str) -> tuple[str, str]:
    if category not in SUB_ACTIVITIES:
        return "", ""
    code, name = SUB_ACTIVITIES[category]
    prefix = "2.16" if unit.code == "DISKOMINFO" else f"{1 + index % 4}.{1 + index % 26:02d}"
    return f"{prefix}.01.{code}", name


def _priced(session: Session, year: int, units: list[Unit], rows: list[dict]) -> None:
    """The year's SSH list, each need of a listed item naming it, and every need its sub-activity (without
    drawing on the random stream, so the rest of the demo stays as it was)."""
    bounds = {item: (low, high) for _c, _d, item, (low, high), *_r in CATALOGUE}
    now = utcnow()
    session.execute(insert(StandardPrice), [
        {"fiscal_year": year, "code": code, "description": item, "specification": spec, "measure": measure,
         "price": bounds[item][1], "imported_by": "admin", "imported_at": now}
        for item, code, spec, measure in STANDARDS])
    index = {u.id: n for n, u in enumerate(units)}
    by_id = {u.id: u for u in units}
    listed = 0
    for row in rows:
        standard = next((x for x in STANDARDS if row["item"].startswith(x[0])), None)
        if standard is not None:
            row["standard_code"], row["measure"] = standard[1], standard[3]
            listed += 1
            if listed % ABOVE_EVERY == 0:  # a few asked above the standard, as a real year has
                row["unit_price"] = round(bounds[standard[0]][1] * 1.12, -4)
        row["sub_activity"] = _sub_activity(index[row["unit_id"]], by_id[row["unit_id"]], row["category"])[0]


def _dpa_lines(session: Session, year: int, units: list[Unit]) -> None:
    """This year's DPA lines of a few units as SIPD would export them: their funded needs."""
    chart = accounts.load(session)
    index = {u.id: n for n, u in enumerate(units)}
    now = utcnow()
    lines = []
    for need in session.scalars(select(Need).where(Need.fiscal_year == year, Need.funded.is_(True),
                                                   Need.unit_id.in_(list(index))).order_by(Need.id)):
        unit = next(u for u in units if u.id == need.unit_id)
        sub, sub_name = _sub_activity(index[need.unit_id], unit, need.category)
        account = chart.account(need.category, need.device_category, need.unit_price)
        lines.append({"unit_id": need.unit_id, "fiscal_year": year, "sub_activity": sub, "sub_activity_name": sub_name,
                      "account_code": account, "account_name": chart.name(account), "item": need.item,
                      "specification": "", "measure": need.measure or "Unit", "volume": float(need.quantity),
                      "unit_price": need.unit_price, "total": need.quantity * need.unit_price,
                      "source": f"DPA-{unit.code}-{year}.xlsx", "imported_by": "admin", "imported_at": now})
    if lines:
        session.execute(insert(BudgetLine), lines)
