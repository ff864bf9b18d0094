"""The three inventory record kinds as columns: how each cell is read, shown and offered as a list.

One description per kind serves the table editor, the Excel template, the import and the export, so a
column reads the same everywhere and an exported file imports back unchanged.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.i18n import CATALOGUES, t
from core.records import cells
from db.inventory import Application, Device, Staff
from db.needs import Need

CONDITIONS = ("baik", "rusak_ringan", "rusak_berat")
DEVICE_STATUSES = ("in_use", "spare", "in_repair", "disposed")
FUNDING = ("apbd", "apbn", "hibah", "other")
EMPLOYMENT = ("pns", "pppk", "non_asn")
EDUCATION = ("sma", "d3", "d4", "s1", "s2", "s3")
COMPETENCE_AREAS = ("proses_bisnis", "arsitektur", "data", "keamanan", "aplikasi", "infrastruktur")
COMPETENCE_LEVELS = (0, 1, 2, 3)
APP_TYPES = ("umum", "khusus")
ORIGINS = ("pusat", "daerah")
PLATFORMS = ("web", "mobile", "desktop", "other")
HOSTING = ("pdn", "own", "cloud")
APP_STATUSES = ("active", "development", "inactive")
NEED_CATEGORIES = ("infrastructure", "hardware", "software", "application", "connectivity", "training", "service")
NEED_STATUSES = ("draft", "submitted", "approved", "revised", "rejected")
# Readiness measures a need can promise to raise (the device measures follow from its device category).
NEED_INDICATORS = ("availability", "devices_in_life", "devices_good", "devices_per_employee", "staff_per_100",
                   "competence_coverage", "apps_pdn", "apps_integrated")
YES_NO = (True, False)


@dataclass
class Lookup:
    """What reading a row needs from the store, loaded once per save or import."""

    unit_ids: dict[str, int]  # unit code (upper case) → id
    unit_codes: dict[int, str]
    categories: dict[str, str]  # code → name
    positions: dict[str, str]
    staff_refs: dict[tuple[int, str], int] = field(default_factory=dict)  # (unit, NIP or name) → staff id
    staff_names: dict[int, str] = field(default_factory=dict)
    targets: dict[tuple[int, str], int] = field(default_factory=dict)  # (unit, target name) → target id
    target_names: dict[int, str] = field(default_factory=dict)
    # Filled for needs only: a unit's devices by serial number or asset tag, its applications by name.
    device_refs: dict[tuple[int, str], int] = field(default_factory=dict)
    device_names: dict[int, str] = field(default_factory=dict)
    app_refs: dict[tuple[int, str], int] = field(default_factory=dict)
    app_names: dict[int, str] = field(default_factory=dict)


def words(prefix: str, codes) -> dict[str, str]:
    """Every spelling of a list's values (code and label in each language), lower-case, to the code."""
    found = {}
    for code in codes:
        found[str(code).casefold()] = code
        for lang in CATALOGUES:
            found[t(f"{prefix}.{code}", lang).casefold()] = code
    return found


@dataclass(frozen=True)
class Column:
    field: str
    read: Callable[[Any, Lookup, int | None], Any]  # cell, lookup, the row's unit id → value
    show: Callable[[Any, Lookup, str], Any] = lambda v, lk, lang: v  # value → cell as shown / exported
    options: Callable[[Lookup, str], list[str]] | None = None  # allowed cells, for dropdowns
    kind: str = "text"  # text, number, money, date, list
    width: int = 18
    read_only: bool = False

    def label(self, record: str, lang: str) -> str:
        return t(f"{record}.{self.field}", lang)


def _labelled(prefix: str, codes, default: str | None = None) -> dict:
    """read/show/options for a fixed list whose labels live in the catalogue."""
    spellings = words(prefix, codes)
    allowed = ", ".join(t(f"{prefix}.{c}") for c in codes)
    return {
        "read": lambda v, lk, u: cells.choice(v, spellings, default, allowed),
        "show": lambda v, lk, lang: t(f"{prefix}.{v}", lang) if v not in (None, "") else "",
        "options": lambda lk, lang: [t(f"{prefix}.{c}", lang) for c in codes],
        "kind": "list", "width": 14,
    }


