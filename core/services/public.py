"""The public status page citizens read: public services only, those with a problem first, the others
grouped as citizens know them, each with its state now and 90 days of uptime; what is wrong now with its
people's updates, what is planned, and 14 days of incidents (the ongoing ones included). Server-rendered
HTML that needs no JavaScript and no websocket, and the same data as JSON.

Nothing internal ever leaves here: no host, address, port, target name, unit-internal reason or
maintenance note — only service names and groups, states, times and percentages. Every value written
into the HTML is escaped. Reads run as the system (the page has no viewer) and select only what is
listed above.
"""

import html
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlmodel import Session

from core import formatting
from core.access import SYSTEM
from core.i18n import t
from core.monitoring import availability
from core.monitoring.status import freshness
from core.services import voice
from db.monitoring import Incident, MaintenanceWindow, RollupDay, State, TargetState
from db.services import DigitalService
from db.types import utcnow

DAYS = 90
STATES = ("operational", "degraded", "outage", "maintenance", "unknown")  # worst last but unknown
RANK = {"outage": 0, "degraded": 1, "maintenance": 2, "unknown": 3, "operational": 4}
PROBLEMS = ("outage", "degraded", "maintenance")  # a citizen cannot fully use the service now; listed first
COLOURS = {"operational": "#1b7f3b", "degraded": "#b26a00", "outage": "#c62828", "maintenance": "#1565c0",
           "unknown": "#6b7280"}


@dataclass
class PublicService:
    id: int
    name: str
    group: str
    description: str
    state: str
    days: list[tuple[date, float | None]]
    uptime: float | None  # the 90 days together
    support: str
    satisfaction: tuple[float, int] | None = None  # this quarter's mean rating and count, from 5 ratings on


@dataclass
class Update:
    service: str
    at: datetime
    status: str
    message: str
    id: int = 0
    service_id: int = 0
    incident_id: int | None = None  # None: written before updates named their incident


@dataclass
class Notice:
    service: str
    started_at: datetime
    ended_at: datetime | None
    service_id: int = 0
    incident_id: int = 0
    updates: list[Update] = field(default_factory=list)  # about this incident of this service, newest first


@dataclass
class PublicStatus:
    generated_at: datetime
    overall: str
    stale: bool
    affected: list[PublicService] = field(default_factory=list)  # with a problem now, worst first
    groups: dict[str, list[PublicService]] = field(default_factory=dict)  # the others
    incidents: list[Notice] = field(default_factory=list)  # now, with their updates
    maintenance: list[Notice] = field(default_factory=list)  # now and planned
    history: list[Notice] = field(default_factory=list)  # the last 14 days, the ongoing ones included
    updates: list[Update] = field(default_factory=list)  # what the services' people said, last 14 days

    def services(self) -> list[PublicService]:
        """Every public service in the page's order: those with a problem, then group by group."""
        return self.affected + [s for group in self.groups.values() for s in group]

    def loose_updates(self) -> list[Update]:
        """Updates not shown under an incident of the page (older ones that name none)."""
        shown = {id(u) for n in self.incidents + self.history for u in n.updates}
        return [u for u in self.updates if id(u) not in shown]


def _state(states: list[str], stale: bool) -> str:
    if stale or not states:
        return "unknown"
    if State.DOWN in states or State.UNREACHABLE in states:  # behind a dead parent: still out for citizens
        return "outage"
    if State.DEGRADED in states or State.PENDING in states:
        return "degraded"
    if State.MAINTENANCE in states:
        return "maintenance"
    if State.UNKNOWN in states:
        return "unknown"
    return "operational"


