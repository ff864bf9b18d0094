"""The demo's incident work: most past outages acknowledged within minutes, many assigned, with notes, a cause
category and the action taken; the ongoing outage left unacknowledged, so the escalation and the 'belum
ditangani' list have something to show."""

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlmodel import Session

from core.access import Role
from core.monitoring.incidents import CAUSES
from db.models import User
from db.monitoring import Incident, IncidentActivity

WORKED_DAYS = 120  # incidents older than this keep only their acknowledgement and cause (no notes)
ACTIONS = {
    "listrik": ("UPS dipasang ulang; koordinasi dengan PLN", "Genset dinyalakan, perangkat dihidupkan kembali"),
    "isp_jaringan": ("Gangguan di sisi ISP; tiket ke penyedia ditutup", "Kabel fiber putus, disambung ulang teknisi ISP"),
    "perangkat": ("Router diganti unit cadangan", "Switch dinyalakan ulang; adaptor daya diganti"),
    "konfigurasi": ("Aturan firewall dikembalikan", "Alamat IP bentrok diperbaiki"),
    "aplikasi": ("Layanan aplikasi dijalankan ulang", "Sertifikat TLS diperbarui"),
    "serangan": ("Alamat penyerang diblokir; dilaporkan ke CSIRT kota",),
    "lainnya": ("Perangkat tercabut saat renovasi ruangan",),
}
WEIGHTS = (30, 30, 15, 8, 10, 2, 5)
NOTES = ("Ditangani: teknisi menuju lokasi", "Sudah dicek dari jarak jauh, menunggu teknisi", "Koordinasi dengan operator unit")


def load(*, session: Session, now: datetime, seed: int = 2026) -> int:
    """Work on the demo's ended incidents; returns how many were acknowledged."""
    rng = random.Random(seed)
    people = dict(session.execute(select(User.username, User.id).where(User.role.in_((Role.ADMIN, Role.SKPD)))).all())
    admin = people.get("admin")
    operators = {uid for name, uid in people.items() if name != "admin"}
    unit_of = dict(session.execute(select(User.id, User.unit_id).where(User.id.in_(operators))).all()) if operators else {}
    changes, activity = [], []
    rows = session.execute(select(Incident.id, Incident.unit_id, Incident.started_at, Incident.ended_at)
                           .where(Incident.ended_at.is_not(None)).order_by(Incident.started_at)).all()
    for incident_id, unit_id, started, ended in rows:
        length = (ended - started).total_seconds() / 60
        if rng.random() > 0.85 or length < 2:
            cause = rng.choices(CAUSES, WEIGHTS)[0] if rng.random() < 0.5 else ""
            changes.append({"id": incident_id, "cause": cause, "action": ""})
            continue
        acked = started + timedelta(minutes=min(length - 1, 1 + rng.expovariate(1 / 12)))
        local_operator = next((u for u in operators if unit_of.get(u) == unit_id), None)
        assignee = local_operator if local_operator and rng.random() < 0.5 else admin if rng.random() < 0.6 else None
        cause = rng.choices(CAUSES, WEIGHTS)[0]
        action = rng.choice(ACTIONS[cause])
        who = local_operator or admin
        changes.append({"id": incident_id, "acknowledged_at": acked, "acknowledged_by": who, "assignee_id": assignee,
                        "cause": cause, "action": action})
        if now - started > timedelta(days=WORKED_DAYS):
            continue
        activity.append({"incident_id": incident_id, "at": acked, "user_id": who, "kind": "ack", "text": rng.choice(NOTES)})
        if assignee is not None:
            activity.append({"incident_id": incident_id, "at": acked + timedelta(seconds=30), "user_id": admin,
                             "kind": "assign", "text": ""})
        if length > 20:
            activity.append({"incident_id": incident_id, "at": acked + timedelta(minutes=(length - 1) / 2),
                             "user_id": who, "kind": "note", "text": "Perkembangan: " + action.split(";")[0].lower()})
        activity.append({"incident_id": incident_id, "at": ended + timedelta(minutes=5), "user_id": admin,
                         "kind": "cause", "text": f"{cause}: {action}"})
    by_keys: dict[tuple, list[dict]] = {}
    for change in changes:  # one executemany per set of columns
        by_keys.setdefault(tuple(sorted(change)), []).append(change)
    for group in by_keys.values():
        session.execute(update(Incident), group)
    names = dict(session.execute(select(User.id, User.display_name)).all())
    holders = {c["id"]: c.get("assignee_id") for c in changes}
    for row in activity:
        if row["kind"] == "assign":
            row["text"] = names.get(holders[row["incident_id"]], "")
    for i in range(0, len(activity), 5000):
        session.execute(insert(IncidentActivity), activity[i:i + 5000])
    return sum(1 for c in changes if "acknowledged_at" in c)
