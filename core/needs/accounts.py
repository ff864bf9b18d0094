"""Account codes as data: the codes ICT needs are budgeted under, which code a need goes under (by its
category and device category, capital or goods by the city's capitalisation threshold and its unit price),
and the sub-activities a unit usually budgets under. Admins edit the codes, the rules and the threshold;
everyone who plans reads them."""

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, unit_scope
from core.errors import ImportRejected, PermissionDenied, Problem, ValidationError
from core.needs.kind import NEED_CATEGORIES
from core.records import cells
from db.inventory import DeviceCategory
from db.models import AppMeta
from db.needs import AccountCode, AccountRule, BudgetLine, Need
from db.types import utcnow

ACCOUNT_KINDS = ("capital", "goods", "services", "maintenance")
CODE = re.compile(r"^\d+(\.\d+){2,7}$")  # 5.2.02.10.01.0002
THRESHOLD_KEY = "capitalisation_threshold"
# Until the admin sets the city's own (its accounting policy, a Perwali): a value many cities use for
# equipment and machines. Shown on the page as "not set yet" so nobody takes it for the city's.
DEFAULT_THRESHOLD = 1_000_000
USUAL_SHOWN = 5


@dataclass(frozen=True)
class Chart:
    """The codes, the rules and the threshold, read once."""

    names: dict[str, str]  # code → name
    kinds: dict[str, str]  # code → capital, goods, services, maintenance
    rules: dict[tuple[str, str], tuple[str, str]]  # (category, device category or "") → (capital, goods)
    threshold: int
    threshold_set: bool

    def account(self, category: str, device_category: str, unit_price: int) -> str:
        """The code a need goes under: the rule of its device category, else of its category; the capital
        code from the threshold up (when the rule has one), else the goods-and-services code."""
        rule = self.rules.get((category, device_category or "")) or self.rules.get((category, ""))
        if rule is None:
            return ""
        capital, goods = rule
        return capital if capital and unit_price >= self.threshold else goods

    def name(self, code: str) -> str:
        return self.names.get(code, "")


def load(session: Session) -> Chart:
    codes = list(session.execute(select(AccountCode.code, AccountCode.name, AccountCode.kind)))
    rules = {(r.category, r.device_category): (r.capital_code, r.goods_code)
             for r in session.scalars(select(AccountRule))}
    stored = session.get(AppMeta, THRESHOLD_KEY)
    return Chart({c.code: c.name for c in codes}, {c.code: c.kind for c in codes}, rules,
                 int(stored.value) if stored else DEFAULT_THRESHOLD, stored is not None)


def chart(*, session: Session, viewer: Viewer) -> Chart:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    return load(session)


def codes(*, session: Session, viewer: Viewer) -> list[AccountCode]:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    return list(session.scalars(select(AccountCode).order_by(AccountCode.code)))


def rules(*, session: Session, viewer: Viewer) -> list[AccountRule]:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    return list(session.scalars(select(AccountRule).order_by(AccountRule.category, AccountRule.device_category)))


