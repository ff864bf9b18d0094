"""A device's useful life: how many years its category lasts (a list an admin edits), whether it is still
within that life in a given year, and what it is still worth on the books. The one place these rules live."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from db.inventory import DeviceCategory

DEFAULT_YEARS = 4  # a category missing from the list lasts as long as a computer
DEPRECIATION = ("straight_line", "declining_balance")


@dataclass(frozen=True)
class UsefulLife:
    """The useful life of every device category, read once from the store."""

    years_by_category: dict[str, int]

    @classmethod
    def load(cls, session: Session) -> "UsefulLife":
        return cls(dict(session.execute(select(DeviceCategory.code, DeviceCategory.useful_life_years)).all()))

    def years(self, category: str) -> int:
        return self.years_by_category.get(category, DEFAULT_YEARS)

    def within(self, category: str, purchase_year: int | None, year: int) -> bool | None:
        """Whether a device bought in `purchase_year` is still within its life in `year`; None when undated."""
        if purchase_year is None:
            return None
        return year - purchase_year < self.years(category)

    def ends(self, category: str, purchase_year: int) -> int:
        """The first year the device is past its life."""
        return purchase_year + self.years(category)


def book_value(value: int | None, age: int | None, life: int, method: str = "straight_line") -> int | None:
    """What a device is still worth on the books after `age` years of a `life`-year useful life."""
    if value is None or age is None:
        return None
    if method == "declining_balance":
        return round(value * max(0.0, 1 - 2 / life) ** max(age, 0)) if age < life else 0
    return round(value * max(0.0, 1 - max(age, 0) / life))