def collect(session: Session, zone: ZoneInfo, now: datetime | None = None) -> PublicStatus:
    now = now or utcnow()
    stale = freshness(session=session, viewer=SYSTEM, now=now).stale
    services = list(session.scalars(select(DigitalService).where(DigitalService.audience == "public")
                                    .order_by(DigitalService.group, DigitalService.name)))
    target_ids = sorted({t for s in services for t in s.target_ids})
    states = dict(session.execute(select(TargetState.target_id, TargetState.state)
                                  .where(TargetState.target_id.in_(target_ids))).all())
    today = formatting.local(now, zone).date()
    first = today - timedelta(days=DAYS - 1)
    start = datetime.combine(first, time(), zone)
    daily: dict[tuple[int, date], list[float]] = {}
    for row in session.scalars(select(RollupDay).where(RollupDay.target_id.in_(target_ids), RollupDay.bucket >= start)):
        day = formatting.local(row.bucket, zone).date()
        daily.setdefault((row.target_id, day), [0.0, 0.0])
        daily[(row.target_id, day)][0] += row.up_s + row.degraded_s
        daily[(row.target_id, day)][1] += row.up_s + row.degraded_s + row.down_s
    status = PublicStatus(now, "operational", stale)
    quarter_start = datetime.combine(voice.quarter_of(today)[0], time(), zone)
    ratings = voice.public_summary(session, [s.id for s in services], quarter_start)
    by_id = {s.id: s.name for s in services}
    status.updates = [Update(by_id[u.service_id], u.at, u.status, u.message, u.id, u.service_id, u.incident_id)
                      for u in voice.updates_of(session, list(by_id), now - timedelta(days=14))]
    names: dict[int, list[tuple[int, str]]] = {}
    for service in services:
        days, up_all, measured_all = [], 0.0, 0.0
        for n in range(DAYS):
            day = first + timedelta(days=n)
            up = sum(daily.get((t, day), [0, 0])[0] for t in service.target_ids)
            measured = sum(daily.get((t, day), [0, 0])[1] for t in service.target_ids)
            if day == today:  # today's day bucket fills in as the day goes: read it to the minute
                figure = availability.of_targets(session, service.target_ids, start=datetime.combine(day, time(), zone),
                                                  end=now, zone=zone)
                up, measured = figure.up_s + figure.degraded_s, figure.up_s + figure.degraded_s + figure.down_s
            days.append((day, 100 * up / measured if measured else None))
            up_all, measured_all = up_all + up, measured_all + measured
        current = _state([states.get(t, State.UNKNOWN) for t in service.target_ids], stale)
        shown = PublicService(service.id, service.name, service.group, service.description, current, days,
                              100 * up_all / measured_all if measured_all else None, service.support_channel,
                              ratings.get(service.id))
        if current in PROBLEMS:
            status.affected.append(shown)
        else:
            status.groups.setdefault(service.group or t("public.other_group"), []).append(shown)
        for target in service.target_ids:
            names.setdefault(target, []).append((service.id, service.name))
    status.affected.sort(key=lambda s: RANK[s.state])  # stable: group and name order within a state
    status.overall = min((s.state for s in status.services()), key=RANK.get, default="unknown")
    if target_ids:
        _incidents(session, status, target_ids, names, now)
        for window in session.scalars(select(MaintenanceWindow).where(
                MaintenanceWindow.kind == "once", MaintenanceWindow.target_id.in_(target_ids),
                MaintenanceWindow.ends_at > now, MaintenanceWindow.starts_at < now + timedelta(days=14))
                .order_by(MaintenanceWindow.starts_at)):
            for _service_id, name in names.get(window.target_id, []):
                status.maintenance.append(Notice(name, window.starts_at, window.ends_at))
    return status


def _incidents(session: Session, status: PublicStatus, target_ids: list[int], names: dict, now: datetime) -> None:
    """Ongoing incidents, and the 14 days' history, which holds the ongoing ones too; each incident of a
    service carries that service's updates about it (shown once: under 'now' while it lasts)."""
    updates: dict[tuple[int, int | None], list[Update]] = {}
    for update in status.updates:
        updates.setdefault((update.service_id, update.incident_id), []).append(update)
    since = now - timedelta(days=14)
    for incident in session.scalars(select(Incident).where(
            Incident.target_id.in_(target_ids), or_(Incident.ended_at.is_(None), Incident.ended_at > since))
            .order_by(Incident.started_at.desc(), Incident.id.desc())):
        for service_id, name in names.get(incident.target_id, []):
            told = updates.get((service_id, incident.id), [])
            if incident.ended_at is None:
                status.incidents.append(Notice(name, incident.started_at, None, service_id, incident.id, told))
                told = []
            status.history.append(Notice(name, incident.started_at, incident.ended_at, service_id, incident.id, told))