def _from_table(attr: str, default: str | None = None, width: int = 18) -> dict:
    """read/show/options for a list kept in the store (device categories, staff positions)."""
    def read(v, lk, u):
        table = getattr(lk, attr)
        spellings = {**{c.casefold(): c for c in table}, **{n.casefold(): c for c, n in table.items()}}
        return cells.choice(v, spellings, default, ", ".join(table.values()))
    return {"read": read, "show": lambda v, lk, lang: getattr(lk, attr).get(v, v or ""),
            "options": lambda lk, lang: list(getattr(lk, attr).values()), "kind": "list", "width": width}


def _text(limit: int, required: bool = False) -> Callable:
    def read(v, lk, u):
        value = cells.text(v)
        if required and not value:
            raise cells.CellError("cell.required")
        if len(value) > limit:
            raise cells.CellError("cell.too_long", limit=limit)
        return value
    return read


def _unit(v, lk: Lookup, u):
    code = cells.text(v).upper()
    if not code:
        raise cells.CellError("cell.required")
    if code not in lk.unit_ids:
        raise cells.CellError("cell.unit_unknown", code=code)
    return lk.unit_ids[code]


def _show_unit(v, lk: Lookup, lang):
    return lk.unit_codes.get(v, "")


def _staff_ref(v, lk: Lookup, unit_id):
    ref = cells.text(v)
    if not ref:
        return None
    found = lk.staff_refs.get((unit_id, ref.replace(" ", "") if ref.replace(" ", "").isdigit() else ref.casefold()))
    if found is None:
        raise cells.CellError("cell.staff_unknown", value=ref)
    return found


def _target_ref(v, lk: Lookup, unit_id):
    name = cells.text(v)
    if not name:
        return None
    found = lk.targets.get((unit_id, name.casefold()))
    if found is None:
        raise cells.CellError("cell.target_unknown", value=name)
    return found


def _ip(v, lk, u):
    import ipaddress

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


def _names(v, lk, u) -> list[str]:
    """A comma or semicolon separated list, as one cell holds it."""
    return [part for part in (cells.text(p) for p in cells.text(v).replace(";", ",").split(",")) if part]


def _unit_codes(v, lk: Lookup, u) -> list[str]:
    codes = [c.upper() for c in _names(v, lk, u)]
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
        kind="list", width=14,
    )


def _join(v, lk, lang) -> str:
    return ", ".join(v or [])


def _labelled_list(prefix: str, codes) -> dict:
    """read/show for a cell holding several entries of a fixed list, comma separated."""
    spellings = words(prefix, codes)
    allowed = ", ".join(t(f"{prefix}.{c}") for c in codes)

    def read(v, lk, u):
        found = []
        for name in _names(v, lk, u):
            code = cells.choice(name, spellings, None, allowed)
            if code not in found:
                found.append(code)
        return found
    return {"read": read, "show": lambda v, lk, lang: ", ".join(t(f"{prefix}.{c}", lang) for c in v or []),
            "width": 30}


def _refs(refs: str, names: str, error: str):
    """read/show for a cell naming records of the row's unit (devices by serial number or asset tag,
    applications by name), comma separated, stored as their ids."""
    def read(v, lk, unit_id):
        found = []
        for name in _names(v, lk, unit_id):
            rid = getattr(lk, refs).get((unit_id, name.casefold()))
            if rid is None:
                raise cells.CellError(error, value=name)
            if rid not in found:
                found.append(rid)
        return found
    def show(v, lk, lang):  # a device disposed of or an application removed since drops out
        known = getattr(lk, names)
        return ", ".join(known[i] for i in v or [] if i in known)
    return {"read": read, "show": show, "width": 30}


def _priority(v, lk, u):
    value = cells.whole(v, 1, 5)
    return 3 if value is None else value


def _quantity(v, lk, u):
    value = cells.whole(v, 1, 100_000)
    if value is None:
        raise cells.CellError("cell.required")
    return value


def _price(v, lk, u):
    value = cells.rupiah(v)
    if value is None:
        raise cells.CellError("cell.required")
    return value


def _fiscal_year(v, lk, u):
    from datetime import date

    value = cells.whole(v, 2000, date.today().year + 5)  # plans reach a few years ahead (RPJMD, Renstra)
    if value is None:
        raise cells.CellError("cell.required")
    return value


MONEY = {"read": lambda v, lk, u: cells.rupiah(v), "kind": "money"}
DAY = {"read": lambda v, lk, u: cells.day(v), "kind": "date"}
YEAR = {"read": lambda v, lk, u: cells.year(v), "kind": "number", "width": 10}


