"""The three inventory registers as record kinds: devices, ICT staff and information systems, each with
its columns, its natural keys, its rules across cells and what reading its rows needs from the store."""

import ipaddress
from dataclasses import replace
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from core.access import Viewer, scoped
from core.errors import Problem
from core.i18n import t
from core.inventory.life import UsefulLife, book_value
from core.records import cells
from core.records.kinds import (
    DAY,
    MONEY,
    UNIT,
    YEAR,
    Column,
    Lookup,
    RecordKind,
    derived,
    from_table,
    join,
    labelled,
    names,
    ref,
    text,
    words,
)
from db.inventory import Application, Device, DeviceCategory, Staff, StaffPosition
from db.monitoring import Target
from db.types import utcnow

CONDITIONS = ("baik", "rusak_ringan", "rusak_berat")
DEVICE_STATUSES = ("in_use", "spare", "in_repair", "disposed")
FUNDING = ("apbd", "apbn", "hibah", "other")
EMPLOYMENT = ("pns", "pppk", "non_asn")
ASN = ("pns", "pppk")  # civil servants and contract civil servants: they have an NIP
EDUCATION = ("sma", "d3", "d4", "s1", "s2", "s3")
COMPETENCE_AREAS = ("proses_bisnis", "arsitektur", "data", "keamanan", "aplikasi", "infrastruktur")
COMPETENCE_LEVELS = (0, 1, 2, 3)
# The areas' labels before PermenPANRB 8/2026 renamed SPBE to digital government: files and templates made
# earlier still read.
FORMER_AREA_LABELS = {"arsitektur": ["Arsitektur SPBE", "SPBE architecture"], "keamanan": ["Keamanan SPBE", "SPBE security"],
                      "aplikasi": ["Aplikasi SPBE", "SPBE applications"],
                      "infrastruktur": ["Infrastruktur SPBE", "SPBE infrastructure"]}
APP_TYPES = ("umum", "khusus")
ORIGINS = ("pusat", "daerah")
PLATFORMS = ("web", "mobile", "desktop", "other")
HOSTING = ("pdn", "own", "cloud")
APP_STATUSES = ("active", "development", "inactive")
YES_NO = (True, False)


# What reading a row needs from the store, each limited to what the viewer may see --------------------------

def load_categories(session: Session, viewer: Viewer, lookup: Lookup) -> None:
    lookup.lists["categories"] = dict(session.execute(select(DeviceCategory.code, DeviceCategory.name)
                                                      .order_by(DeviceCategory.sort)).all())


def load_positions(session: Session, viewer: Viewer, lookup: Lookup) -> None:
    lookup.lists["positions"] = dict(session.execute(select(StaffPosition.code, StaffPosition.name)
                                                     .order_by(StaffPosition.sort)).all())


def staff_key(reference: str) -> str:
    """How a holder is looked up: an NIP by its digits (spaces dropped), a name case-folded."""
    digits = reference.replace(" ", "")
    return digits if digits.isdigit() else reference.casefold()


def load_staff(session: Session, viewer: Viewer, lookup: Lookup) -> None:
    refs, shown = lookup.refs.setdefault("staff", {}), lookup.names.setdefault("staff", {})
    stmt = scoped(select(Staff.id, Staff.unit_id, Staff.nip, Staff.name), Staff.unit_id, session, viewer)
    for sid, unit_id, nip, name in session.execute(stmt):
        shown[sid] = name
        refs.setdefault((unit_id, name.casefold()), sid)
        if nip:
            refs[(unit_id, nip)] = sid


def load_targets(session: Session, viewer: Viewer, lookup: Lookup) -> None:
    refs, shown = lookup.refs.setdefault("target", {}), lookup.names.setdefault("target", {})
    stmt = scoped(select(Target.id, Target.unit_id, Target.name), Target.unit_id, session, viewer)
    for tid, unit_id, name in session.execute(stmt):
        refs[(unit_id, name.casefold())] = tid
        shown[tid] = name


def load_devices(session: Session, viewer: Viewer, lookup: Lookup) -> None:
    """A unit's devices by serial number or asset tag (what a need replaces)."""
    refs, shown = lookup.refs.setdefault("device", {}), lookup.names.setdefault("device", {})
    stmt = scoped(select(Device.id, Device.unit_id, Device.serial_number, Device.asset_tag), Device.unit_id,
                  session, viewer)
    for did, unit_id, serial, tag in session.execute(stmt):
        shown[did] = serial or tag
        for key in (tag, serial):  # the serial number wins where one device's tag is another's serial
            if key:
                refs[(unit_id, key.casefold())] = did


def load_applications(session: Session, viewer: Viewer, lookup: Lookup) -> None:
    """A unit's applications by name (what a need improves)."""
    refs, shown = lookup.refs.setdefault("application", {}), lookup.names.setdefault("application", {})
    stmt = scoped(select(Application.id, Application.owner_unit_id, Application.name), Application.owner_unit_id,
                  session, viewer)
    for aid, unit_id, name in session.execute(stmt):
        shown[aid] = name
        refs.setdefault((unit_id, name.casefold()), aid)


