"""The demo's monthly SLA review: last month's follow-up actions as Kominfo agreed them (some done since, some
still open and so carried into this month's review) and one agreed this month. Made through core.review, as an
admin would; the figures, causes and recommendations come from the demo's own incidents, tickets and services."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from core.access import SYSTEM
from core.org.users import viewer_for
from core.review import actions
from core.services.sla import month_start
from db.models import Unit, User

# (unit code or None for the city, what, owner, due day of the month, state now)
LAST_MONTH = [
    ("DISHUB", "Pasang UPS 2 kVA di ruang server Dishub; gangguan bulan ini banyak karena listrik.",
     "Bidang Infrastruktur Diskominfo", 25, "terbuka"),
    (None, "Perbarui jadwal piket NOC malam dan akhir pekan agar insiden diakui di bawah 30 menit.",
     "Kepala Bidang Aptika", 15, "selesai"),
    ("DINKES", "Ganti switch lantai 2 yang sering restart.", "Operator TIK Dinkes", 20, "selesai"),
    ("KEC-KLOJEN", "Ajukan jalur internet cadangan untuk pelayanan kecamatan.", "Camat Klojen", 28, "terbuka"),
    (None, "Lengkapi kategori penyebab setiap gangguan yang sudah pulih.", "Tim NOC", 10, "batal"),
]
THIS_MONTH = [(None, "Evaluasi kinerja ISP kuartal IV bersama penyedia.", "Bidang Infrastruktur Diskominfo", 20)]


def load(*, session: Session, now: datetime, zone: ZoneInfo) -> None:
    users = session.scalars(select(User).where(User.role == "admin")).all()
    admin = viewer_for(users[0]) if users else SYSTEM
    units = dict(session.execute(select(Unit.code, Unit.id)).all())
    this = month_start(now.astimezone(zone).date())
    last = month_start(this - timedelta(days=1))
    for code, what, owner, day, state in LAST_MONTH:
        if code is not None and code not in units:
            continue
        made = actions.create_action(session=session, viewer=admin, month=last, unit_id=units.get(code), text=what,
                                     owner=owner, due=date(last.year, last.month, day))
        if state != "terbuka":
            actions.set_action_state(session=session, viewer=admin, action_id=made, state=state)
    for code, what, owner, day in THIS_MONTH:
        actions.create_action(session=session, viewer=admin, month=this, unit_id=units.get(code), text=what,
                              owner=owner, due=date(this.year, this.month, day))
