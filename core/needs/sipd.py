"""What the budget is written in, brought in from the city's own files: the standard unit prices (SSH) of a
fiscal year, and the RKA/DPA lines a unit really had, as SIPD exports them (kode_akun, nama_akun,
nama_komponen, spek_komponen, satuan, koefisien, harga_satuan, total_harga and the sub-activity; title
rows, merged headers and numbers typed as text are expected). Both imports are all or nothing and can be
previewed: a file with one bad cell writes nothing and names every bad cell by row and column.

A unit's lines of a year are replaced whole by a new file: SIPD exports the whole RKA, so importing it
again (a revised DPA) must not add the lines twice. Standard prices are added and updated by code; an
item missing from a newer file is kept, since needs may be priced from it."""

import re
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, require_unit_write, scoped
from core.errors import ImportRejected, Problem, ValidationError
from core.needs.accounts import CODE, require_unit_read
from core.records import cells
from core.records.outcome import Outcome
from core.records.sheets import DEFAULT_LIMITS, Limits, Table, read_table
from db.models import Unit
from db.needs import BudgetLine, StandardPrice
from db.types import utcnow

IGNORED = "ignored"  # a column of SIPD's that is known and not kept (program, activity, the unit's name)
STANDARD_HEADERS = {
    "code": {"kode", "kode barang", "kode ssh", "kode standar harga", "kode_standar_harga", "id standar harga",
             "kode item"},
    "description": {"uraian", "uraian barang", "nama barang", "nama standar harga", "nama_standar_harga",
                    "deskripsi", "nama item", "uraian standar harga"},
    "specification": {"spesifikasi", "spek", "spesifikasi barang", "spek_komponen"},
    "measure": {"satuan", "satuan ukur"},
    "price": {"harga", "harga satuan", "harga_satuan", "nilai", "harga (rp)"},
    IGNORED: {"kode kelompok barang", "uraian kelompok barang", "kelompok", "kode rekening", "rekening", "tkdn",
              "keterangan", "tahun", "kategori", "jenis"},
}
LINE_HEADERS = {
    "sub_activity": {"kode_sub_giat", "kode sub kegiatan", "sub kegiatan", "sub_kegiatan", "kode_sub_kegiatan",
                     "subkegiatan", "sub-activity", "sub activity"},
    "sub_activity_name": {"nama_sub_giat", "nama sub kegiatan", "nama_sub_kegiatan", "uraian sub kegiatan"},
    "account_code": {"kode_akun", "kode akun", "kode rekening", "kode_rekening", "rekening", "account code"},
    "account_name": {"nama_akun", "nama akun", "nama rekening", "uraian rekening", "uraian akun", "account"},
    "item": {"nama_komponen", "nama komponen", "komponen", "uraian komponen", "uraian", "item"},
    "specification": {"spek_komponen", "spek komponen", "spesifikasi", "spek"},
    "measure": {"satuan"},
    "volume": {"koefisien", "volume", "vol", "koefisien (volume)"},
    "unit_price": {"harga_satuan", "harga satuan", "harga"},
    "total": {"total_harga", "total harga", "jumlah", "total", "nilai"},
    IGNORED: {"kode_skpd", "nama_skpd", "kode skpd", "nama skpd", "kode_urusan", "nama_urusan",
              "kode_bidang_urusan", "nama_bidang_urusan", "kode_program", "nama_program", "kode_giat", "nama_giat",
              "kode_kegiatan", "nama_kegiatan", "kode kegiatan", "nama kegiatan", "kode program", "nama program",
              "kode_sub_skpd", "nama_sub_skpd", "pajak", "ppn", "id_rinci_sub_bl", "id", "kelompok", "keterangan",
              "sumber_dana", "sumber dana", "kode_standar_harga", "tahun", "tahun anggaran", "lokasi", "subs_bl_teks",
              "ket_bl_teks", "jenis_bl"},
}
CODE_AND_NAME = re.compile(r"^([0-9X]+(?:\.[0-9X]+)+)\s*[-–:]?\s*(.*)$", re.IGNORECASE)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MAX_VOLUME = 1e9


