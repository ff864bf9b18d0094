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

Rejected needs are left out. Names are compared with RapidFuzz, as the inventory's duplicates are.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlmodel import Session

from core.access import Role, Viewer, require_role, unit_scope
from core.inventory.duplicates import NOISE, SAME_FUNCTION, SIMILAR_NAME, components
from core.inventory.life import UsefulLife
from db.inventory import Application, Device
from db.models import Unit
from db.needs import DataCentreCapacity, Need

KINDS = ("shared_item", "device_spare", "device_in_life", "app_exists", "funded_before", "hosting_capacity")
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
    amount: int  # Rupiah at stake: the needs' total
    evidence: list[dict] = field(default_factory=list)  # {what, unit, label, detail}
    suggestion: str = ""  # catalogue key of the suggested action
    others: int = 0  # units outside the viewer's scope involved (their names are not shown)


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
         org_name: str = "") -> list[Finding]:
    """Every finding in the year's needs, largest amount first. An `skpd` viewer gets only findings about
    its own units' needs, and other units' evidence without their names."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    needs = list(session.scalars(select(Need).where(Need.fiscal_year == fiscal_year, Need.status != "rejected")
                                 .order_by(Need.id)))
    units = {u.id: u for u in session.scalars(select(Unit))}
    found: list[Finding] = []
    checks = {"shared_item": _shared_items, "device_spare": _spares, "device_in_life": _in_life,
              "app_exists": _apps, "funded_before": _funded_before, "hosting_capacity": _hosting}
    for kind in kinds:
        found += checks[kind](session, needs, units, fiscal_year, org_name)
    scope = unit_scope(session, viewer)
    if scope is not None:
        # Only findings about the viewer's own needs (not, say, another unit's request that the viewer's
        # own application already covers: that request is the other unit's business).
        found = [r for r in (_redact(f, scope) for f in found if set(f.unit_ids) & scope) if r.need_ids]
    return sorted(found, key=lambda f: (-f.amount, f.kind, f.item))


def _redact(finding: Finding, scope: set[int]) -> Finding:
    """What an skpd user may read of a finding: its own needs and devices, the data centre's capacity and
    Umum applications (the city's, whoever runs them); other units only counted."""
    shown = []
    for e in finding.evidence:
        if e.get("unit_id") in scope or e["what"] == "capacity":
            shown.append(e)
        elif e["what"] == "application" and e.get("app_type") == "umum":
            shown.append({**e, "unit_id": None, "unit": ""})
    own = {e["id"] for e in shown if e["what"] == "need"}
    need_ids = [i for i in finding.need_ids if i in own]
    totals = {e["id"]: e["detail"]["total"] for e in shown if e["what"] == "need"}
    others = {e.get("unit_id") for e in finding.evidence if e.get("unit_id") is not None} - scope
    return Finding(finding.kind, need_ids, [u for u in finding.unit_ids if u in scope], finding.item,
                   sum(totals[i] for i in need_ids), shown, finding.suggestion, len(others))


def _shared_items(session, needs, units, year, org_name) -> list[Finding]:
    by_kind: dict[tuple[str, str], list[Need]] = {}
    for need in needs:
        by_kind.setdefault((need.category, need.device_category), []).append(need)
    found = []
    for (category, device), group in by_kind.items():
        # Devices of one category are one item to buy whatever room they are for; other needs by name.
        linked = [list(range(len(group)))] if device else _groups([_item(n.item) for n in group], SIMILAR_ITEM)
        for members in linked:
            chosen = [group[i] for i in members]
            if len({n.unit_id for n in chosen}) < 2:
                continue
            chosen.sort(key=lambda n: (units[n.unit_id].code, n.id))
            shared = "needs.suggest.shared_service" if category in ("application", "service", "connectivity") \
                else "needs.suggest.joint_procurement"
            found.append(Finding("shared_item", [n.id for n in chosen], sorted({n.unit_id for n in chosen}),
                                 _common([n.item for n in chosen]), sum(n.quantity * n.unit_price for n in chosen),
                                 [_need_evidence(n, units) for n in chosen], shared))
    return found


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
        cheapest = sorted(n.unit_price for n in asked for _ in range(n.quantity))
        found.append(Finding("device_spare", [n.id for n in asked], [key[0]], _common([n.item for n in asked]),
                             sum(cheapest[:len(rows)]),
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
        found.append(Finding("device_in_life", [need.id], [need.unit_id], need.item,
                             min(len(young), need.quantity) * need.unit_price,
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
                             need.item, need.quantity * need.unit_price,
                             [_need_evidence(need, units)] + [
                                 {"what": "application", "unit_id": a.owner_unit_id,
                                  "unit": units[a.owner_unit_id].short_name, "label": a.name, "app_type": a.app_type,
                                  "detail": {"function": a.function, "app_type": a.app_type}} for a in hits],
                             "needs.suggest.use_umum" if umum else "needs.suggest.share_app"))
    return found


def _funded_before(session, needs, units, year, org_name) -> list[Finding]:
    wanted = [n for n in needs if n.category not in RECURRING]
    if not wanted:
        return []
    earlier: dict[tuple[int, str], list[Need]] = {}
    for old in session.scalars(select(Need).where(Need.fiscal_year < year, Need.funded.is_(True),
                                                  Need.unit_id.in_({n.unit_id for n in wanted}))):
        earlier.setdefault((old.unit_id, old.category), []).append(old)
    found = []
    for need in wanted:
        olds = earlier.get((need.unit_id, need.category), [])
        if need.device_category:  # devices: the same devices' replacement already paid for
            same = [o for o in olds if set(o.replaces) & set(need.replaces)]
        else:
            same = [o for o in olds if fuzz.token_set_ratio(_item(o.item), _item(need.item)) >= SIMILAR_ITEM]
        if not same:
            continue
        found.append(Finding("funded_before", [need.id], [need.unit_id], need.item, need.quantity * need.unit_price,
                             [_need_evidence(need, units)] + [_need_evidence(o, units) for o in same],
                             "needs.suggest.check_funded"))
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
    return [Finding("hosting_capacity", [n.id], [n.unit_id], n.item, n.quantity * n.unit_price,
                    [_need_evidence(n, units), dict(evidence)], "needs.suggest.use_data_centre") for n in wanted]


def flagged(findings: list[Finding]) -> dict[int, list[str]]:
    """Need id → the kinds of finding it is in."""
    out: dict[int, list[str]] = {}
    for f in findings:
        for need_id in f.need_ids:
            out.setdefault(need_id, []).append(f.kind)
    return out