@dataclass(frozen=True)
class RecordKind:
    name: str  # device, staff, application: also the catalogue prefix of its headers
    model: type
    unit_field: str
    columns: list[Column]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)

    @property
    def editable(self) -> list[Column]:
        return [c for c in self.columns if not c.read_only]


DEVICE = RecordKind("device", Device, "unit_id", [
    Column("unit", _unit, _show_unit, kind="text", width=20),
    Column("category", **_from_table("categories")),
    Column("brand_model", _text(120), width=24),
    Column("serial_number", _text(80), width=20),
    Column("asset_tag", _text(80), width=22),
    Column("location", _text(120), width=20),
    Column("purchase_year", **YEAR),
    Column("purchase_value", **MONEY),
    Column("funding_source", **_labelled("funding", FUNDING, "apbd")),
    Column("condition", **_labelled("condition", CONDITIONS, "baik")),
    Column("status", **_labelled("device_status", DEVICE_STATUSES, "in_use")),
    Column("warranty_end", **DAY),
    Column("staff_id", _staff_ref, lambda v, lk, lang: lk.staff_names.get(v, ""), width=22),
    Column("ip_address", _ip, width=16),
    Column("target_id", _target_ref, lambda v, lk, lang: lk.target_names.get(v, ""), width=22),
    Column("age_years", lambda v, lk, u: None, kind="number", width=8, read_only=True),
    Column("past_life", lambda v, lk, u: None, lambda v, lk, lang: "" if v is None else t(f"answer.{v}", lang),
           kind="text", width=10, read_only=True),
    Column("book_value", lambda v, lk, u: None, kind="money", read_only=True),
])

STAFF = RecordKind("staff", Staff, "unit_id", [
    Column("unit", _unit, _show_unit, width=20),
    Column("nip", lambda v, lk, u: cells.nip(v), width=22),
    Column("name", _text(120, required=True), width=28),
    Column("employment", **_labelled("employment", EMPLOYMENT, "pns")),
    Column("position", **_from_table("positions", "other", 28)),
    Column("education", **_labelled("education", EDUCATION, "s1")),
    *[_level(area) for area in COMPETENCE_AREAS],
    Column("certifications", _text(500), width=30),
])

APPLICATION = RecordKind("application", Application, "owner_unit_id", [
    Column("unit", _unit, _show_unit, width=20),
    Column("name", _text(150, required=True), width=28),
    Column("function", _text(150), width=24),
    Column("app_type", **_labelled("app_type", APP_TYPES, "khusus")),
    Column("origin", **_labelled("origin", ORIGINS, "daerah")),
    Column("platform", **_labelled("platform", PLATFORMS, "web")),
    Column("url", _url, width=30),
    Column("target_id", _target_ref, lambda v, lk, lang: lk.target_names.get(v, ""), width=22),
    Column("hosting", **_labelled("hosting", HOSTING, "pdn")),
    Column("data_held", _text(500), width=30),
    Column("integrations", _names, _join, width=30),
    Column("user_units", _unit_codes, _join, width=24),
    Column("year_built", **YEAR),
    Column("annual_cost", **MONEY),
    Column("status", **_labelled("app_status", APP_STATUSES, "active")),
])

NEED = RecordKind("need", Need, "unit_id", [
    Column("unit", _unit, _show_unit, width=20),
    Column("fiscal_year", _fiscal_year, kind="number", width=10),
    Column("item", _text(200, required=True), width=32),
    Column("category", **_labelled("need_category", NEED_CATEGORIES, None)),
    Column("device_category", **_from_table("categories", "", 16)),
    Column("quantity", _quantity, kind="number", width=8),
    Column("unit_price", _price, kind="money"),
    Column("total", lambda v, lk, u: None, kind="money", read_only=True),
    Column("priority", _priority, kind="number", width=8),
    Column("mandatory", **_labelled("answer", YES_NO, False)),
    Column("justification", _text(1000), width=36),
    Column("replaces", **_refs("device_refs", "device_names", "cell.device_unknown")),
    Column("improves_apps", **_refs("app_refs", "app_names", "cell.app_unknown")),
    Column("indicators", **_labelled_list("measure", NEED_INDICATORS)),
    Column("competence_areas", **_labelled_list("competence", COMPETENCE_AREAS)),
    Column("status", lambda v, lk, u: None, lambda v, lk, lang: t(f"need_status.{v}", lang) if v else "",
           width=12, read_only=True),
    Column("review_note", lambda v, lk, u: None, width=30, read_only=True),
])

KINDS = {k.name: k for k in (DEVICE, STAFF, APPLICATION, NEED)}