def loads(*loaders):
    """One load hook that runs several."""
    def load(session: Session, viewer: Viewer, lookup: Lookup) -> None:
        for loader in loaders:
            loader(session, viewer, lookup)
    return load


# Cells of the inventory's own -------------------------------------------------------------------------------

def _ip(v, lk, u):
    value = cells.text(v)
    if value:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise cells.CellError("cell.not_ip", value=value) from None
    return value


def _url(v, lk, u):
    value = cells.text(v)
    if value and not value.lower().startswith(("http://", "https://")):
        raise cells.CellError("cell.not_url", value=value)
    return value


def _unit_codes(v, lk: Lookup, u) -> list[str]:
    codes = [c.upper() for c in names(v, lk, u)]
    unknown = [c for c in codes if c not in lk.unit_ids]
    if unknown:
        raise cells.CellError("cell.unit_unknown", code=", ".join(unknown))
    return sorted(set(codes))


def _level(area: str) -> Column:
    spellings = words("competence_level", COMPETENCE_LEVELS)
    allowed = ", ".join(t(f"competence_level.{c}") for c in COMPETENCE_LEVELS)
    return Column(
        f"competence_{area}",
        read=lambda v, lk, u: int(cells.choice(v, spellings, 0, allowed)),
        show=lambda v, lk, lang: t(f"competence_level.{v or 0}", lang),
        options=lambda lk, lang: [t(f"competence_level.{c}", lang) for c in COMPETENCE_LEVELS],
        kind="list", width=14, aliases=tuple(f"kompetensi {label}".lower() for label in FORMER_AREA_LABELS.get(area, ())),
    )


# Devices ----------------------------------------------------------------------------------------------------

def _device_keys(values: dict[str, Any]) -> list[tuple]:
    return [(key, values[column].casefold()) for key, column in (("sn", "serial_number"), ("tag", "asset_tag"))
            if values.get(column)]


def _device_rules(values: dict[str, Any]) -> list[Problem]:
    if not values.get("serial_number") and not values.get("asset_tag"):
        return [Problem("serial_number", "inventory.device_needs_key")]
    return []


def _device_figures(session: Session, method: str):
    """Age, past its useful life, book value: as of this year."""
    life, this_year = UsefulLife.load(session), utcnow().year

    def figures(device: Device) -> dict[str, Any]:
        age = this_year - device.purchase_year if device.purchase_year else None
        within = life.within(device.category, device.purchase_year, this_year)
        return {"age_years": age, "past_life": None if within is None else not within,
                "book_value": book_value(device.purchase_value, age, life.years(device.category), method)}
    return figures


DEVICE = RecordKind(
    "device", Device, "unit_id", [
        UNIT,
        Column("category", **from_table("categories"),
               aliases=("jenis", "jenis barang", "jenis perangkat", "kategori perangkat")),
        Column("brand_model", text(120), width=24,
               aliases=("merk", "merek", "merk/type", "merk/tipe", "merek/type", "merek/tipe", "tipe", "type", "model", "merk dan tipe")),
        Column("serial_number", text(80), width=20, aliases=("sn", "s/n", "serial", "serial number", "nomor seri")),
        Column("asset_tag", text(80), width=22,
               aliases=("kode barang", "nomor inventaris", "kode inventaris", "nomor register", "register", "nup", "kode aset")),
        Column("location", text(120), width=20, aliases=("lokasi", "ruang", "ruangan", "tempat")),
        Column("purchase_year", **YEAR,
               aliases=("tahun", "tahun pengadaan", "tahun pembelian", "tahun beli", "tahun perolehan")),
        Column("purchase_value", **MONEY,
               aliases=("harga", "harga beli", "harga perolehan", "nilai", "nilai perolehan", "harga satuan")),
        Column("funding_source", **labelled("funding", FUNDING, "apbd"),
               aliases=("sumber dana", "sumber anggaran", "asal dana")),
        Column("condition", **labelled("condition", CONDITIONS, "baik"),
               aliases=("keadaan", "keadaan barang", "kondisi barang")),
        Column("status", **labelled("device_status", DEVICE_STATUSES, "in_use"),
               aliases=("status pemakaian", "penggunaan")),
        Column("warranty_end", **DAY, aliases=("garansi", "masa garansi", "garansi sampai")),
        Column("staff_id", **ref("staff", "cell.staff_unknown", staff_key),
               aliases=("pemegang", "pemakai", "penanggung jawab", "nip pemegang")),
        Column("ip_address", _ip, width=16, aliases=("ip", "alamat ip", "ip address")),
        Column("target_id", **ref("target", "cell.target_unknown"), aliases=("target", "target pemantauan")),
        Column("age_years", **derived("number", 8)),
        Column("past_life", **derived(show=lambda v, lk, lang: "" if v is None else t(f"answer.{v}", lang))),
        Column("book_value", **derived("money", 18)),
    ],
    search=("brand_model", "serial_number", "asset_tag", "location", "ip_address"),
    keys=_device_keys, key_columns={"sn": "serial_number", "tag": "asset_tag"}, rules=_device_rules,
    load=loads(load_categories, load_positions, load_staff, load_targets), figures=_device_figures,
)