def read_standards(content: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Table:
    return read_table(content, filename, STANDARD_HEADERS, ("code", "description", "price"),
                      sheets=("ssh", "standar harga", "standar satuan harga"), limits=limits)


def read_lines(content: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Table:
    return read_table(content, filename, LINE_HEADERS, ("item", "volume", "unit_price"),
                      sheets=("rka", "dpa", "rincian"), limits=limits)


def _year(year: Any) -> int:
    if not isinstance(year, int) or not 2000 <= year <= utcnow().year + 5:
        raise ValidationError("needs.bad_year", field="fiscal_year", year=year)
    return year


def _text(values: dict, name: str, limit: int, problems: list[Problem], required: bool = False) -> str:
    try:
        value = cells.text(values.get(name))
    except cells.CellError as exc:
        problems.append(Problem(name, exc.key, **exc.params))
        return ""
    if required and not value:
        problems.append(Problem(name, "cell.required"))
    if len(value) > limit:
        problems.append(Problem(name, "cell.too_long", limit=limit))
    return value


def _money(values: dict, name: str, problems: list[Problem], required: bool = False) -> int | None:
    try:
        value = cells.rupiah(values.get(name))
    except cells.CellError as exc:
        problems.append(Problem(name, exc.key, **exc.params))
        return None
    if value is None and required:
        problems.append(Problem(name, "cell.required"))
    return value


def volume(value: Any) -> tuple[float | None, str]:
    """A koefisien as SIPD writes it: 24, "24,00", "2 Unit x 12 Bulan" (the product, 24, and the words,
    "Unit x Bulan"); None when it holds no number."""
    if cells.is_empty(value):
        return None, ""
    if isinstance(value, bool):
        raise cells.CellError("cell.not_number", value=str(value))
    if isinstance(value, int | float):
        return float(value), ""
    raw = cells.text(value)
    product, words = 1.0, []
    parts = re.split(r"\s*[x×*]\s*(?=\d)", raw, flags=re.IGNORECASE)
    for part in parts:
        found = NUMBER.match(part.strip())
        if found is None:
            raise cells.CellError("sipd.bad_volume", value=raw)
        digits = found.group(0)
        if cells.GROUPED_DOTS.match(digits):
            digits = digits.replace(".", "")
        number = float(digits.replace(".", "").replace(",", ".") if "," in digits else digits)
        product *= number
        rest = part.strip()[found.end():].strip()
        if rest:
            words.append(rest)
    return product, " x ".join(words)


def _split(text: str) -> tuple[str, str]:
    """"5.2.02.10.01.0002 Belanja Modal Personal Computer" → the code and the name."""
    match = CODE_AND_NAME.match(text)
    return (match.group(1), match.group(2).strip()) if match else ("", text)


def _line(values: dict, problems: list[Problem]) -> dict | None:
    """One row as a budget line; None for a heading or subtotal row (no component and no unit price)."""
    if cells.is_empty(values.get("item")) and cells.is_empty(values.get("unit_price")):
        return None
    sub, sub_name = _split(_text(values, "sub_activity", 360, problems))
    account, account_name = _split(_text(values, "account_code", 330, problems))
    if account and not CODE.match(account):
        problems.append(Problem("account_code", "accounts.bad_code", code=account))
    line = {"sub_activity": sub[:60], "sub_activity_name": (_text(values, "sub_activity_name", 300, problems)
                                                            or sub_name)[:300],
            "account_code": account[:30],
            "account_name": (_text(values, "account_name", 300, problems) or account_name)[:300],
            "item": _text(values, "item", 300, problems, required=True),
            "specification": _text(values, "specification", 1000, problems),
            "measure": _text(values, "measure", 60, problems)}
    try:
        amount, words = volume(values.get("volume"))
        if amount is None:
            problems.append(Problem("volume", "cell.required"))
        elif not 0 < amount <= MAX_VOLUME:
            problems.append(Problem("volume", "sipd.bad_volume", value=cells.text(values.get("volume"))))
        line["volume"] = amount or 0.0
        line["measure"] = line["measure"] or words[:60]
    except cells.CellError as exc:
        problems.append(Problem("volume", exc.key, **exc.params))
    line["unit_price"] = _money(values, "unit_price", problems, required=True)
    total = _money(values, "total", problems)
    if total is None and line["unit_price"] is not None and line.get("volume"):
        total = round(line["volume"] * line["unit_price"])
    line["total"] = total or 0
    return line


def import_lines(*, session: Session, viewer: Viewer, unit_id: int, fiscal_year: int, table: Table,
                 dry_run: bool = False) -> Outcome:
    """A unit's RKA/DPA lines of a year from a SIPD export, replacing the lines held for that unit and year
    (admin, or the unit's own operator). Returns lines, replaced (held before), skipped (heading and
    subtotal rows) and the total in Rupiah."""
    require_role(viewer, Role.ADMIN, Role.SKPD)
    require_unit_write(session, viewer, unit_id)
    year = _year(fiscal_year)
    problems, lines, numbers, skipped = [], [], [], 0
    for number, values in table.rows:
        found: list[Problem] = []
        line = _line(values, found)
        for problem in found:
            problem.row, problem.sheet = number, table.sheet or None
        problems += found
        if line is None:
            skipped += 1
        elif not found:
            lines.append(line)
            numbers.append(number)
    if problems:
        raise ImportRejected(table.located(problems), table.filename)
    if not lines:
        raise ImportRejected([Problem("-", "import.no_rows", sheet=table.sheet or None)], table.filename)
    held = session.scalar(select(func.count()).select_from(BudgetLine)
                          .where(BudgetLine.unit_id == unit_id, BudgetLine.fiscal_year == year)) or 0
    summary = Outcome({"lines": len(lines), "replaced": held, "skipped": skipped,
                       "total": sum(x["total"] for x in lines)}, [(n, "created") for n in numbers])
    if dry_run:
        return summary
    session.execute(delete(BudgetLine).where(BudgetLine.unit_id == unit_id, BudgetLine.fiscal_year == year))
    now = utcnow()
    session.add_all([BudgetLine(unit_id=unit_id, fiscal_year=year, source=table.filename[:200],
                                imported_by=viewer.username, imported_at=now, **x) for x in lines])
    audit.record(session, viewer=viewer, action="import", table="budget_line", row_id=None, unit_id=unit_id,
                 new={"fiscal_year": year, "file": table.filename, **summary})
    session.flush()
    return summary


def budget_lines(*, session: Session, viewer: Viewer, unit_id: int, fiscal_year: int) -> list[BudgetLine]:
    """A unit's lines of a year, as the viewer may read them."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    require_unit_read(session, viewer, unit_id)
    return list(session.scalars(select(BudgetLine).where(BudgetLine.unit_id == unit_id,
                                                         BudgetLine.fiscal_year == fiscal_year)
                                .order_by(BudgetLine.sub_activity, BudgetLine.account_code, BudgetLine.id)))


def line_years(*, session: Session, viewer: Viewer) -> list[tuple[int, str, int, int, int]]:
    """Which units have lines of which year, as the viewer may read them: (year, unit code, unit id, lines, total)."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    stmt = scoped(select(BudgetLine.fiscal_year, Unit.code, Unit.id, func.count(), func.sum(BudgetLine.total))
                  .join(Unit, Unit.id == BudgetLine.unit_id)
                  .group_by(BudgetLine.fiscal_year, Unit.code, Unit.id), BudgetLine.unit_id, session, viewer)
    return [tuple(r) for r in session.execute(stmt.order_by(BudgetLine.fiscal_year.desc(), Unit.code))]


def import_standards(*, session: Session, viewer: Viewer, fiscal_year: int, table: Table,
                     dry_run: bool = False) -> Outcome:
    """The city's standard prices of a year (admin), added and updated by code. Returns created, updated,
    unchanged."""
    require_role(viewer, Role.ADMIN)
    year = _year(fiscal_year)
    problems, items, first, lines = [], {}, {}, {}
    for number, values in table.rows:
        found: list[Problem] = []
        item = {"code": _text(values, "code", 60, found, required=True),
                "description": _text(values, "description", 300, found, required=True),
                "specification": _text(values, "specification", 1000, found),
                "measure": _text(values, "measure", 30, found),
                "price": _money(values, "price", found, required=True)}
        if item["code"] and item["code"].casefold() in first:
            found.append(Problem("code", "inventory.duplicate_in_file", first=first[item["code"].casefold()]))
        first.setdefault(item["code"].casefold(), number)
        for problem in found:
            problem.row, problem.sheet = number, table.sheet or None
        problems += found
        if not found:
            items[item["code"]] = item
            lines[item["code"]] = number
    if problems:
        raise ImportRejected(table.located(problems), table.filename)
    held = {s.code: s for s in session.scalars(select(StandardPrice).where(StandardPrice.fiscal_year == year))}
    counts, written = {"created": 0, "updated": 0, "unchanged": 0}, []
    now = utcnow()
    for code, item in items.items():
        entry = held.get(code)
        fields = {k: v for k, v in item.items() if k != "code"}
        if entry is None:
            counts["created"] += 1
            written.append((lines[code], "created"))
            if not dry_run:
                session.add(StandardPrice(fiscal_year=year, imported_by=viewer.username, imported_at=now, **item))
        elif any(getattr(entry, k) != v for k, v in fields.items()):
            counts["updated"] += 1
            written.append((lines[code], "updated"))
            if not dry_run:
                for k, v in fields.items():
                    setattr(entry, k, v)
                entry.imported_by, entry.imported_at = viewer.username, now
        else:
            counts["unchanged"] += 1
    if not dry_run:
        audit.record(session, viewer=viewer, action="import", table="standard_price", row_id=None, unit_id=None,
                     new={"fiscal_year": year, "file": table.filename, **counts})
        session.flush()
    return Outcome(counts, sorted(written))


def standards(*, session: Session, viewer: Viewer, fiscal_year: int, search: str = "",
              limit: int = 500) -> list[StandardPrice]:
    """The year's standard prices, those matching `search` (code, description, specification) first 500."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    stmt = select(StandardPrice).where(StandardPrice.fiscal_year == fiscal_year)
    for word in search.split()[:6]:
        like = f"%{word}%"
        stmt = stmt.where(or_(StandardPrice.code.ilike(like), StandardPrice.description.ilike(like),
                              StandardPrice.specification.ilike(like)))
    return list(session.scalars(stmt.order_by(StandardPrice.code).limit(limit)))


def _support(code: str) -> str | None:
    """A support-programme code's part after affair and field ("01.2.07.0006" of "2.26.01.2.07.0006"), or None.
    Permendagri 90/2019 writes the support programme X.XX.01 once for every affair and field: its
    activities and sub-activities have the same numbers and names in every unit."""
    parts = code.split(".")
    return ".".join(parts[2:]) if len(parts) == 6 and parts[2] == "01" else None


def sub_activity_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Sub-activity code → its name, as the latest SIPD lines name it; a support-programme code that no line
    names takes the name SIPD lines give the same sub-activity under another affair and field. A code no
    line explains is left out (the caller says its name is unknown)."""
    if not codes:
        return {}
    names: dict[str, str] = {}
    generic: dict[str, str] = {}
    support = {_support(c) for c in codes} - {None}
    for code, name in session.execute(select(BudgetLine.sub_activity, BudgetLine.sub_activity_name)
                                      .where(BudgetLine.sub_activity_name != "",
                                             or_(BudgetLine.sub_activity.in_(codes),
                                                 *[BudgetLine.sub_activity.like(f"%.%.{s}") for s in support]))
                                      .order_by(BudgetLine.fiscal_year.desc(), BudgetLine.id)):
        if code in codes:
            names.setdefault(code, name)
        if _support(code) in support:
            generic.setdefault(_support(code), name)
    for code in codes - set(names):
        if _support(code) in generic:
            names[code] = generic[_support(code)]
    return names


def specifications(session: Session, fiscal_year: int, codes: set[str]) -> dict[str, str]:
    """Standard item code → its specification, from the year's list or the latest before it."""
    if not codes:
        return {}
    specs: dict[str, str] = {}
    for code, spec in session.execute(select(StandardPrice.code, StandardPrice.specification)
                                      .where(StandardPrice.code.in_(codes), StandardPrice.fiscal_year <= fiscal_year)
                                      .order_by(StandardPrice.fiscal_year.desc())):
        specs.setdefault(code, spec)
    return specs
