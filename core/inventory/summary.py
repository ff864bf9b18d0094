"""What a unit's inventory adds up to: devices by category and condition, ages, devices past their
useful life, staff per competence area, ratios to the number of employees, applications by hosting."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import Session

from core.access import Role, Viewer, require_role, subtree_ids, unit_scope
from core.inventory.kinds import COMPETENCE_AREAS
from core.inventory.life import UsefulLife
from db.inventory import Application, Device, DeviceCategory, Staff
from db.models import Unit
from db.types import utcnow


@dataclass
class Summary:
    devices: int = 0
    in_use: int = 0
    by_category: list[dict] = field(default_factory=list)  # {category, condition, count}
    ages: list[dict] = field(default_factory=list)  # {age, count}
    past_life: list[dict] = field(default_factory=list)  # {id, unit, category, brand_model, serial, year, age, life}
    staff: int = 0
    competence: list[dict] = field(default_factory=list)  # {area, level, count}
    areas_without_staff: list[str] = field(default_factory=list)
    employees: int | None = None  # None when a unit in the summary has not entered its number
    applications: int = 0
    apps_by_hosting: list[dict] = field(default_factory=list)  # {hosting, integrated, count}

    @property
    def devices_per_employee(self) -> float | None:
        return self.in_use / self.employees if self.employees else None

    @property
    def staff_per_100(self) -> float | None:
        return self.staff * 100 / self.employees if self.employees else None


def summary(*, session: Session, viewer: Viewer, unit_ids: list[int], with_sub_units: bool = False) -> Summary:
    """The inventory of these units (and every unit under them), limited to those the viewer may see."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    scope = unit_scope(session, viewer)
    if with_sub_units:
        unit_ids = sorted({below for u in unit_ids for below in subtree_ids(session, u)})
    ids = [u for u in unit_ids if scope is None or u in scope]
    result = Summary()
    if not ids:
        return result
    names = dict(session.execute(select(Unit.id, Unit.short_name).where(Unit.id.in_(ids))).all())
    life = UsefulLife.load(session)
    category_names = dict(session.execute(select(DeviceCategory.code, DeviceCategory.name)).all())
    this_year = utcnow().year
    by_category, ages = Counter(), Counter()
    rows = session.execute(select(Device.id, Device.unit_id, Device.category, Device.condition, Device.status,
                                  Device.purchase_year, Device.brand_model, Device.serial_number, Device.asset_tag)
                           .where(Device.unit_id.in_(ids), Device.status != "disposed")).all()
    for row in rows:
        result.devices += 1
        result.in_use += row.status == "in_use"
        by_category[(row.category, row.condition)] += 1
        if row.purchase_year:
            age = this_year - row.purchase_year
            ages[age] += 1
            if not life.within(row.category, row.purchase_year, this_year):
                result.past_life.append({"id": row.id, "unit": names.get(row.unit_id, ""),
                                         "category": category_names.get(row.category, row.category),
                                         "brand_model": row.brand_model, "serial": row.serial_number or row.asset_tag,
                                         "year": row.purchase_year, "age": age, "life": life.years(row.category)})
    result.by_category = [{"category": category_names.get(c, c), "condition": k, "count": n}
                          for (c, k), n in sorted(by_category.items())]
    result.ages = [{"age": a, "count": n} for a, n in sorted(ages.items())]
    result.past_life.sort(key=lambda r: (-r["age"], r["unit"]))

    levels = Counter()
    staffed = set()
    for (competences,) in session.execute(select(Staff.competences).where(Staff.unit_id.in_(ids))):
        result.staff += 1
        for area in COMPETENCE_AREAS:
            level = int((competences or {}).get(area, 0))
            levels[(area, level)] += 1
            if level:
                staffed.add(area)
    result.competence = [{"area": a, "level": lv, "count": levels[(a, lv)]}
                         for a in COMPETENCE_AREAS for lv in (1, 2, 3) if levels[(a, lv)]]
    result.areas_without_staff = [a for a in COMPETENCE_AREAS if a not in staffed]

    counts = session.execute(select(func.count(Unit.id), func.count(Unit.employees), func.sum(Unit.employees))
                             .where(Unit.id.in_(ids))).one()
    result.employees = int(counts[2]) if counts[0] == counts[1] and counts[2] else None

    hosting = Counter()
    for host, integrations in session.execute(select(Application.hosting, Application.integrations)
                                              .where(Application.owner_unit_id.in_(ids),
                                                     Application.status != "inactive")):
        result.applications += 1
        hosting[(host, bool(integrations))] += 1
    result.apps_by_hosting = [{"hosting": h, "integrated": i, "count": n} for (h, i), n in sorted(hosting.items())]
    return result
