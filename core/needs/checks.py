"""Double budget and double data in a fiscal year's needs, each finding with its evidence and a
suggested action:

- `shared_item`: the same or a similar item asked for by several units → one joint procurement or a
  shared service;
- `device_spare`: a device asked for while the unit keeps a usable spare of that category → use it first;
- `device_in_life`: a device asked for to replace devices still within their useful life and in good
  condition → wait for the end of their life;
- `app_exists`: an application asked for while an Umum application, or another unit's application, does
  the same → use or share that one (PP 95/2018);
- `funded_before`: the same need of the same unit funded in an earlier year (for devices: replacing a
  device whose replacement was already funded; otherwise a similar item) → check that one first
  (recurring connectivity and services are not flagged: paying them each year is expected);
- `hosting_capacity`: a server or hosting asked for while the Kominfo data centre has capacity → a
  virtual machine there.

- `above_standard`: a need priced above the standard unit price (SSH) of the item it names → the standard.

`funded_before` and `shared_item` also read the budget lines units really had, as imported from SIPD: the
unit's own lines of earlier years, and other units' lines of this year and the last.

The findings fall in three groups (GROUPS): double budget (pay twice for what is there or was paid),
savings (buy once for several units) and price (above the standard). Each finding holds, per need, the
value involved and the saving its rule estimates (core.needs.savings); a total counts each need once,
with its largest saving (`totals`).

Rejected needs are left out (CHECKED); a page may check fewer statuses, as the budget reads only the
approved. Names are compared with RapidFuzz, as the inventory's duplicates are.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import or_, select
from sqlmodel import Session

from core.access import Role, Viewer, require_role, unit_scope
from core.inventory.duplicates import NOISE, SAME_FUNCTION, SIMILAR_NAME, components
from core.inventory.life import UsefulLife
from core.needs import savings
from db.inventory import Application, Device
from db.models import Unit
from db.needs import AccountCode, BudgetLine, DataCentreCapacity, Need, StandardPrice

GROUPS = {"double": ("device_spare", "funded_before", "app_exists", "hosting_capacity", "device_in_life"),
          "price": ("above_standard",),
          "savings": ("shared_item",)}
KINDS = tuple(k for kinds in GROUPS.values() for k in kinds)
CHECKED = ("draft", "submitted", "approved", "revised")  # every status but rejected
GROUP_OF = {k: g for g, kinds in GROUPS.items() for k in kinds}
SIMILAR_ITEM = 85  # token-set ratio of two items' names from which they count as the same item
RECURRING = ("connectivity", "service")  # paid every year by nature
HOSTING_WORDS = re.compile(r"\b(server|hosting|vps|colocation|kolokasi|cloud|virtual machine|vm)\b", re.IGNORECASE)
ITEM_NOISE = re.compile(r"\b(pengadaan|pembelian|belanja|penyediaan|untuk|dan|baru|unit|paket|tahun|kebutuhan|"
                        r"purchase|new|for|and)\b|[^a-z0-9 ]")


@dataclass
class Finding:
    kind: str
    need_ids: list[int]
    unit_ids: list[int]
    item: str  # what the finding is about, as the needs name it
    values: dict[int, int]  # need id → its value (volume × unit price): the value involved
    savings: dict[int, int]  # need id → the saving the kind's rule estimates, at most its value
    evidence: list[dict] = field(default_factory=list)  # {what, unit, label, detail}
    suggestion: str = ""  # catalogue key of the suggested action
    others: int = 0  # units outside the viewer's scope involved (their names are not shown)

    @property
    def value(self) -> int:
        return sum(self.values.values())

    @property
    def saving(self) -> int:
        return sum(self.savings.values())

    @property
    def group(self) -> str:
        return GROUP_OF[self.kind]


def _item(text: str) -> str:
    return " ".join(ITEM_NOISE.sub(" ", text.casefold()).split())


def _groups(names: list[str], cutoff: int) -> list[list[int]]:
    """Indices of names linked by a similarity at or above `cutoff`, grouped transitively."""
    if len(names) < 2:
        return []
    scores = process.cdist(names, names, scorer=fuzz.token_set_ratio, score_cutoff=cutoff)
    label = components(len(names), [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))
                                     if scores[i][j] and names[i] and names[j]])
    groups: dict[int, list[int]] = {}
    for i, group in enumerate(label):
        groups.setdefault(group, []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def _need_evidence(need: Need, units: dict[int, Unit]) -> dict:
    return {"what": "need", "id": need.id, "unit_id": need.unit_id, "unit": units[need.unit_id].short_name,
            "label": need.item, "detail": {"year": need.fiscal_year, "quantity": need.quantity,
                                           "total": need.quantity * need.unit_price, "status": need.status}}


def find(*, session: Session, viewer: Viewer, fiscal_year: int, kinds: tuple[str, ...] = KINDS,
         org_name: str = "", statuses: tuple[str, ...] = CHECKED) -> list[Finding]:
    """Every finding in the year's needs of those statuses, largest saving first. An `skpd` viewer gets
    only findings about its own units' needs, and other units' evidence without their names."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    statuses = tuple(s for s in statuses if s in CHECKED)
    needs = list(session.scalars(select(Need).where(Need.fiscal_year == fiscal_year, Need.status.in_(statuses))
                                 .order_by(Need.id)))
    units = {u.id: u for u in session.scalars(select(Unit))}
    found: list[Finding] = []
    checks = {"shared_item": _shared_items, "device_spare": _spares, "device_in_life": _in_life,
              "app_exists": _apps, "funded_before": _funded_before, "hosting_capacity": _hosting,
              "above_standard": _above_standard}
    for kind in kinds:
        found += checks[kind](session, needs, units, fiscal_year, org_name)
    scope = unit_scope(session, viewer)
    if scope is not None:
        # Only findings about the viewer's own needs (not, say, another unit's request that the viewer's
        # own application already covers: that request is the other unit's business).
        found = [r for r in (_redact(f, scope) for f in found if set(f.unit_ids) & scope) if r.need_ids]
    # What a unit can act on itself (double budget, then price) before what needs several units (savings).
    order = list(GROUPS)
    return sorted(found, key=lambda f: (order.index(f.group), -f.saving, -f.value, f.kind, f.item))