def as_json(status: PublicStatus) -> str:
    started = {(n.service_id, n.incident_id): n.started_at.isoformat() for n in status.history}
    return json.dumps({
        "generated_at": status.generated_at.isoformat(), "overall": status.overall, "stale": status.stale,
        "services": [{"name": s.name, "group": s.group, "state": s.state,
                      "uptime_90d": None if s.uptime is None else round(s.uptime, 3),
                      "days": [{"date": d.isoformat(), "uptime": None if v is None else round(v, 3)} for d, v in s.days]}
                     for s in status.services()],
        "incidents": [{"service": n.service, "started_at": n.started_at.isoformat()} for n in status.incidents],
        "maintenance": [{"service": n.service, "starts_at": n.started_at.isoformat(),
                         "ends_at": n.ended_at.isoformat() if n.ended_at else None} for n in status.maintenance],
        "history": [{"service": n.service, "started_at": n.started_at.isoformat(),
                     "ended_at": n.ended_at.isoformat() if n.ended_at else None} for n in status.history],
        "updates": [{"service": u.service, "at": u.at.isoformat(), "status": u.status, "message": u.message,
                     "incident_started_at": started.get((u.service_id, u.incident_id))} for u in status.updates],
    }, ensure_ascii=False)


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _bar(days: list[tuple[date, float | None]], lang: str) -> str:
    """90 day cells, coloured by class; each says its day and figure on hover (title)."""
    cells = []
    for day, value in days:
        if value is None:
            kind, text = "n", t("public.no_data", lang)
        else:
            kind = "g" if value >= 99.5 else "a" if value >= 95 else "r"
            text = formatting.percent(value, 2, lang)
        cells.append(f'<i class="{kind}" title="{_e(formatting.day(day, lang))}: {_e(text)}"></i>')
    return f'<div class="bar" role="img" aria-label="{_e(t("public.uptime_90", lang))}">{"".join(cells)}</div>'


def _form(service: PublicService, lang: str) -> str:
    """The feedback form of one service: a plain HTML form (no script), posted to /publik/masukan."""
    stars = "".join(f'<label><input type="radio" name="rating" value="{n}" required> {n}</label> ' for n in range(1, 6))
    return (f'<details><summary>{_e(t("public.feedback", lang))}</summary>'
            f'<form method="post" action="/publik/masukan?lang={lang}">'
            f'<input type="hidden" name="service" value="{service.id}">'
            f'<fieldset><legend>{_e(t("public.rating", lang))}</legend>{stars}</fieldset>'
            f'<label>{_e(t("public.comment", lang))}<br><textarea name="comment" maxlength="{voice.MAX_COMMENT}" rows="3">'
            f'</textarea></label><br><button type="submit">{_e(t("public.send", lang))}</button></form></details>')


def refusal_html(lang: str, detail: str) -> str:
    """A short page for a feedback post no form of ours sends (tampered or too large): what was wrong, escaped,
    and the way back."""
    return (f'<!doctype html><html lang="{_e(lang)}"><meta charset="utf-8"><title>{_e(t("public.refused", lang))}</title>'
            f'<h1>{_e(t("public.refused", lang))}</h1><p>{_e(t("public.refused_help", lang))}</p>'
            f'<p><code>{_e(detail)}</code></p><p><a href="/publik?lang={_e(lang)}">{_e(t("public.back", lang))}</a></p>')


