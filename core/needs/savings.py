"""What a double-budget finding may save, as an estimate with a stated rule, never the value itself.

Each finding holds, per need, the need's value (volume × unit price: the value involved) and the saving
its rule estimates, never more than that value (RULES). Buying one item jointly for several units saves a
share of what they ask for: the joint-procurement discount, an admin setting kept in the store with its
source (until set, DEFAULT_DISCOUNT is used and the page says it is a default). A headline counts each need
once, with the largest saving any of its findings gives it: a PC asked for while a spare is kept, which
replaces a device still in its life and is bought jointly, is one PC.
"""

from dataclasses import dataclass

from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role
from core.errors import ValidationError
from db.models import AppMeta

DISCOUNT_KEY = "joint_procurement_discount"  # percent, e.g. "20" or "12.5"
SOURCE_KEY = "joint_procurement_source"  # where the city's figure comes from, in its own words
# Until the admin sets the city's own: the low end of the 20–30 % that consolidated procurement saved in
# Jawa Tengah 2023–2025, as the head of LKPP reported it (Antara, 19 June 2025); LKPP's consolidated laptop
# purchase of 2022 came out 29 % below the lowest e-katalog price (Katadata, 8 September 2022).
DEFAULT_DISCOUNT = 20.0
MAX_SOURCE = 200

# The saving each kind of finding estimates for a need (the catalogue's checks.rule.<kind> says it):
RULES = {
    "device_spare": "spares",  # the devices the kept spares stand in for
    "device_in_life": "in_life",  # the devices still in their useful life: their replacement waits
    "app_exists": "whole",  # the whole need: the application that exists is used instead
    "funded_before": "whole",  # the whole need: it was paid for before
    "hosting_capacity": "whole",  # the whole need: a virtual machine in the data centre's spare room
    "above_standard": "difference",  # (asked − standard price) × volume
    "shared_item": "discount",  # the joint-procurement discount × the need's value
}


@dataclass(frozen=True)
class Discount:
    """The joint-procurement discount in percent, its source, and whether the city has set it."""

    percent: float
    source: str
    set: bool

    def of(self, value: int) -> int:
        """The discount of a value, rounded down to the rupiah (an estimate never rounds up)."""
        return int(value * round(self.percent * 100)) // 10_000


def load(session: Session) -> Discount:
    stored = session.get(AppMeta, DISCOUNT_KEY)
    source = session.get(AppMeta, SOURCE_KEY)
    if stored is None:
        return Discount(DEFAULT_DISCOUNT, "", False)
    return Discount(float(stored.value), source.value if source else "", True)


def discount(*, session: Session, viewer: Viewer) -> Discount:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    return load(session)


def save_discount(*, session: Session, viewer: Viewer, percent: float, source: str) -> Discount:
    """Set the city's joint-procurement discount (admin), with where the figure comes from."""
    require_role(viewer, Role.ADMIN)
    source = " ".join(str(source).split())
    if not 0 <= percent <= 100:
        raise ValidationError("savings.bad_discount", field="percent")
    if not source or len(source) > MAX_SOURCE:
        raise ValidationError("savings.source_required", field="source", most=MAX_SOURCE)
    before = load(session)
    for key, value in ((DISCOUNT_KEY, f"{round(percent, 2):g}"), (SOURCE_KEY, source)):
        entry = session.get(AppMeta, key)
        if entry is None:
            session.add(AppMeta(key=key, value=value))
        else:
            entry.value = value
    session.flush()
    after = load(session)
    if (before.percent, before.source, before.set) != (after.percent, after.source, after.set):
        audit.record(session, viewer=viewer, action="update", table="app_meta", row_id=None, unit_id=None,
                     old={DISCOUNT_KEY: before.percent if before.set else None, SOURCE_KEY: before.source or None},
                     new={DISCOUNT_KEY: after.percent, SOURCE_KEY: after.source})
    return after