def total(findings: list[Finding]) -> dict[str, int]:
    """Findings, needs, value involved and estimated saving, each need counted once: its value, and the
    largest saving any of the findings gives it (a PC asked for while a spare is kept and replacing a
    device still in its life is one PC, not two)."""
    values: dict[int, int] = {}
    best: dict[int, int] = {}
    for f in findings:
        for need_id, value in f.values.items():
            values[need_id] = value
            best[need_id] = max(best.get(need_id, 0), f.savings.get(need_id, 0))
    return {"findings": len(findings), "needs": len(values), "value": sum(values.values()),
            "saving": sum(best.values())}


def totals(findings: list[Finding]) -> dict[str, dict[str, int]]:
    """`total` per group (double, price, savings) and for every finding together ("all")."""
    return {**{group: total([f for f in findings if f.group == group]) for group in GROUPS}, "all": total(findings)}


def _redact(finding: Finding, scope: set[int]) -> Finding:
    """What an skpd user may read of a finding: its own needs and devices, the data centre's capacity and
    Umum applications (the city's, whoever runs them); other units only counted."""
    shown = []
    for e in finding.evidence:
        if e.get("unit_id") in scope or e["what"] in ("capacity", "standard"):
            shown.append(e)
        elif e["what"] == "application" and e.get("app_type") == "umum":
            shown.append({**e, "unit_id": None, "unit": ""})
    own = {e["id"] for e in shown if e["what"] == "need"}
    need_ids = [i for i in finding.need_ids if i in own]
    others = {e.get("unit_id") for e in finding.evidence if e.get("unit_id") is not None} - scope
    return Finding(finding.kind, need_ids, [u for u in finding.unit_ids if u in scope], finding.item,
                   {i: finding.values[i] for i in need_ids}, {i: finding.savings[i] for i in need_ids}, shown,
                   finding.suggestion, len(others))


def _lines(session: Session, years, units: set[int] | None = None) -> list[BudgetLine]:
    """The SIPD lines of those years that are ICT spending: under an account code of the chart (or none).
    A unit may import its whole RKA; its other spending is no ICT need's double."""
    ict = or_(BudgetLine.account_code == "", BudgetLine.account_code.in_(select(AccountCode.code)))
    stmt = select(BudgetLine).where(BudgetLine.fiscal_year.in_(list(years)), ict)
    if units is not None:
        stmt = stmt.where(BudgetLine.unit_id.in_(units))
    return list(session.scalars(stmt.order_by(BudgetLine.id)))


