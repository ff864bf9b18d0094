"""An alert in words: the subject and text a channel sends, and the fields of a webhook's JSON body."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core import formatting
from core.i18n import reason_text, t
from db.models import Unit
from db.monitoring import Alert, AlertChannel, State, Target

# The state an alert reports: an outage and its reminders are DOWN, a recovery UP.
STATE_OF = {"down": State.DOWN, "reminder": State.DOWN, "escalation": State.DOWN, "recovery": State.UP}
INCIDENT_PATH = "insiden"  # the incident page's url path (core.navigation)


def incident_link(settings, incident_id: int | None) -> str:
    """The incident page's absolute address, when the app's public address is set (MONEV_PUBLIC_URL)."""
    base = (settings.public_url or "").rstrip("/")
    return f"{base}/{INCIDENT_PATH}?id={incident_id}" if base and incident_id is not None else ""


@dataclass
class Message:
    subject: str
    text: str
    fields: dict  # the JSON body of a webhook


def compose(alert: Alert, channel: AlertChannel, *, target: Target | None, unit: Unit | None,
            zone: ZoneInfo, lang: str = "id", link: str = "") -> Message:
    """The alert in words: unit, target, state, since when, reason (and the outage length on recovery), and
    the incident page's address when there is one."""
    params = alert.params
    since = datetime.fromisoformat(params["since"]) if params.get("since") else None
    fields = {
        "event": alert.kind, "at": alert.at.isoformat(), "unit": unit.name if unit else "",
        "unit_code": unit.code if unit else "", "target": target.name if target else "",
        "host": target.host if target else "", "kind": target.kind if target else "",
        "state": STATE_OF.get(alert.kind, ""),
        "since": since.isoformat() if since else None,
        "reason": reason_text(params.get("reason", ""), lang), "duration_s": params.get("duration_s"),
        "cert_days": params.get("days"), "channel": channel.name, "incident_id": alert.incident_id,
        "link": link or None, "minutes": params.get("minutes"),
    }
    words = dict(target=fields["target"], unit=fields["unit"], host=fields["host"], reason=fields["reason"] or "–",
                 since=formatting.moment(since, zone, lang) if since else "–", days=params.get("days"),
                 channel=channel.name, when=formatting.moment(alert.at, zone, lang), agent=params.get("agent", ""),
                 minutes=params.get("minutes", 0),
                 duration=formatting.duration(float(params.get("duration_s") or (
                     (alert.at - since).total_seconds() if since else 0)), lang))
    subject = t(f"alert.subject.{alert.kind}", lang, **words)
    text = subject + "\n" + t(f"alert.body.{alert.kind}", lang, **words)
    if link:
        text += "\n" + t("alert.incident_link", lang, link=link)
    return Message(subject=subject, text=text, fields={**fields, "message": text})