def as_html(status: PublicStatus, lang: str, zone: ZoneInfo, org_name: str, notice: str = "") -> str:
    """The page, complete: inline CSS, no script, readable on a phone, every data value escaped."""
    def when(at: datetime | None) -> str:
        return formatting.moment(at, zone, lang) if at else "–"

    def pct(value: float | None) -> str:
        if value is None:
            return "–"
        return formatting.percent(value, 2, lang)

    def rating(satisfaction: tuple[float, int]) -> str:
        return t("public.satisfaction", lang, mean=formatting.number(satisfaction[0], 1, lang), count=satisfaction[1])

    if notice:
        parts_notice = f'<section class="notice" role="status"><p>{_e(t(f"public.notice.{notice}", lang))}</p></section>'
    else:
        parts_notice = ""
    parts = [parts_notice, f'<section class="overall {status.overall}"><h2>{_e(t(f"public.overall.{status.overall}", lang))}</h2>'
             f'<p>{_e(t("public.updated", lang, at=when(status.generated_at)))}</p>'
             + (f'<p><strong>{_e(t("public.stale", lang))}</strong></p>' if status.stale else "") + "</section>"]

    def told(updates: list[Update]) -> str:
        return "".join(f"<li>{_e(t(f'update.status.{u.status}', lang))} · {_e(when(u.at))}<br>{_e(u.message)}</li>"
                       for u in updates)

    def card(s: PublicService) -> str:
        return (f'<li class="svc"><div class="row"><span class="name">{_e(s.name)}</span>'
                f'<span class="state {s.state}">{_e(t(f"public.state.{s.state}", lang))}</span></div>'
                + (f'<p class="desc">{_e(s.description)}</p>' if s.description else "")
                + _bar(s.days, lang)
                + f'<p class="up">{_e(t("public.uptime_line", lang, value=pct(s.uptime)))}</p>'
                + (f'<p class="desc">{_e(t("public.support", lang, channel=s.support))}</p>' if s.support else "")
                + (f'<p class="up">{_e(rating(s.satisfaction))}</p>' if s.satisfaction else "")
                + _form(s, lang) + "</li>")

    if status.incidents:
        items = "".join(f"<li><strong>{_e(n.service)}</strong> — "
                        f"{_e(t('public.incident_since', lang, at=when(n.started_at)))}"
                        + (f'<ul class="told">{told(n.updates)}</ul>' if n.updates else "") + "</li>"
                        for n in status.incidents)
        parts.append(f'<section><h2>{_e(t("public.incidents", lang))}</h2><ul>{items}</ul></section>')
    if status.affected:
        parts.append(f'<section><h2>{_e(t("public.affected", lang))}</h2><ul class="svcs">'
                     f'{"".join(card(s) for s in status.affected)}</ul></section>')
    if status.maintenance:
        items = "".join(f"<li><strong>{_e(n.service)}</strong> — {_e(when(n.started_at))} – {_e(when(n.ended_at))}</li>"
                        for n in status.maintenance)
        parts.append(f'<section><h2>{_e(t("public.maintenance", lang))}</h2><ul>{items}</ul></section>')
    loose = status.loose_updates()
    if loose:
        items = "".join(f"<li><strong>{_e(u.service)}</strong> · {_e(t(f'update.status.{u.status}', lang))} · "
                        f"{_e(when(u.at))}<br>{_e(u.message)}</li>" for u in loose)
        parts.append(f'<section><h2>{_e(t("public.updates", lang))}</h2><ul>{items}</ul></section>')
    for group, services in status.groups.items():
        parts.append(f'<section><h2>{_e(group)}</h2><ul class="svcs">{"".join(card(s) for s in services)}</ul>'
                     "</section>")
    history = "".join(f"<li><strong>{_e(n.service)}</strong> — {_e(when(n.started_at))} – "
                      f"{_e(when(n.ended_at) if n.ended_at else t('public.ongoing', lang))}"
                      + (f'<ul class="told">{told(n.updates)}</ul>' if n.updates else "") + "</li>"
                      for n in status.history) or f"<li>{_e(t('public.no_history', lang))}</li>"
    parts.append(f'<section><h2>{_e(t("public.history", lang))}</h2><ul>{history}</ul></section>')
    other = "en" if lang == "id" else "id"
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(t("public.title", lang, org=org_name))}</title>
<link rel="alternate" type="application/json" href="/publik/status.json">
<link rel="alternate" type="application/atom+xml" href="/publik/feed.atom">
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#111827;background:#f9fafb;line-height:1.5}}
header,main,footer{{max-width:860px;margin:0 auto;padding:16px}}
header{{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap}}
h1{{font-size:1.4rem;margin:0}} h2{{font-size:1.1rem;margin:0 0 8px}}
a{{color:#0d47a1}} section{{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:16px;margin:0 0 16px}}
.overall.operational{{border-left:8px solid {COLOURS["operational"]}}} .overall.degraded{{border-left:8px solid {COLOURS["degraded"]}}}
.overall.outage{{border-left:8px solid {COLOURS["outage"]}}} .overall.maintenance,.overall.unknown{{border-left:8px solid {COLOURS["unknown"]}}}
ul{{margin:0;padding-left:20px}} ul.svcs{{list-style:none;padding:0}} li.svc{{padding:10px 0;border-top:1px solid #f3f4f6}}
li.svc:first-child{{border-top:0}} .row{{display:flex;justify-content:space-between;gap:8px;flex-wrap:wrap}}
.name{{font-weight:600}} .state{{font-weight:600}} .state.operational{{color:{COLOURS["operational"]}}}
.state.degraded{{color:{COLOURS["degraded"]}}} .state.outage{{color:{COLOURS["outage"]}}}
.state.maintenance{{color:{COLOURS["maintenance"]}}} .state.unknown{{color:{COLOURS["unknown"]}}}
.bar{{display:flex;gap:1px;height:28px;margin:8px 0 4px}} .bar i{{flex:1;border-radius:2px;min-width:1px}}
.bar .g{{background:{COLOURS["operational"]}}} .bar .a{{background:{COLOURS["degraded"]}}}
.bar .r{{background:{COLOURS["outage"]}}} .bar .n{{background:#d1d5db}}
.desc,.up{{margin:4px 0;color:#374151;font-size:.95rem}} footer{{color:#6b7280;font-size:.85rem}}
details{{margin-top:6px}} summary{{cursor:pointer;color:#0d47a1}} fieldset{{border:0;padding:0;margin:6px 0}}
textarea{{width:100%;max-width:100%;box-sizing:border-box}} button{{margin-top:6px;padding:6px 14px}}
.notice{{border-left:8px solid #0d47a1}} ul.told{{margin:4px 0 8px;color:#374151;font-size:.95rem}}
</style></head>
<body><header><h1>{_e(t("public.title", lang, org=org_name))}</h1>
<a href="?lang={other}" hreflang="{other}">{_e(t("public.switch", lang))}</a></header>
<main>{"".join(parts)}</main>
<footer>{_e(t("public.footer", lang))} · <a href="/publik/status.json">status.json</a> ·
<a href="/publik/feed.atom">Atom</a> · <a href="/publik/data?lang={lang}">{_e(t("public.open_data", lang))}</a></footer>
</body></html>"""


def as_atom(status: PublicStatus, lang: str, zone: ZoneInfo, org_name: str) -> str:
    """An Atom feed of what citizens should know: the services' updates and the automatic incident notices."""
    # Ids stay with their row (an update, an incident of a service), not with a position in the list; the
    # history holds the ongoing incidents too, so each incident is one entry.
    entries = [(u.at, f"urn:monev:update:{u.id}", f"{u.service}: {t(f'update.status.{u.status}', lang)}", u.message)
               for u in status.updates]
    entries += [(n.started_at, f"urn:monev:incident:{n.incident_id}:{n.service_id}",
                 f"{n.service}: {t('public.state.outage', lang)}",
                 t("public.incident_since", lang, at=formatting.moment(n.started_at, zone, lang)))
                for n in status.history]
    entries.sort(key=lambda e: e[0], reverse=True)
    items = "".join(f"<entry><id>{_e(key)}</id><title>{_e(title)}</title>"
                    f"<updated>{_e(at.isoformat())}</updated><content type=\"text\">{_e(text)}</content></entry>"
                    for at, key, title, text in entries[:50])
    updated = (entries[0][0] if entries else status.generated_at).isoformat()
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>urn:monev:status</id><title>{_e(t('public.title', lang, org=org_name))}</title>"
            f"<author><name>{_e(org_name)}</name></author>"
            f'<link href="/publik"/><updated>{_e(updated)}</updated>{items}</feed>')
