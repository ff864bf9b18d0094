"""One master record: conflicts across units and how an admin resolves them (merge, transfer, keep).

A conflict is a group of records that look like one thing held twice: a serial number or asset tag in
two units, an NIP in two units, applications with similar names or the same function in several units,
and a Khusus application doing what an Umum one already does. Names are compared with RapidFuzz.
"""

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import delete, select, update
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role
from core.errors import NotFound, ValidationError
from db.inventory import Application, Device, DuplicateDecision, Staff
from db.models import Unit

SIMILAR_NAME = 88  # token-set ratio (0-100) from which two application names count as one application
SAME_FUNCTION = 90
NOISE = re.compile(r"\b(aplikasi|sistem|informasi|si|app|online|e|website|situs|web|portal)\b|[^a-z0-9 ]")


@dataclass
class Conflict:
    kind: str  # device_serial, device_tag, staff_nip, app_similar, app_umum
    value: str  # the shared serial/tag/NIP, or what the applications have in common
    records: list[dict]  # {id, unit_id, unit, label}
    score: int = 100
    detail: str = ""
    key: str = field(default="")

    def __post_init__(self):
        ids = ",".join(str(r["id"]) for r in sorted(self.records, key=lambda r: r["id"]))
        self.key = f"{self.kind}:{ids}"

    @property
    def table(self) -> str:
        return {"device": "device", "staff": "staff", "app": "application"}[self.kind.split("_")[0]]


def _simple(name: str, own_words: set[str] = frozenset()) -> str:
    """A name without the words every Indonesian system name carries nor its owner's name ("SIMPEG Dinkes"
    and "SIMPEG Setda" are both "simpeg"), for comparing what is left; "" when nothing distinctive is left."""
    return " ".join(w for w in NOISE.sub(" ", name.casefold()).split() if w not in own_words)


