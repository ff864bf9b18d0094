"""Evaluation frameworks as data: a tree of weighted nodes with levels at its leaves, predicate bands, and
who scores each indicator. Two ship in `db/reference/`: spbe-2020 (PermenPANRB 59/2020, Indeks SPBE:
domain → aspect → indicator) and pemdi-2026 (PermenPANRB 8/2026, Indeks Pemdi: aspect → indicator).

One index function computes any framework: a node = Σ(child weight × child value) / node weight, the
index = Σ(top node weight × top node value) / 100, where a leaf's value is its level (1–5). A node is
None until every leaf under it has a level.

Rounding happens once, where a figure is shown: an index is rounded half up to two decimals
(`shown`), and the predicate is read from that rounded value, so a value shown as 4,00 always sits next
to the band 4,00 opens. Below two decimals nothing is noise: 3,995 is shown as 4,00 and is Memuaskan.

A stored framework is the row in `evaluation_framework`; an admin may correct its names, weights and
bands until a period uses it, then it is frozen with that period (`edit`).
"""

import csv
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role
from core.errors import ImportRejected, NotFound, PermissionDenied, Problem
from core.i18n import t
from db import REFERENCE
from db.evaluation import EvaluationFramework, EvaluationPeriod
from db.types import utcnow

SPBE, PEMDI = "spbe-2020", "pemdi-2026"
FIRST_PEMDI_YEAR = 2026  # PermenPANRB 8/2026 applies from the 2026 evaluation on
LEVELS = (1, 2, 3, 4, 5)
WEIGHT_SLACK = 0.005  # percent: weights are typed with two decimals

# Level names per scale (index 0 is level 1). The 8/2026 levels carry the maturity names of its bands.
LEVEL_NAMES = {
    "proses": (("Rintisan", "Terkelola", "Terdefinisi", "Terpadu dan Terukur", "Optimum"),
               ("Initial", "Managed", "Defined", "Integrated and measured", "Optimum")),
    "layanan": (("Informasi", "Interaksi", "Transaksi", "Kolaborasi", "Optimum"),
                ("Information", "Interaction", "Transaction", "Collaboration", "Optimum")),
    "kematangan": (("Merintis", "Membangun", "Berkembang", "Melembaga", "Unggul"),
                   ("Initiate", "Emerging", "Developing", "Embedded", "Leading")),
}
# What each level means in general, per scale: the text of an indicator the reference file does not
# describe, and what frameworks stored before it came held for every indicator (still read in English).
LEVEL_DESCRIPTIONS = {
    "proses": ("Kebijakan atau proses belum ada, atau ada tetapi belum dijalankan secara teratur.",
               "Sudah ada dan dijalankan, tetapi belum baku untuk seluruh perangkat daerah.",
               "Sudah baku, ditetapkan dan dijalankan oleh seluruh perangkat daerah.",
               "Sudah terpadu antarperangkat daerah dan diukur kinerjanya secara berkala.",
               "Ditingkatkan terus-menerus dari hasil pengukuran dan perubahan kebutuhan."),
    "layanan": ("Layanan memberi informasi satu arah.",
                "Layanan memungkinkan interaksi dua arah dengan pengguna.",
                "Layanan memungkinkan transaksi penuh secara elektronik.",
                "Layanan terintegrasi dengan layanan instansi lain.",
                "Layanan ditingkatkan terus-menerus dari umpan balik pengguna."),
    "kematangan": ("Kebijakan, proses atau sarananya baru mulai dirintis.",
                   "Sudah ada dan dijalankan sebagian, belum baku.",
                   "Sudah baku dan dijalankan di seluruh instansi.",
                   "Terpadu, diukur dan dievaluasi secara berkala.",
                   "Ditingkatkan terus-menerus dan menjadi rujukan instansi lain."),
}
LEVEL_DESCRIPTIONS_EN = {
    "proses": ("The policy or process does not exist yet, or exists but is not followed regularly.",
               "It exists and is followed, but is not yet standard for every unit of the government.",
               "It is standard, adopted and followed by every unit of the government.",
               "It is integrated across units and its performance is measured regularly.",
               "It keeps improving from the measurements and from changing needs."),
    "layanan": ("The service gives information one way.",
                "The service allows two-way interaction with its users.",
                "The service allows a full electronic transaction.",
                "The service is integrated with other agencies' services.",
                "The service keeps improving from users' feedback."),
    "kematangan": ("The policy, process or means is only starting.",
                   "It exists and is partly followed, not yet standard.",
                   "It is standard and followed across the whole agency.",
                   "It is integrated, measured and evaluated regularly.",
                   "It keeps improving and serves as a reference for other agencies."),
}
LEVELS_FILE = "indicator_levels.csv"  # every indicator's own description of each level, in both languages


