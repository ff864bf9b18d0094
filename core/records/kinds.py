"""A record kind described once as columns: how each cell is read, how it is shown and which list it draws
on, plus the hooks where one kind differs from another (its natural keys, its rules across cells, what
reading a row needs from the store, how its values map to model fields, what makes a record read-only).

One description per kind serves the table editor, the Excel template, the import and the export, so a
column reads the same everywhere and an exported file imports back unchanged. The kinds themselves live
with their domains (`core.inventory.kinds`, `core.needs.kind`); this module knows none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from core.access import Viewer
from core.errors import Problem
from core.i18n import CATALOGUES, t
from core.records import cells


@dataclass
class Lookup:
    """What reading a row needs from the store, loaded once per save or import: the units by code, the
    lists the kind draws on, and the records its cells may name (each limited to what the viewer sees)."""

    unit_ids: dict[str, int]  # unit code (upper case) → id
    unit_codes: dict[int, str]
    writable: list[str] = field(default_factory=list)  # codes of the units the viewer may fill, for dropdowns
    lists: dict[str, dict[str, str]] = field(default_factory=dict)  # list name → {code: name}
    refs: dict[str, dict[tuple[int, str], int]] = field(default_factory=dict)  # what → {(unit, spelling): id}
    names: dict[str, dict[int, str]] = field(default_factory=dict)  # what → {id: name as shown}


def words(prefix: str, codes, former: dict | None = None) -> dict[str, str]:
    """Every spelling of a list's values (code and label in each language, and labels a value had before,
    `former`: {code: [labels]}, so files made with earlier templates still read), lower-case, to the code."""
    found = {}
    for code in codes:
        found[str(code).casefold()] = code
        for lang in CATALOGUES:
            found[t(f"{prefix}.{code}", lang).casefold()] = code
        for label in (former or {}).get(code, ()):
            found[label.casefold()] = code
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
    aliases: tuple[str, ...] = ()  # other headers people write for it ("Harga beli", "S/N"), any language

    def label(self, record: str, lang: str) -> str:
        return t(f"{record}.{self.field}", lang)


def _no_rules(values: dict[str, Any]) -> list[Problem]:
    return []


def _nothing(*_args) -> None:
    return None


def _no_figures(session: Session, method: str) -> Callable[[Any], dict[str, Any]]:
    return lambda record: {}


@dataclass(frozen=True)
class RecordKind:
    """A register's rows: the model, its unit column and its columns, and the hooks of this kind."""

    name: str  # device, staff, application, need: also the catalogue prefix of its headers
    model: type
    unit_field: str
    columns: list[Column]
    search: tuple[str, ...]  # model fields the search box looks in
    # What identifies a record to a person, strongest first, as tuples whose first item names the key;
    # `key_columns` says which column each key is about (for the messages).
    keys: Callable[[dict[str, Any]], list[tuple]]
    key_columns: dict[str, str]
    rules: Callable[[dict[str, Any]], list[Problem]] = _no_rules  # rules across the cells of one row
    # Values a row leaves empty that follow from its others and the store (a need's price from the
    # standard item it names), filled before the rules are checked.
    complete: Callable[[dict[str, Any], Lookup], None] = _nothing
    load: Callable[[Session, Viewer, Lookup], None] = _nothing  # fill the lists and references it reads
    # Column values ↔ model fields, for kinds that keep several columns in one field (staff competences).
    pack: Callable[[dict[str, Any]], dict[str, Any]] = lambda values: values
    unpack: Callable[[Any], dict[str, Any]] = lambda record: {}
    # Read-only figures shown beside the stored columns: built once per listing (session, depreciation).
    figures: Callable[[Session, str], Callable[[Any], dict[str, Any]]] = _no_figures
    # None when the viewer may change or delete the record, else the problem saying why not.
    locked: Callable[[Any, Viewer], Problem | None] = lambda record, viewer: None
    before_delete: Callable[[Session, list[int]], None] = _nothing  # references to records about to go
    filters: tuple[str, ...] = ()  # model fields a listing may be limited to one value of (fiscal_year)
    search_hint: str = "inventory.search_hint"  # catalogue key of the search box's placeholder

    def __repr__(self) -> str:  # short, stable: pages key their cached reads by it
        return f"RecordKind({self.name})"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)

    @property
    def editable(self) -> list[Column]:
        return [c for c in self.columns if not c.read_only]


# Column helpers shared by every kind --------------------------------------------------------------------

