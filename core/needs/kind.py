"""ICT needs as a record kind: the same table editor, template, import and export as the inventory, with
the fiscal year, the devices a need replaces and the applications it improves, and a workflow status that
locks a need once its unit has sent it to Kominfo."""

import re
from typing import Any

from sqlalchemy import select

from core.access import Role, Viewer
from core.errors import Problem
from core.evaluation.readiness import MEASURES
from core.i18n import t
from core.inventory.kinds import (
    COMPETENCE_AREAS,
    FORMER_AREA_LABELS,
    YES_NO,
    load_applications,
    load_categories,
    load_devices,
    loads,
)
from core.records import cells
from core.records.kinds import (
    UNIT,
    Column,
    RecordKind,
    derived,
    from_table,
    labelled,
    labelled_list,
    refs,
    text,
)
from db.needs import Need, StandardPrice
from db.types import utcnow

NEED_CATEGORIES = ("infrastructure", "hardware", "software", "application", "connectivity", "training", "service")
NEED_STATUSES = ("draft", "submitted", "approved", "revised", "rejected")
EDITABLE = ("draft", "revised")  # the unit may change and submit its needs in these states
# Readiness measures a need can promise to raise (the device measures follow from its device category).
NEED_INDICATORS = tuple(m.code for m in MEASURES if m.fundable)
PLAN_AHEAD_YEARS = 5  # plans reach a few years ahead (RPJMD, Renstra)
SUB_ACTIVITY = re.compile(r"^[0-9X]+(\.[0-9X]+){3,7}$", re.IGNORECASE)  # 2.16.03.2.02.0001, X.XX.01.2.07.0006


def _priority(v, lk, u):
    value = cells.whole(v, 1, 5)
    return 3 if value is None else value


def _quantity(v, lk, u):
    value = cells.whole(v, 1, 100_000)
    if value is None:
        raise cells.CellError("cell.required")
    return value


def _price(v, lk, u):
    """Rupiah; an empty price is taken from the standard item the row names (see `_complete`)."""
    value = cells.rupiah(v)
    return 0 if value is None else value


def _standard(v, lk, u):
    code = cells.text(v)
    if code and code.casefold() not in lk.lists["standards"]:
        raise cells.CellError("needs.standard_unknown", code=code)
    return lk.lists["standards"][code.casefold()][0][1] if code else ""


def _sub_activity(v, lk, u):
    code = cells.text(v)
    if code and not SUB_ACTIVITY.match(code):
        raise cells.CellError("needs.bad_sub_activity", code=code)
    return code


def load_standards(session, viewer, lookup) -> None:
    """Every standard item by code (any case): its lists, latest year first, as (year, code, price, measure)."""
    found: dict[str, list[tuple]] = {}
    for year, code, price, measure in session.execute(
            select(StandardPrice.fiscal_year, StandardPrice.code, StandardPrice.price, StandardPrice.measure)
            .order_by(StandardPrice.fiscal_year.desc())):
        found.setdefault(code.casefold(), []).append((year, code, price, measure))
    lookup.lists["standards"] = found


def _complete(values: dict[str, Any], lookup) -> None:
    """A need that names a standard item and leaves the price (or the unit of measure) empty takes the
    standard's: of the need's year, else of the latest list before it (as the above_standard check reads it)."""
    code = values.get("standard_code")
    if not code:
        return
    lists = lookup.lists["standards"].get(code.casefold(), [])
    year = values.get("fiscal_year") or utcnow().year
    item = next((x for x in lists if x[0] <= year), None)  # a later year's list never prices it
    if item is None:
        return
    if not values.get("unit_price"):
        values["unit_price"] = item[2]
    if not values.get("measure"):
        values["measure"] = item[3]


def _fiscal_year(v, lk, u):
    value = cells.whole(v, 2000, utcnow().year + PLAN_AHEAD_YEARS)
    if value is None:
        raise cells.CellError("cell.required")
    return value


def _keys(values: dict[str, Any]) -> list[tuple]:
    return [("need", values.get("unit"), values.get("fiscal_year"),
             " ".join((values.get("item") or "").casefold().split()))]


def _rules(values: dict[str, Any]) -> list[Problem]:
    problems = []
    if values.get("replaces") and not values.get("device_category"):
        problems.append(Problem("device_category", "needs.replaces_needs_category"))
    if not values.get("unit_price"):
        problems.append(Problem("unit_price", "needs.price_required"))
    return problems


def _figures(session, method: str):
    return lambda need: {"total": need.quantity * need.unit_price, "status": need.status,
                         "review_note": need.review_note}


def _locked(need: Need, viewer: Viewer) -> Problem | None:
    """A unit changes a need only while it is its own (draft, or sent back for revision); Kominfo may always."""
    if need.status in EDITABLE or viewer.role is Role.ADMIN:
        return None
    return Problem("status", "needs.locked", status=t(f"need_status.{need.status}"))


NEED = RecordKind(
    "need", Need, "unit_id", [
        UNIT,
        Column("fiscal_year", _fiscal_year, kind="number", width=10, aliases=("tahun anggaran", "tahun", "ta")),
        Column("item", text(200, required=True), width=32,
               aliases=("nama barang", "uraian", "kebutuhan", "nama kebutuhan", "item", "uraian kebutuhan")),
        Column("category", **labelled("need_category", NEED_CATEGORIES, None)),
        Column("device_category", **from_table("categories", "", 16)),
        Column("quantity", _quantity, kind="number", width=8, aliases=("volume", "koefisien", "qty", "banyaknya")),
        Column("measure", text(30), width=10, aliases=("satuan",)),
        Column("unit_price", _price, kind="money", aliases=("harga satuan", "harga")),
        Column("total", **derived("money", 18)),
        Column("standard_code", _standard, width=18, aliases=("kode ssh", "kode standar harga", "ssh")),
        Column("sub_activity", _sub_activity, width=22, aliases=("sub kegiatan", "kode sub kegiatan", "kode_sub_giat")),
        Column("priority", _priority, kind="number", width=8),
        Column("mandatory", **labelled("answer", YES_NO, False)),
        Column("justification", text(1000), width=36, aliases=("alasan", "justifikasi", "keterangan")),
        Column("replaces", **refs("device", "cell.device_unknown")),
        Column("improves_apps", **refs("application", "cell.app_unknown")),
        Column("indicators", **labelled_list("measure", NEED_INDICATORS)),
        Column("competence_areas", **labelled_list("competence", COMPETENCE_AREAS, FORMER_AREA_LABELS)),
        Column("status", **derived(width=12, show=lambda v, lk, lang: t(f"need_status.{v}", lang) if v else "")),
        Column("review_note", **derived(width=30)),
    ],
    search=("item", "justification"),
    keys=_keys, key_columns={"need": "item"}, rules=_rules,
    load=loads(load_categories, load_devices, load_applications, load_standards), figures=_figures, locked=_locked,
    complete=_complete,
    filters=("fiscal_year",), search_hint="needs.search_hint",
)