# Documents the app generates from what it holds, per pemdi-2026 indicator (HR, applications, infrastructure,
# integration, and the SLA dashboard per digital service for user support).
PEMDI_EVIDENCE = {3: ["staff"], 13: ["applications"], 14: ["infrastructure"], 16: ["integrations", "applications"],
                  19: ["sla"], 20: ["satisfaction"]}


@dataclass(frozen=True)
class Node:
    """A weighted node: a domain or aspect (a group), or an indicator (a leaf with a number and a level)."""

    code: str
    kind: str  # "domain", "aspect" or "indicator"
    name: str
    weight: float  # percent of the whole index
    parent: str | None = None
    number: int = 0  # an indicator's place in the framework (1, 2, …)
    scale: str = ""  # an indicator's level names: proses, layanan, kematangan
    scored_by: str = "self"  # "self", or "external:<agency>" when another agency's evaluation gives the level
    descriptions: tuple[str, ...] = ()  # what levels 1–5 mean for this indicator
    evidence: tuple[str, ...] = ()  # documents the app can generate for it (core.evaluation.evidence.KINDS)
    descriptions_en: tuple[str, ...] = ()  # the same in English ("" where none is known)

    @property
    def external(self) -> str:
        """The outside agency that scores this indicator, or "" when the government scores it itself."""
        return self.scored_by.split(":", 1)[1] if self.scored_by.startswith("external:") else ""

    # Names the older SPBE code and pages use for an indicator's groups.
    @property
    def aspect(self) -> str:
        return self.parent or ""


@dataclass(frozen=True)
class Band:
    lower: float
    key: str  # memuaskan, sangat_baik, baik, cukup, kurang
    name: str
    name_en: str
    maturity: str = ""  # 8/2026: Unggul … Merintis
    maturity_en: str = ""

    def label(self, lang: str = "id") -> str:
        name = self.name if lang == "id" else f"{self.name_en} ({self.name})"
        maturity = self.maturity if lang == "id" else self.maturity_en or self.maturity
        return f"{name} · {maturity}" if maturity else name


@dataclass(frozen=True)
class Result:
    """Unrounded values of every group node and of the whole; None where a level is missing below."""

    values: dict[str, float | None]
    overall: float | None
    answered: int
    framework: "Framework"

    def of_kind(self, kind: str) -> dict[str, float | None]:
        return {code: self.values[code] for code in self.framework.groups(kind)}

    @property
    def aspects(self) -> dict[str, float | None]:
        return self.of_kind("aspect")

    @property
    def domains(self) -> dict[str, float | None]:
        return self.of_kind("domain")