def save_codes(*, session: Session, viewer: Viewer, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Add or change account codes (admin), all or nothing. Codes are never removed: rules point at them."""
    require_role(viewer, Role.ADMIN)
    problems, clean = [], []
    for line, row in enumerate(rows, start=1):
        code, name = cells.text(row.get("code")), cells.text(row.get("name"))
        kind = cells.text(row.get("kind")).lower()
        if not CODE.match(code):
            problems.append(Problem("code", "accounts.bad_code", row=line, code=code))
        if not name:
            problems.append(Problem("name", "cell.required", row=line))
        if kind not in ACCOUNT_KINDS:
            problems.append(Problem("kind", "cell.not_in_list", row=line, value=kind,
                                    allowed=", ".join(ACCOUNT_KINDS)))
        clean.append((code, {"name": name[:200], "kind": kind, "typical_need": cells.text(row.get("typical_need"))[:200]}))
    if problems:
        raise ImportRejected(problems)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for code, values in clean:
        counts[_upsert(session, viewer, AccountCode, {"code": code}, values)] += 1
    session.flush()
    return counts


def save_rules(*, session: Session, viewer: Viewer, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Set which codes needs go under (admin), all or nothing: each row a category, a device category (""
    for any), a capital code (may be empty) and a goods-and-services code, both among the account codes."""
    require_role(viewer, Role.ADMIN)
    known = set(session.scalars(select(AccountCode.code)))
    devices = set(session.scalars(select(DeviceCategory.code)))
    problems, clean, seen = [], {}, {}
    for line, row in enumerate(rows, start=1):
        category = cells.text(row.get("category"))
        device = cells.text(row.get("device_category"))
        capital, goods = cells.text(row.get("capital_code")), cells.text(row.get("goods_code"))
        if category not in NEED_CATEGORIES:
            problems.append(Problem("category", "cell.not_in_list", row=line, value=category,
                                    allowed=", ".join(NEED_CATEGORIES)))
        if device and device not in devices:
            problems.append(Problem("device_category", "cell.not_in_list", row=line, value=device,
                                    allowed=", ".join(sorted(devices))))
        if capital and capital not in known:
            problems.append(Problem("capital_code", "accounts.unknown_code", row=line, code=capital))
        if goods not in known:
            problems.append(Problem("goods_code", "accounts.unknown_code" if goods else "cell.required", row=line,
                                    code=goods))
        if (category, device) in seen:
            problems.append(Problem("category", "inventory.duplicate_in_file", row=line, first=seen[(category, device)]))
        seen[(category, device)] = line
        clean[(category, device)] = {"capital_code": capital, "goods_code": goods}
    if problems:
        raise ImportRejected(problems)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for (category, device), values in clean.items():
        counts[_upsert(session, viewer, AccountRule, {"category": category, "device_category": device}, values)] += 1
    session.flush()
    return counts


def _upsert(session: Session, viewer: Viewer, model, key: dict[str, str], values: dict[str, Any]) -> str:
    """One entry added or changed (with its audit entry): created, updated or unchanged."""
    entry = session.get(model, tuple(key.values()) if len(key) > 1 else next(iter(key.values())))
    stamped = {"updated_by": viewer.username} if "updated_by" in model.model_fields else {}
    if entry is None:
        session.add(model(**key, **values, **stamped))
        audit.record(session, viewer=viewer, action="create", table=model.__tablename__, row_id=None, unit_id=None,
                     new={**key, **values})
        return "created"
    old, new = audit.changed({k: getattr(entry, k) for k in values}, values)
    if not new:
        return "unchanged"
    for name, value in {**new, **stamped}.items():
        setattr(entry, name, value)
    if stamped:
        entry.updated_at = utcnow()
    audit.record(session, viewer=viewer, action="update", table=model.__tablename__, row_id=None, unit_id=None,
                 old={**key, **old}, new={**key, **new})
    return "updated"


def save_threshold(*, session: Session, viewer: Viewer, amount: int) -> int:
    """Set the city's capitalisation threshold (admin): from this unit price a need is capital spending."""
    require_role(viewer, Role.ADMIN)
    if not isinstance(amount, int) or not 0 < amount <= 1_000_000_000_000:
        raise ValidationError("accounts.bad_threshold", field="threshold")
    entry = session.get(AppMeta, THRESHOLD_KEY)
    old = int(entry.value) if entry else None
    if entry is None:
        session.add(AppMeta(key=THRESHOLD_KEY, value=str(amount)))
    else:
        entry.value = str(amount)
    if old != amount:
        audit.record(session, viewer=viewer, action="update", table="app_meta", row_id=None, unit_id=None,
                     old={THRESHOLD_KEY: old}, new={THRESHOLD_KEY: amount})
    session.flush()
    return amount


def usual_sub_activities(*, session: Session, viewer: Viewer, unit_id: int) -> list[tuple[str, str, int]]:
    """The sub-activities a unit budgets ICT under, most used first: (code, name, lines and needs under it),
    from its budget lines (SIPD) and its needs that name one."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    require_unit_read(session, viewer, unit_id)
    used: Counter[str] = Counter()
    named: dict[str, str] = {}
    for code, name in session.execute(select(BudgetLine.sub_activity, BudgetLine.sub_activity_name)
                                      .where(BudgetLine.unit_id == unit_id, BudgetLine.sub_activity != "")
                                      .order_by(BudgetLine.fiscal_year.desc())):
        used[code] += 1
        named.setdefault(code, name)
    for code in session.scalars(select(Need.sub_activity).where(Need.unit_id == unit_id, Need.sub_activity != "")):
        used[code] += 1
    return [(code, named.get(code, ""), n) for code, n in used.most_common(USUAL_SHOWN)]


def require_unit_read(session: Session, viewer: Viewer, unit_id: int) -> None:
    """An skpd user reads their own units' budget only."""
    scope = unit_scope(session, viewer)
    if scope is not None and unit_id not in scope:
        raise PermissionDenied("error.not_allowed")