def find_conflicts(*, session: Session, viewer: Viewer, include_kept: bool = False, org_name: str = "") -> list[Conflict]:
    """Every conflict across units, strongest first; those an admin kept are left out unless asked for.
    The organisation's own name ("Pemerintah Kota Malang") is in many system names and proves nothing."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN)
    names = dict(session.execute(select(Unit.id, Unit.short_name)).all())
    found: list[Conflict] = []
    devices = session.execute(select(Device.id, Device.unit_id, Device.serial_number, Device.asset_tag,
                                     Device.brand_model)).all()
    for kind, column in (("device_serial", 2), ("device_tag", 3)):
        groups: dict[str, list] = {}
        for row in devices:
            if row[column]:
                groups.setdefault(row[column].casefold(), []).append(row)
        for rows in groups.values():
            if len({r.unit_id for r in rows}) > 1:
                found.append(Conflict(kind, rows[0][column], [
                    {"id": r.id, "unit_id": r.unit_id, "unit": names.get(r.unit_id, ""),
                     "label": r.brand_model or r[column]} for r in rows]))
    groups = {}
    for row in session.execute(select(Staff.id, Staff.unit_id, Staff.nip, Staff.name).where(Staff.nip != "")):
        groups.setdefault(row.nip, []).append(row)
    for nip, rows in groups.items():
        if len({r.unit_id for r in rows}) > 1:
            found.append(Conflict("staff_nip", nip, [{"id": r.id, "unit_id": r.unit_id, "unit": names.get(r.unit_id, ""),
                                                      "label": r.name} for r in rows]))
    found += _application_conflicts(session, names, _words(org_name))
    kept = set(session.scalars(select(DuplicateDecision.conflict_key)))
    if not include_kept:
        found = [c for c in found if c.key not in kept]
    return sorted(found, key=lambda c: (-c.score, c.kind, c.value))


def components(count: int, pairs: list[tuple[int, int]]) -> list[int]:
    """Which group each of `count` items falls in when every pair links two of them (union-find): items
    linked directly or through others share a label."""
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[root(i)] = root(j)
    return [root(i) for i in range(count)]


def _words(text: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", text.casefold())) - {""}


def _application_conflicts(session: Session, names: dict[int, str], org_words: set[str]) -> list[Conflict]:
    """Applications of different units linked by a similar name or the same function, grouped so that
    five look-alikes are one conflict (with the weakest link as its score), not ten pairs."""
    apps = session.execute(select(Application.id, Application.owner_unit_id, Application.name, Application.function,
                                  Application.app_type).where(Application.status != "inactive")).all()
    if len(apps) < 2:
        return []
    codes = dict(session.execute(select(Unit.id, Unit.code)).all())
    own = {uid: _words(f"{names.get(uid, '')} {codes.get(uid, '')}") | org_words
           for uid in {a.owner_unit_id for a in apps}}
    simple = [_simple(a.name, own[a.owner_unit_id]) for a in apps]
    functions = [_simple(a.function, org_words) for a in apps]
    by_name = process.cdist(simple, simple, scorer=fuzz.token_set_ratio, score_cutoff=SIMILAR_NAME)
    by_function = process.cdist(functions, functions, scorer=fuzz.token_set_ratio, score_cutoff=SAME_FUNCTION)
    weakest: dict[int, int] = {}
    why: dict[int, set[str]] = {}
    links = []
    for i in range(len(apps)):
        for j in range(i + 1, len(apps)):
            if apps[i].owner_unit_id == apps[j].owner_unit_id:
                continue
            name_score = int(by_name[i][j]) if simple[i] and simple[j] else 0
            function_score = int(by_function[i][j]) if functions[i] and functions[j] else 0
            if name_score or function_score:
                links.append((i, j, max(name_score, function_score),
                              f"function:{apps[i].function}" if function_score >= name_score else "name"))
    label = components(len(apps), [(i, j) for i, j, _score, _reason in links])
    for i, _j, score, reason in links:
        group = label[i]
        weakest[group] = min(weakest.get(group, 100), score)
        why.setdefault(group, set()).add(reason)
    groups: dict[int, list[int]] = {}
    for i in range(len(apps)):
        if label[i] in weakest:
            groups.setdefault(label[i], []).append(i)
    conflicts = []
    for group, members in groups.items():
        kinds = {apps[i].app_type for i in members}
        records = [{"id": apps[i].id, "unit_id": apps[i].owner_unit_id, "unit": names.get(apps[i].owner_unit_id, ""),
                    "label": apps[i].name, "app_type": apps[i].app_type} for i in members]
        records.sort(key=lambda r: (r["app_type"] != "umum", r["label"]))
        conflicts.append(Conflict("app_umum" if kinds == {"umum", "khusus"} else "app_similar",
                                  " ~ ".join(r["label"] for r in records), records, weakest[group],
                                  "; ".join(sorted(why[group]))))
    return conflicts


def _conflict(session: Session, viewer: Viewer, key: str, org_name: str) -> Conflict:
    found = next((c for c in find_conflicts(session=session, viewer=viewer, include_kept=True, org_name=org_name)
                  if c.key == key), None)
    if found is None:
        raise NotFound("duplicates.gone")
    return found


def resolve(*, session: Session, viewer: Viewer, key: str, action: str, keep_id: int | None = None,
            unit_id: int | None = None, reason: str = "", org_name: str = "") -> None:
    """Merge into one record, transfer one record to a unit and drop the others, or keep all with a reason."""
    require_role(viewer, Role.ADMIN)
    conflict = _conflict(session, viewer, key, org_name)
    reason = " ".join(reason.split())
    if action == "keep":
        if not reason:
            raise ValidationError("duplicates.reason_required", field="reason")
        session.add(DuplicateDecision(conflict_key=key, kind=conflict.kind, reason=reason, actor=viewer.username))
        for r in conflict.records:
            audit.record(session, viewer=viewer, action="keep", table=conflict.table, row_id=r["id"],
                         unit_id=r["unit_id"], new={"conflict": conflict.value, "reason": reason})
        return
    ids = [r["id"] for r in conflict.records]
    if keep_id not in ids:
        raise ValidationError("duplicates.bad_keep", field="keep_id")
    model = {"device": Device, "staff": Staff, "application": Application}[conflict.table]
    unit_field = "owner_unit_id" if model is Application else "unit_id"
    kept = session.get(model, keep_id)
    others = [session.get(model, i) for i in ids if i != keep_id]
    before = audit.snapshot(kept)
    if model is Application:  # the units that ran the others now use the one kept
        users = set(kept.user_units) | {c for o in others for c in o.user_units}
        users |= {session.get(Unit, o.owner_unit_id).code for o in others}
        kept.user_units = sorted(users - {session.get(Unit, kept.owner_unit_id).code})
        kept.integrations = sorted(set(kept.integrations) | {i for o in others for i in o.integrations})
    if action == "transfer":
        if unit_id is None or session.get(Unit, unit_id) is None:
            raise ValidationError("duplicates.to_unit", field="unit_id")
        setattr(kept, unit_field, unit_id)
    elif action != "merge":
        raise ValidationError("duplicates.action", field="action")
    if model is Staff:  # devices held by a removed duplicate are now held by the one kept
        session.execute(update(Device).where(Device.staff_id.in_([o.id for o in others])).values(staff_id=keep_id))
    old, new = audit.changed(before, audit.snapshot(kept))
    audit.record(session, viewer=viewer, action=action, table=conflict.table, row_id=keep_id,
                 unit_id=getattr(kept, unit_field), old=old or None, new={**new, "conflict": conflict.value})
    for other in others:
        audit.record(session, viewer=viewer, action="delete", table=conflict.table, row_id=other.id,
                     unit_id=getattr(other, unit_field), old=audit.snapshot(other), new={"merged_into": keep_id})
    session.execute(delete(model).where(model.id.in_([o.id for o in others])))
    session.flush()


def kept_decisions(*, session: Session, viewer: Viewer) -> list[DuplicateDecision]:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN)
    return list(session.scalars(select(DuplicateDecision).order_by(DuplicateDecision.at.desc())))