def labelled(prefix: str, codes, default: str | None = None) -> dict:
    """read/show/options for a fixed list whose labels live in the catalogue."""
    spellings = words(prefix, codes)
    allowed = ", ".join(t(f"{prefix}.{c}") for c in codes)
    return {
        "read": lambda v, lk, u: cells.choice(v, spellings, default, allowed),
        "show": lambda v, lk, lang: t(f"{prefix}.{v}", lang) if v not in (None, "") else "",
        "options": lambda lk, lang: [t(f"{prefix}.{c}", lang) for c in codes],
        "kind": "list", "width": 14,
    }


def labelled_list(prefix: str, codes, former: dict | None = None) -> dict:
    """read/show for a cell holding several entries of a fixed list, comma separated."""
    spellings = words(prefix, codes, former)
    allowed = ", ".join(t(f"{prefix}.{c}") for c in codes)

    def read(v, lk, u):
        found = []
        for name in names(v, lk, u):
            code = cells.choice(name, spellings, None, allowed)
            if code not in found:
                found.append(code)
        return found
    return {"read": read, "show": lambda v, lk, lang: ", ".join(t(f"{prefix}.{c}", lang) for c in v or []),
            "width": 30}


def from_table(name: str, default: str | None = None, width: int = 18) -> dict:
    """read/show/options for a list kept in the store (`Lookup.lists[name]`: device categories, positions)."""
    def read(v, lk, u):
        table = lk.lists[name]
        spellings = {**{c.casefold(): c for c in table}, **{n.casefold(): c for c, n in table.items()}}
        return cells.choice(v, spellings, default, ", ".join(table.values()))
    return {"read": read, "show": lambda v, lk, lang: lk.lists[name].get(v, v or ""),
            "options": lambda lk, lang: list(lk.lists[name].values()), "kind": "list", "width": width}


def text(limit: int, required: bool = False) -> Callable:
    def read(v, lk, u):
        value = cells.text(v)
        if required and not value:
            raise cells.CellError("cell.required")
        if len(value) > limit:
            raise cells.CellError("cell.too_long", limit=limit)
        return value
    return read


def unit(v, lk: Lookup, u):
    code = cells.text(v).upper()
    if not code:
        raise cells.CellError("cell.required")
    if code not in lk.unit_ids:
        raise cells.CellError("cell.unit_unknown", code=code)
    return lk.unit_ids[code]


def show_unit(v, lk: Lookup, lang):
    return lk.unit_codes.get(v, "")


UNIT = Column("unit", unit, show_unit, kind="text", width=20,
              aliases=("opd", "skpd", "kode opd", "kode skpd", "unit kerja", "perangkat daerah"))


def names(v, lk, u) -> list[str]:
    """A comma or semicolon separated list, as one cell holds it."""
    return [part for part in (cells.text(p) for p in cells.text(v).replace(";", ",").split(",")) if part]


def join(v, lk, lang) -> str:
    return ", ".join(v or [])


def ref(what: str, error: str, key: Callable[[str], str] = str.casefold) -> dict:
    """read/show for a cell naming one record of the row's unit (`Lookup.refs[what]`, keyed by `key` of the
    spelling), stored as its id."""
    def read(v, lk: Lookup, unit_id):
        name = cells.text(v)
        if not name:
            return None
        found = lk.refs[what].get((unit_id, key(name)))
        if found is None:
            raise cells.CellError(error, value=name)
        return found
    return {"read": read, "show": lambda v, lk, lang: lk.names[what].get(v, ""), "width": 22}


def refs(what: str, error: str) -> dict:
    """read/show for a cell naming several records of the row's unit, comma separated, stored as their ids."""
    def read(v, lk: Lookup, unit_id):
        found = []
        for name in names(v, lk, unit_id):
            rid = lk.refs[what].get((unit_id, name.casefold()))
            if rid is None:
                raise cells.CellError(error, value=name)
            if rid not in found:
                found.append(rid)
        return found

    def show(v, lk, lang):  # a device disposed of or an application removed since drops out
        known = lk.names[what]
        return ", ".join(known[i] for i in v or [] if i in known)
    return {"read": read, "show": show, "width": 30}


def derived(kind: str = "text", width: int = 10, show=None) -> dict:
    """A read-only column computed by the kind's `figures` hook, never read from a cell."""
    return {"read": lambda v, lk, u: None, "kind": kind, "width": width, "read_only": True,
            **({"show": show} if show else {})}


MONEY = {"read": lambda v, lk, u: cells.rupiah(v), "kind": "money"}
DAY = {"read": lambda v, lk, u: cells.day(v), "kind": "date"}
YEAR = {"read": lambda v, lk, u: cells.year(v), "kind": "number", "width": 10}