def _line_evidence(line: BudgetLine, units: dict[int, Unit]) -> dict:
    return {"what": "budget_line", "id": line.id, "unit_id": line.unit_id, "unit": units[line.unit_id].short_name,
            "label": line.item, "detail": {"year": line.fiscal_year, "account": line.account_code,
                                           "volume": line.volume, "measure": line.measure, "total": line.total}}


def _matches(names: list[str], others: list[str]) -> list[list[int]]:
    """For each name, the indices of `others` that name the same item."""
    if not names or not others:
        return [[] for _ in names]
    scores = process.cdist(names, others, scorer=fuzz.token_set_ratio, score_cutoff=SIMILAR_ITEM)
    return [[j for j in range(len(others)) if scores[i][j] and names[i] and others[j]] for i in range(len(names))]


def _partition(names: list[str]) -> list[list[int]]:
    """Every index in one group: those linked by similar names together, the others alone."""
    linked = _groups(names, SIMILAR_ITEM)
    grouped = {i for g in linked for i in g}
    return linked + [[i] for i in range(len(names)) if i not in grouped]


def _shared_items(session, needs, units, year, org_name) -> list[Finding]:
    """Needs of several units for one item, and needs matching what other units budget this year or
    budgeted last year (their SIPD lines): buy it once, or share the service."""
    lines = _lines(session, (year, year - 1))
    line_names = [_item(x.item) for x in lines]
    discount = savings.load(session)
    by_kind: dict[tuple[str, str], list[Need]] = {}
    for need in needs:
        by_kind.setdefault((need.category, need.device_category), []).append(need)
    found = []
    for (category, device), group in by_kind.items():
        names = [_item(n.item) for n in group]
        # Devices of one category are one item to buy whatever room they are for; other needs by name.
        linked = [list(range(len(group)))] if device else _partition(names)
        hits = _matches(names, line_names)
        for members in linked:
            chosen = [group[i] for i in members]
            asking = {n.unit_id for n in chosen}
            budgeted = sorted({j for i in members for j in hits[i] if lines[j].unit_id not in asking})
            if len(asking | {lines[j].unit_id for j in budgeted}) < 2:
                continue
            chosen.sort(key=lambda n: (units[n.unit_id].code, n.id))
            shared = "needs.suggest.shared_service" if category in ("application", "service", "connectivity") \
                else "needs.suggest.joint_procurement"
            found.append(Finding("shared_item", [n.id for n in chosen],
                                 sorted(asking | {lines[j].unit_id for j in budgeted}),
                                 _common([n.item for n in chosen]), _values(chosen),
                                 {n.id: discount.of(_value(n)) for n in chosen},
                                 [_need_evidence(n, units) for n in chosen]
                                 + [_line_evidence(lines[j], units) for j in budgeted], shared))
    return found


def _value(need: Need) -> int:
    return need.quantity * need.unit_price


def _values(needs: list[Need]) -> dict[int, int]:
    return {n.id: _value(n) for n in needs}


def _device_needs(needs: list[Need]) -> list[Need]:
    return [n for n in needs if n.device_category and n.category in ("hardware", "infrastructure")]


def _spares(session, needs, units, year, org_name) -> list[Finding]:
    """One finding per unit and device category: the needs asking for such devices and the spares kept."""
    wanted: dict[tuple[int, str], list[Need]] = {}
    for need in _device_needs(needs):
        wanted.setdefault((need.unit_id, need.device_category), []).append(need)
    if not wanted:
        return []
    spares: dict[tuple[int, str], list] = {}
    for row in session.execute(select(Device.id, Device.unit_id, Device.category, Device.brand_model,
                                      Device.serial_number, Device.asset_tag, Device.condition)
                               .where(Device.status == "spare", Device.condition != "rusak_berat",
                                      Device.unit_id.in_({u for u, _c in wanted}))):
        spares.setdefault((row.unit_id, row.category), []).append(row)
    found = []
    for key, asked in wanted.items():
        rows = spares.get(key)
        if not rows:
            continue
        # The spares stand in for the cheapest of the devices asked for: that much is saved, no more.
        saved, left = {}, len(rows)
        for need in sorted(asked, key=lambda n: (n.unit_price, n.id)):
            covered = min(left, need.quantity)
            saved[need.id], left = covered * need.unit_price, left - covered
        found.append(Finding("device_spare", [n.id for n in asked], [key[0]], _common([n.item for n in asked]),
                             _values(asked), saved,
                             [_need_evidence(n, units) for n in asked] + [
                                 {"what": "device", "unit_id": r.unit_id, "unit": units[r.unit_id].short_name,
                                  "label": r.brand_model or r.serial_number or r.asset_tag,
                                  "detail": {"serial": r.serial_number or r.asset_tag, "condition": r.condition}}
                                 for r in rows], "needs.suggest.use_spare"))
    return found