@dataclass(frozen=True)
class Framework:
    code: str
    title: str
    regulation: str
    index_name: str  # "Indeks Pemdi"
    index_name_en: str
    nodes: tuple[Node, ...]
    bands: tuple[Band, ...]  # highest first
    _by_code: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._by_code.update({n.code: n for n in self.nodes})

    # The tree ------------------------------------------------------------------------------------------
    def indicators(self) -> tuple[Node, ...]:
        return tuple(sorted((n for n in self.nodes if n.kind == "indicator"), key=lambda n: n.number))

    def indicator(self, number: int) -> Node:
        for node in self.nodes:
            if node.kind == "indicator" and node.number == number:
                return node
        raise NotFound("evaluation.indicator_unknown")

    def numbers(self) -> set[int]:
        return {n.number for n in self.nodes if n.kind == "indicator"}

    def groups(self, kind: str) -> dict[str, Node]:
        return {n.code: n for n in self.nodes if n.kind == kind}

    def aspects(self) -> dict[str, Node]:
        return self.groups("aspect")

    def domains(self) -> dict[str, Node]:
        return self.groups("domain")

    def group_kinds(self) -> list[str]:
        """The group levels this framework has, top first: ["domain", "aspect"] or ["aspect"]."""
        return [k for k in ("domain", "aspect") if self.groups(k)]

    def children(self, code: str | None) -> list[Node]:
        return [n for n in self.nodes if n.parent == code]

    def top(self) -> list[Node]:
        return self.children(None)

    def node(self, code: str) -> Node:
        return self._by_code[code]

    def index_label(self, lang: str = "id") -> str:
        return self.index_name if lang == "id" else self.index_name_en

    # The arithmetic ------------------------------------------------------------------------------------
    def index(self, levels: dict[int, int | float | None], given: dict[str, float] | None = None) -> Result:
        """Every group node's value and the whole index, from the levels by indicator number; a node in `given`
        (a domain's or aspect's value, as the regulation's worked example states them) is taken as it is."""
        answered = {n: v for n, v in levels.items() if v is not None}
        values: dict[str, float | None] = {}
        given = given or {}

        def value(node: Node) -> float | None:
            if node.code in given:
                values[node.code] = float(given[node.code])
                return values[node.code]
            if node.kind == "indicator":
                level = answered.get(node.number)
                return None if level is None else float(level)
            parts = [(child, value(child)) for child in self.children(node.code)]
            result = (None if any(v is None for _, v in parts)
                      else sum(child.weight * v for child, v in parts) / node.weight)
            values[node.code] = result
            return result

        tops = [(node, value(node)) for node in self.top()]
        overall = None if any(v is None for _, v in tops) else sum(n.weight * v for n, v in tops) / 100
        return Result(values, overall, sum(1 for n in self.numbers() if n in answered), self)

    def band(self, value: float | None) -> Band | None:
        """The predicate band of a value, read from the value as shown (two decimals, half up)."""
        if value is None:
            return None
        rounded = shown(value)
        for band in self.bands:
            if rounded >= Decimal(str(band.lower)):
                return band
        return self.bands[-1]

    def predicate(self, value: float | None) -> str | None:
        band = self.band(value)
        return band.key if band else None

    def predicate_label(self, value: float | None, lang: str = "id") -> str:
        band = self.band(value)
        return band.label(lang) if band else "–"

    def level_name(self, node: Node, level: int | None, lang: str = "id") -> str:
        if level is None or node.scale not in LEVEL_NAMES:
            return ""
        return LEVEL_NAMES[node.scale][0 if lang == "id" else 1][level - 1]

    def level_descriptions(self, node: Node, lang: str = "id") -> tuple[str, ...]:
        """What each level means for `node`, in the reader's language (Indonesian where no English is known)."""
        if lang == "id":
            return node.descriptions
        english = node.descriptions_en + ("",) * (len(node.descriptions) - len(node.descriptions_en))
        return tuple(en or own for own, en in zip(node.descriptions, english, strict=False))

    # As stored -----------------------------------------------------------------------------------------
    def document(self) -> dict:
        return {"code": self.code, "title": self.title, "regulation": self.regulation,
                "index_name": self.index_name, "index_name_en": self.index_name_en,
                "nodes": [{"code": n.code, "kind": n.kind, "name": n.name, "weight": n.weight, "parent": n.parent,
                           "number": n.number, "scale": n.scale, "scored_by": n.scored_by,
                           "descriptions": list(n.descriptions), "descriptions_en": list(n.descriptions_en),
                           "evidence": list(n.evidence)} for n in self.nodes],
                "bands": [{"lower": b.lower, "key": b.key, "name": b.name, "name_en": b.name_en,
                           "maturity": b.maturity, "maturity_en": b.maturity_en} for b in self.bands]}