# ICT staff --------------------------------------------------------------------------------------------------

def _staff_keys(values: dict[str, Any]) -> list[tuple]:
    if values.get("nip"):
        return [("nip", values["nip"])]
    return [("name", values.get("unit"), (values.get("name") or "").casefold())]


def _staff_rules(values: dict[str, Any]) -> list[Problem]:
    asn = values.get("employment") in ASN
    if asn and not values.get("nip"):
        return [Problem("nip", "inventory.asn_needs_nip")]
    if not asn and values.get("nip"):
        return [Problem("nip", "inventory.non_asn_has_nip")]
    return []


def _staff_pack(values: dict[str, Any]) -> dict[str, Any]:
    """The six competence columns are one field of the model."""
    data = {k: v for k, v in values.items() if not k.startswith("competence_")}
    if any(k.startswith("competence_") for k in values):
        data["competences"] = {a: values.get(f"competence_{a}", 0) for a in COMPETENCE_AREAS}
    return data


def _staff_unpack(staff: Staff) -> dict[str, Any]:
    return {f"competence_{area}": int((staff.competences or {}).get(area, 0)) for area in COMPETENCE_AREAS}


def _detach_devices(session: Session, ids: list[int]) -> None:
    """A device's holder is cleared when the staff member leaves."""
    session.execute(update(Device).where(Device.staff_id.in_(ids)).values(staff_id=None))


STAFF = RecordKind(
    "staff", Staff, "unit_id", [
        UNIT,
        Column("nip", lambda v, lk, u: cells.nip(v), width=22, aliases=("nomor induk pegawai",)),
        Column("name", text(120, required=True), width=28, aliases=("nama lengkap", "nama pegawai", "nama staf")),
        Column("employment", **labelled("employment", EMPLOYMENT, "pns"),
               aliases=("status kepegawaian", "status pegawai", "jenis pegawai", "kepegawaian")),
        Column("position", **from_table("positions", "other", 28), aliases=("jabatan", "nama jabatan")),
        Column("education", **labelled("education", EDUCATION, "s1"),
               aliases=("pendidikan", "pendidikan terakhir", "jenjang pendidikan")),
        *[_level(area) for area in COMPETENCE_AREAS],
        Column("certifications", text(500), width=30, aliases=("sertifikat", "sertifikasi", "sertifikat keahlian")),
    ],
    search=("nip", "name", "certifications"),
    keys=_staff_keys, key_columns={"nip": "nip", "name": "name"}, rules=_staff_rules,
    load=loads(load_categories, load_positions), pack=_staff_pack, unpack=_staff_unpack,
    before_delete=_detach_devices, search_hint="inventory.search_hint_staff",
)


# Information systems ----------------------------------------------------------------------------------------

def _app_keys(values: dict[str, Any]) -> list[tuple]:
    return [("app", values.get("unit"), (values.get("name") or "").casefold())]


APPLICATION = RecordKind(
    "application", Application, "owner_unit_id", [
        replace(UNIT, aliases=(*UNIT.aliases, "unit pemilik", "pemilik")),
        Column("name", text(150, required=True), width=28, aliases=("nama aplikasi", "nama sistem", "aplikasi")),
        Column("function", text(150), width=24, aliases=("fungsi", "kegunaan", "deskripsi")),
        Column("app_type", **labelled("app_type", APP_TYPES, "khusus"), aliases=("jenis aplikasi", "tipe aplikasi")),
        Column("origin", **labelled("origin", ORIGINS, "daerah")),
        Column("platform", **labelled("platform", PLATFORMS, "web")),
        Column("url", _url, width=30, aliases=("alamat", "link", "alamat url", "url/alamat")),
        Column("target_id", **ref("target", "cell.target_unknown")),
        Column("hosting", **labelled("hosting", HOSTING, "pdn"), aliases=("tempat hosting", "lokasi server", "server")),
        Column("data_held", text(500), width=30, aliases=("data", "data yang dikelola")),
        Column("integrations", names, join, width=30, aliases=("integrasi", "terintegrasi dengan")),
        Column("user_units", _unit_codes, join, width=24, aliases=("unit pengguna", "opd pengguna", "pengguna")),
        Column("year_built", **YEAR, aliases=("tahun", "tahun pembuatan", "tahun dibangun")),
        Column("annual_cost", **MONEY, aliases=("biaya", "biaya tahunan", "biaya pemeliharaan")),
        Column("status", **labelled("app_status", APP_STATUSES, "active")),
    ],
    search=("name", "function", "url", "data_held"),
    keys=_app_keys, key_columns={"app": "name"}, load=loads(load_categories, load_positions, load_targets),
    search_hint="inventory.search_hint_application",
)