def _common(items: list[str]) -> str:
    """What most of several needs' names start with ("Pengadaan PC desktop" of "… Ruang Staf" and
    "… Aula"), or the shortest name when they share fewer than two words."""
    first = Counter(i.split()[0].casefold() for i in items if i.split()).most_common(1)
    split = [i.split() for i in items if first and i.split() and i.split()[0].casefold() == first[0][0]]
    shared = []
    for words in zip(*split, strict=False):
        if len({w.casefold() for w in words}) > 1:
            break
        shared.append(words[0])
    return " ".join(shared) if len(shared) >= 2 and len(split) > 1 else min(items, key=len)


def _in_life(session, needs, units, year, org_name) -> list[Finding]:
    wanted = [n for n in _device_needs(needs) if n.replaces]
    if not wanted:
        return []
    life = UsefulLife.load(session)
    ids = {i for n in wanted for i in n.replaces}
    devices = {d.id: d for d in session.scalars(select(Device).where(Device.id.in_(ids)))}
    found = []
    for need in wanted:
        young = [devices[i] for i in need.replaces if i in devices and devices[i].condition == "baik"
                 and life.within(devices[i].category, devices[i].purchase_year, year)]
        if not young:
            continue
        found.append(Finding("device_in_life", [need.id], [need.unit_id], need.item, _values([need]),
                             {need.id: min(len(young), need.quantity) * need.unit_price},
                             [_need_evidence(need, units)] + [
                                 {"what": "device", "unit_id": d.unit_id, "unit": units[d.unit_id].short_name,
                                  "label": d.brand_model or d.serial_number or d.asset_tag,
                                  "detail": {"serial": d.serial_number or d.asset_tag, "purchase_year": d.purchase_year,
                                             "life_end": life.ends(d.category, d.purchase_year)}}
                                 for d in young], "needs.suggest.wait_life"))
    return found


def _apps(session, needs, units, year, org_name) -> list[Finding]:
    # A need that improves applications the unit runs is no new application; it is not compared.
    wanted = [n for n in needs if n.category == "application" and not n.improves_apps]
    if not wanted:
        return []
    apps = session.execute(select(Application.id, Application.owner_unit_id, Application.name, Application.function,
                                  Application.app_type).where(Application.status != "inactive")).all()
    if not apps:
        return []
    org = set(re.split(r"[^a-z0-9]+", org_name.casefold())) - {""}

    def simple(text: str) -> str:
        return " ".join(w for w in NOISE.sub(" ", text.casefold()).split() if w not in org)

    asked = [simple(n.item) for n in wanted]
    by_name = process.cdist(asked, [simple(a.name) for a in apps], scorer=fuzz.token_set_ratio,
                            score_cutoff=SIMILAR_NAME)
    by_function = process.cdist(asked, [simple(a.function) for a in apps], scorer=fuzz.token_set_ratio,
                                score_cutoff=SAME_FUNCTION)
    found = []
    for i, need in enumerate(wanted):
        hits = [a for j, a in enumerate(apps) if asked[i] and (by_name[i][j] or (by_function[i][j] and a.function))]
        if not hits:
            continue
        hits.sort(key=lambda a: (a.app_type != "umum", a.name))
        umum = hits[0].app_type == "umum"
        found.append(Finding("app_exists", [need.id], [need.unit_id] + sorted({a.owner_unit_id for a in hits}
                                                                               - {need.unit_id}),
                             need.item, _values([need]), _values([need]),
                             [_need_evidence(need, units)] + [
                                 {"what": "application", "unit_id": a.owner_unit_id,
                                  "unit": units[a.owner_unit_id].short_name, "label": a.name, "app_type": a.app_type,
                                  "detail": {"function": a.function, "app_type": a.app_type}} for a in hits],
                             "needs.suggest.use_umum" if umum else "needs.suggest.share_app"))
    return found