def formula(framework: Framework, lang: str = "id") -> str:
    """How this framework's index is computed, in words, for the page that shows it."""
    kinds = framework.group_kinds()
    parts = [t("framework.formula.aspect", lang)]
    if "domain" in kinds:
        parts.append(t("framework.formula.domain", lang))
    parts.append(t(f"framework.formula.index.{kinds[0]}", lang, index=framework.index_label(lang)))
    return "; ".join(parts) + "."


def shown(value: float) -> Decimal:
    """An index as shown and as banded: two decimals, half up. round(x, 9) first takes away float noise
    (1.3 × 42 / 13 is 4.199999999999999 in floats; the exact value is 4.2)."""
    return Decimal(repr(round(value, 9))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def from_document(doc: dict) -> Framework:
    nodes = tuple(Node(n["code"], n["kind"], n["name"], float(n["weight"]), n.get("parent"), int(n.get("number") or 0),
                       n.get("scale", ""), n.get("scored_by", "self"), tuple(n.get("descriptions") or ()),
                       tuple(n.get("evidence") or ()), english_descriptions(n))
                  for n in doc["nodes"])
    bands = tuple(sorted((Band(float(b["lower"]), b["key"], b["name"], b["name_en"], b.get("maturity", ""),
                               b.get("maturity_en", "")) for b in doc["bands"]), key=lambda b: -b.lower))
    return Framework(doc["code"], doc["title"], doc.get("regulation", ""), doc["index_name"], doc["index_name_en"],
                     nodes, bands)


def problems_of(doc: dict) -> list[Problem]:
    """What makes a framework document unusable: weights that do not add up, a band order that is not
    strictly falling, a node whose parent is missing. Each problem names the node (row) and the field."""
    problems: list[Problem] = []
    try:
        framework = from_document(doc)
    except (KeyError, TypeError, ValueError) as exc:
        return [Problem("-", "framework.unreadable", error=str(exc))]
    codes = {n.code for n in framework.nodes}
    for node in framework.nodes:
        if node.parent is not None and node.parent not in codes:
            problems.append(Problem("parent", "framework.parent_missing", row=node.code, parent=node.parent))
        if node.weight <= 0:
            problems.append(Problem("weight", "framework.weight_positive", row=node.code))
        children = framework.children(node.code)
        if node.kind != "indicator" and children:
            total = sum(c.weight for c in children)
            if abs(total - node.weight) > WEIGHT_SLACK:
                problems.append(Problem("weight", "framework.weights_differ", row=node.code,
                                        total=round(total, 2), weight=node.weight))
        if not node.name.strip():
            problems.append(Problem("name", "framework.name_missing", row=node.code))
    top = sum(n.weight for n in framework.top())
    if abs(top - 100) > WEIGHT_SLACK:
        problems.append(Problem("weight", "framework.weights_not_100", row="-", total=round(top, 2)))
    lowers = [b.lower for b in framework.bands]
    if len(set(lowers)) != len(lowers) or not all(1 <= b <= 5 for b in lowers):
        problems.append(Problem("lower", "framework.bands_invalid", row="-"))
    return problems


# The shipped frameworks ------------------------------------------------------------------------------------

def _bands(code: str) -> tuple[list[dict], dict]:
    with (REFERENCE / "evaluation_frameworks.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["framework"] == code]
    keys = {"Memuaskan": "memuaskan", "Sangat Baik": "sangat_baik", "Baik": "baik", "Cukup": "cukup", "Kurang": "kurang"}
    bands = []
    for r in rows:
        maturity, _, english = r["maturity_name"].partition(" (")
        bands.append({"lower": float(r["lower_bound"]), "key": keys[r["predicate"]], "name": r["predicate"],
                      "name_en": r["predicate_en"], "maturity": maturity, "maturity_en": english.rstrip(")")})
    return bands, rows[0]


@cache
def _levels() -> dict[tuple[str, int], tuple[list[str], list[str]]]:
    """(framework, indicator) → what its levels 1–5 mean, in Indonesian and in English, from the reference file."""
    found: dict[tuple[str, int], tuple[list[str], list[str]]] = {}
    for r in sorted(_rows(LEVELS_FILE), key=lambda r: int(r["level"])):
        own, english = found.setdefault((r["framework"], int(r["indicator"])), ([], []))
        own.append(r["description"])
        english.append(r["description_en"])
    return found


def _descriptions(code: str, number: int, scale: str) -> dict[str, list[str]]:
    """An indicator's level descriptions in both languages; its scale's general ones when the file has none."""
    general = (list(LEVEL_DESCRIPTIONS[scale]), list(LEVEL_DESCRIPTIONS_EN[scale]))
    own, english = _levels().get((code, number)) or general
    return {"descriptions": own, "descriptions_en": english}


@cache
def _translations() -> dict[str, str]:
    """Every shipped Indonesian level description → its English, for a stored framework without English."""
    pairs = {d: e for own, english in _levels().values() for d, e in zip(own, english, strict=True)}
    for scale, texts in LEVEL_DESCRIPTIONS.items():
        pairs.update(zip(texts, LEVEL_DESCRIPTIONS_EN[scale], strict=True))
    return pairs


def english_descriptions(node: dict) -> tuple[str, ...]:
    """A stored node's English level descriptions: its own, or (stored before they existed) the shipped English
    of the Indonesian it holds, "" where an admin wrote Indonesian the reference does not have."""
    if node.get("descriptions_en"):
        return tuple(node["descriptions_en"])
    return tuple(_translations().get(d, "") for d in node.get("descriptions") or ())


def _tree(rows: list[dict], levels: list[tuple[str, str]], indicator) -> list[dict]:
    """Nodes from reference rows: each group level once, by its code column (`levels`: (kind, column
    prefix) top first), then the row's indicator, as `indicator(row, parent)` builds it."""
    nodes, seen = [], set()
    for r in rows:
        parent = None
        for kind, prefix in levels:
            code = r[f"{prefix}_code"]
            if code not in seen:
                seen.add(code)
                nodes.append({"code": code, "kind": kind, "name": r[f"{prefix}_name"],
                              "weight": float(r[f"{prefix}_weight"]), "parent": parent})
            parent = code
        nodes.append({"code": f"I{r['indicator']}", "kind": "indicator", "name": r["name"],
                      "weight": float(r["indicator_weight"]), "parent": parent, "number": int(r["indicator"]),
                      **indicator(r)})
    return nodes


def _rows(name: str) -> list[dict]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def shipped() -> dict[str, dict]:
    """Both frameworks as documents, read from the reference files."""
    nodes = _tree(_rows("spbe_indicators.csv"), [("domain", "domain"), ("aspect", "aspect")],
                  lambda r: {"scale": r["level_scale"], "scored_by": "self",
                             **_descriptions(SPBE, int(r["indicator"]), r["level_scale"])})
    bands, head = _bands(SPBE)
    spbe = {"code": SPBE, "title": head["title"], "regulation": "PermenPANRB 59/2020", "index_name": "Indeks SPBE",
            "index_name_en": "SPBE index", "nodes": nodes, "bands": bands}
    nodes = _tree(_rows("pemdi_indicators.csv"), [("aspect", "aspect")],
                  lambda r: {"scale": "kematangan", "scored_by": r["scored_by"],
                             **_descriptions(PEMDI, int(r["indicator"]), "kematangan"),
                             "evidence": PEMDI_EVIDENCE.get(int(r["indicator"]), [])})
    bands, head = _bands(PEMDI)
    pemdi = {"code": PEMDI, "title": head["title"], "regulation": "PermenPANRB 8/2026", "index_name": "Indeks Pemdi",
             "index_name_en": "Pemdi index", "nodes": nodes, "bands": bands}
    return {SPBE: spbe, PEMDI: pemdi}


def reference(code: str) -> Framework:
    """A shipped framework as the reference files give it (no store needed: the CLI, tests)."""
    if code not in shipped():
        raise NotFound("framework.not_found")
    return from_document(shipped()[code])


def ensure_shipped(session: Session) -> int:
    """Store every shipped framework the store does not hold yet (an admin's corrections are kept)."""
    have = set(session.scalars(select(EvaluationFramework.code)))
    added = 0
    for code, doc in shipped().items():
        if code in have:
            continue
        try:  # several processes (the app, workers) start at once: the first one stores it
            with session.begin_nested():
                session.add(EvaluationFramework(code=code, title=doc["title"], document=doc, updated_by="reference"))
                session.flush()
            added += 1
        except IntegrityError:
            pass
    return added


def default_for(year: int) -> str:
    return PEMDI if year >= FIRST_PEMDI_YEAR else SPBE


# Reading and correcting the stored ones --------------------------------------------------------------------

_loaded: dict[tuple[str, str], Framework] = {}


def get(session: Session, code: str) -> Framework:
    row = session.scalar(select(EvaluationFramework).where(EvaluationFramework.code == code))
    if row is None:
        if code in shipped():  # a store that has not been prepared yet reads the reference
            return reference(code)
        raise NotFound("framework.not_found")
    key = (code, row.updated_at.isoformat())
    if key not in _loaded:
        _loaded[key] = from_document(row.document)
    return _loaded[key]


def index_name(*, session: Session, viewer: Viewer, code: str, lang: str = "id") -> str:
    """The name of a framework's index ("Indeks Pemdi"), for period pickers."""
    return get(session, code).index_label(lang)


def of_period(session: Session, period: EvaluationPeriod) -> Framework:
    return get(session, period.framework)


def listing(*, session: Session, viewer: Viewer) -> list[dict]:
    """Every stored framework (code, title, document, updated_at) with the years of the periods that use
    it: a used one is frozen. Reference data, no unit's rows."""
    require_role(viewer, Role.ADMIN)
    years: dict[str, list[int]] = {}
    for code, year in session.execute(select(EvaluationPeriod.framework, EvaluationPeriod.year)
                                      .order_by(EvaluationPeriod.year)):
        years.setdefault(code, []).append(year)
    return [{"code": row.code, "title": row.title, "document": row.document, "updated_at": row.updated_at.isoformat(),
             "years": years.get(row.code, [])}
            for row in session.scalars(select(EvaluationFramework).order_by(EvaluationFramework.code))]


def title_of(*, session: Session, viewer: Viewer, code: str) -> str:
    return get(session, code).title


def edit(*, session: Session, viewer: Viewer, code: str, document: dict) -> None:
    """Correct a framework's names, weights, bands or level descriptions; refused once a period uses it
    (it is frozen with that period) and when the tree no longer adds up."""
    require_role(viewer, Role.ADMIN)
    row = session.scalar(select(EvaluationFramework).where(EvaluationFramework.code == code))
    if row is None:
        raise NotFound("framework.not_found")
    used = list(session.scalars(select(EvaluationPeriod.year).where(EvaluationPeriod.framework == code)))
    if used:
        raise PermissionDenied("framework.frozen", years=", ".join(str(y) for y in sorted(used)))
    document = {**document, "code": code}
    old = row.document
    if [n["code"] for n in old["nodes"]] != [n["code"] for n in document["nodes"]]:
        raise ImportRejected([Problem("code", "framework.tree_changed", row="-")])
    if problems := problems_of(document):
        raise ImportRejected(problems)
    row.document, row.title, row.updated_at, row.updated_by = document, document["title"], utcnow(), viewer.username
    audit.record(session, viewer=viewer, action="update", table="evaluation_framework", row_id=row.id, unit_id=None,
                 old=_changed(old, document), new=_changed(document, old))


def _changed(a: dict, b: dict) -> dict:
    """The nodes and bands of `a` that differ from `b`, for the audit log."""
    nodes_b = {n["code"]: n for n in b["nodes"]}
    out = {n["code"]: {k: v for k, v in n.items() if nodes_b.get(n["code"], {}).get(k) != v}
           for n in a["nodes"] if n != nodes_b.get(n["code"])}
    if a["bands"] != b["bands"]:
        out["bands"] = a["bands"]
    return out
