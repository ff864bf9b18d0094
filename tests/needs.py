"""Helpers for needs and budget tests: needs in every unit, reviewed the way Kominfo reviews them."""

from sqlalchemy import select

from core.needs import workflow
from core.needs.kind import NEED
from db.engine import session_scope
from db.needs import Need
from db.types import utcnow
from tests.inventory import add

NEXT_YEAR = utcnow().year + 1  # the year being planned, as the pages default to it


def need_cells(unit: str, item: str, price: int = 10_000_000, **extra) -> dict:
    return {"unit": unit, "fiscal_year": NEXT_YEAR, "item": item, "category": "Perangkat keras",
            "quantity": 1, "unit_price": price, **extra}


def add_needs(store, viewer, *rows: dict) -> list[int]:
    """Save the rows (all or nothing, as the table editor does) and return the new needs' ids in order."""
    with session_scope(store.engine) as s:
        before = set(s.scalars(select(Need.id)))
    add(store, viewer, NEED, *rows)
    with session_scope(store.engine) as s:
        return sorted(set(s.scalars(select(Need.id))) - before)


def approve(store, admin, ids: list[int]) -> None:
    with session_scope(store.engine) as s:
        workflow.submit(session=s, viewer=admin, need_ids=ids)
        workflow.review(session=s, viewer=admin, need_ids=ids, decision="approved")


def needs_in_every_unit(store, admin, city, item: str = "Lisensi antivirus", category: str = "Perangkat lunak/lisensi",
                        price: int = 400_000, quantity: int = 10) -> dict[str, int]:
    """The same approved need in every unit (so the shared-item check has them all): code → need id."""
    codes = sorted(city.units)
    ids = add_needs(store, admin, *[need_cells(code, item, price, category=category, quantity=quantity)
                                    for code in codes])
    approve(store, admin, ids)
    return dict(zip(codes, ids, strict=True))