def _funded_before(session, needs, units, year, org_name) -> list[Finding]:
    """A need the unit had funded before: an earlier need marked funded (for devices, one replacing the
    same devices), or a line of the unit's own earlier budget (SIPD) naming the same item (for devices, by
    the very same name)."""
    wanted = [n for n in needs if n.category not in RECURRING]
    if not wanted:
        return []
    asking = {n.unit_id for n in wanted}
    earlier: dict[tuple[int, str], list[Need]] = {}
    for old in session.scalars(select(Need).where(Need.fiscal_year < year, Need.funded.is_(True),
                                                  Need.unit_id.in_(asking))):
        earlier.setdefault((old.unit_id, old.category), []).append(old)
    held = session.scalars(select(BudgetLine.fiscal_year).where(BudgetLine.fiscal_year < year,
                                                                BudgetLine.unit_id.in_(asking)).distinct())
    lines = _lines(session, list(held), asking)
    hits = _matches([_item(n.item) for n in wanted], [_item(x.item) for x in lines])
    found = []
    for need, hit in zip(wanted, hits, strict=True):
        olds = earlier.get((need.unit_id, need.category), [])
        if need.device_category:  # devices: the same devices' replacement already paid for
            same = [o for o in olds if set(o.replaces) & set(need.replaces)]
        else:
            same = [o for o in olds if fuzz.token_set_ratio(_item(o.item), _item(need.item)) >= SIMILAR_ITEM]
        # A device line counts only for the very same item (same room): a unit buys PCs every year, and
        # "PC Ruang Staf" funded last year says nothing about "PC Ruang Arsip" this year.
        paid = [lines[j] for j in hit if lines[j].unit_id == need.unit_id
                and (not need.device_category or _item(lines[j].item) == _item(need.item))]
        if not same and not paid:
            continue
        found.append(Finding("funded_before", [need.id], [need.unit_id], need.item, _values([need]), _values([need]),
                             [_need_evidence(need, units)] + [_need_evidence(o, units) for o in same]
                             + [_line_evidence(x, units) for x in paid], "needs.suggest.check_funded"))
    return found


def _hosting(session, needs, units, year, org_name) -> list[Finding]:
    room = session.get(DataCentreCapacity, year)
    if room is None or room.vcpu_free <= 0 or room.storage_tb_free <= 0:
        return []
    wanted = [n for n in needs if n.device_category == "server"
              or (n.category in ("infrastructure", "service", "hardware") and HOSTING_WORDS.search(n.item))]
    evidence = {"what": "capacity", "unit": "", "label": str(year),
                "detail": {"vcpu_free": room.vcpu_free, "ram_gb_free": room.ram_gb_free,
                           "storage_tb_free": room.storage_tb_free, "note": room.note}}
    return [Finding("hosting_capacity", [n.id], [n.unit_id], n.item, _values([n]), _values([n]),
                    [_need_evidence(n, units), dict(evidence)], "needs.suggest.use_data_centre") for n in wanted]


def _above_standard(session, needs, units, year, org_name) -> list[Finding]:
    """Needs priced above the standard item they name: the difference times the quantity is saved."""
    named = [n for n in needs if n.standard_code]
    if not named:
        return []
    prices: dict[str, list[StandardPrice]] = {}
    for item in session.scalars(select(StandardPrice).where(StandardPrice.code.in_({n.standard_code for n in named}),
                                                            StandardPrice.fiscal_year <= year)
                                .order_by(StandardPrice.fiscal_year.desc())):
        prices.setdefault(item.code, []).append(item)
    found = []
    for need in named:
        item = next((x for x in prices.get(need.standard_code, []) if x.fiscal_year <= need.fiscal_year), None)
        if item is None or need.unit_price <= item.price:
            continue
        found.append(Finding("above_standard", [need.id], [need.unit_id], need.item, _values([need]),
                             {need.id: (need.unit_price - item.price) * need.quantity},
                             [_need_evidence(need, units),
                              {"what": "standard", "unit": "", "label": f"{item.code} — {item.description}",
                               "detail": {"year": item.fiscal_year, "price": item.price, "asked": need.unit_price,
                                          "difference": need.unit_price - item.price, "measure": item.measure,
                                          "specification": item.specification}}],
                             "needs.suggest.standard_price"))
    return found


def flagged(findings: list[Finding]) -> dict[int, list[str]]:
    """Need id → the kinds of finding it is in."""
    out: dict[int, list[str]] = {}
    for f in findings:
        for need_id in f.need_ids:
            out.setdefault(need_id, []).append(f.kind)
    return out
