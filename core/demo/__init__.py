"""The demo city: units from the reference file and one account for every role, on an empty store."""

import os
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from core.access import SYSTEM, Role
from core.demo import evaluation, incidents, inventory, monitoring, needs, review, services, tickets
from core.org import passwords
from core.org.unit_import import parse_units_csv
from core.org.units import import_units
from db import REFERENCE
from db.models import AppMeta, Unit, User
from db.types import utcnow

UNITS_FILE = REFERENCE / "malang_units.csv"

# (username, display name, role, unit code, password). Shown on the login page in demo mode only.
DEMO_USERS = [
    ("admin", "Operator Diskominfo", Role.ADMIN, None, "admin-demo"),
    ("pimpinan", "Kepala Diskominfo", Role.PIMPINAN, None, "pimpinan-demo"),
    ("presenter", "Layar Workshop", Role.PRESENTER, None, "presenter-demo"),
    ("dinkes", "Operator TIK Dinas Kesehatan", Role.SKPD, "DINKES", "dinkes-demo"),
    ("klojen", "Operator TIK Kecamatan Klojen", Role.SKPD, "KEC-KLOJEN", "klojen-demo"),
    ("setda", "Operator TIK Sekretariat Daerah", Role.SKPD, "SETDA", "setda-demo"),
]


def load(*, session: Session, zone: ZoneInfo | None = None, org_name: str = "") -> bool:
    """Load the demo once; a store that already has units or users is left alone. True when loaded.

    Inventory, two evaluation periods and two years of needs are always loaded. With a zone, the demo also gets its monitoring targets and a year of history cut in that zone.
    """
    has_units = session.scalar(select(func.count()).select_from(Unit))
    has_users = session.scalar(select(func.count()).select_from(User))
    if has_units or has_users:
        return False
    import_units(session=session, viewer=SYSTEM, rows=parse_units_csv(UNITS_FILE.read_bytes(), UNITS_FILE.name))
    unit_ids = dict(session.execute(select(Unit.code, Unit.id)).all())
    for username, name, role, unit_code, password in DEMO_USERS:
        session.add(User(username=username, display_name=name, role=role, unit_id=unit_ids.get(unit_code),
                         password_hash=passwords.hash_password(password)))
    session.add(AppMeta(key="demo_data", value="1"))
    session.flush()
    if zone is not None:
        port = os.environ.get("MONEV_DEMO_SNMP_PORT")  # set by `make run` when it started snmpsim
        now = utcnow()
        monitoring.load(session=session, now=now, zone=zone, snmp_port=int(port) if port else None)
        incidents.load(session=session, now=now)  # people's work on the outages just made
        services.load(session=session)  # on the targets just made
        tickets.load(session=session, now=now)  # on those services, the units' operators and the outage
        review.load(session=session, now=now, zone=zone)  # last month's SLA review: its actions, some carried
    inventory.load(session=session)
    evaluation.load(session=session, zone=zone or ZoneInfo("Asia/Jakarta"), org_name=org_name)
    needs.load(session=session, zone=zone or ZoneInfo("Asia/Jakarta"), org_name=org_name)
    return True


def demo_logins() -> list[dict[str, str]]:
    """The demo accounts for the login page."""
    return [{"username": u, "password": p, "role": r.value, "unit": c or ""} for u, _n, r, c, p in DEMO_USERS]
