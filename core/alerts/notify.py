"""Sending alerts through the channel kinds of `core.alerts.channels` (Telegram, e-mail, webhook).

`deliver_due` leases pending deliveries (a conditional UPDATE, so two workers never send one twice),
sends each with a short timeout and records the outcome: sent, or the error and the next try after an
exponential backoff; after `alert_max_attempts` tries a delivery is marked failed and stays in the log.
`Notifier` runs that in a loop on a thread of its own, beside the probe worker.
"""

import logging
import smtplib
import ssl
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.access import Viewer
from core.alerts.alerts import send_test, sweep
from core.alerts.channels import CHANNELS
from core.alerts.channels.base import SendFailed
from core.alerts.escalation import escalate
from core.alerts.messages import Message, compose, incident_link
from core.config import Settings
from db.models import Unit
from db.monitoring import Alert, AlertChannel, AlertDelivery, Target
from db.types import utcnow

log = logging.getLogger("monev.notify")
TIMEOUT_S = 10.0
FIRST_RETRY_S, LONGEST_RETRY_S = 30.0, 3600.0
LEASE = timedelta(minutes=2)


def backoff(attempts: int) -> timedelta:
    """Wait before try number attempts+1: 30 s, 1 min, 2 min, ... at most an hour."""
    return timedelta(seconds=min(LONGEST_RETRY_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1)))


def send(channel: AlertChannel, message: Message, settings: Settings, client: httpx.Client) -> None:
    """Deliver one message on one channel or raise SendFailed with the reason."""
    kind = CHANNELS.get(channel.kind)
    if kind is None:
        raise SendFailed(f"unknown channel kind {channel.kind!r}")
    try:
        kind.send(channel, message, settings, client)
    except SendFailed:
        raise
    except httpx.HTTPError as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}") from None
    except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}") from None


def _lease(engine: Engine, now: datetime, limit: int) -> list[int]:
    """Lease up to `limit` pending deliveries that are due."""
    with Session(engine) as session:
        due = session.scalars(select(AlertDelivery.id).where(
            AlertDelivery.status == "pending", AlertDelivery.next_attempt_at <= now, _free(now))
            .order_by(AlertDelivery.next_attempt_at).limit(limit)).all()
    return _lease_ids(engine, list(due), now)


def _free(now: datetime):
    return or_(AlertDelivery.lease_until.is_(None), AlertDelivery.lease_until < now)


def _lease_ids(engine: Engine, ids: list[int], now: datetime) -> list[int]:
    """The ids this call leased: one conditional UPDATE each, so a second notifier gets 0 rows and skips."""
    taken = []
    with Session(engine) as session, session.begin():
        for delivery_id in ids:
            done = session.execute(update(AlertDelivery).where(AlertDelivery.id == delivery_id, _free(now))
                                   .values(lease_until=now + LEASE))
            if done.rowcount:
                taken.append(delivery_id)
    return taken


def deliver(engine: Engine, settings: Settings, delivery_ids: list[int], client: httpx.Client) -> dict[str, int]:
    """Send the given deliveries and record each outcome; returns how many were sent and failed."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for delivery_id in delivery_ids:
        with Session(engine) as session:
            delivery = session.get(AlertDelivery, delivery_id)
            alert, channel = session.get(Alert, delivery.alert_id), session.get(AlertChannel, delivery.channel_id)
            target = session.get(Target, alert.target_id) if alert.target_id else None
            unit = session.get(Unit, alert.unit_id) if alert.unit_id else None
            message = compose(alert, channel, target=target, unit=unit, zone=settings.zone, lang=settings.language,
                              link=incident_link(settings, alert.incident_id))
            session.expunge_all()
        try:
            send(channel, message, settings, client)
            error = None
        except SendFailed as exc:
            error = str(exc)[:500]
        except Exception as exc:  # noqa: BLE001 - a bug in one channel must not stop the others
            log.exception("sending delivery %s failed", delivery_id)
            error = f"{type(exc).__name__}: {exc}"[:500]
        now, attempts = utcnow(), delivery.attempts + 1
        values: dict = {"attempts": attempts, "lease_until": None}
        if error is None:
            values.update(status="sent", sent_at=now, last_error="")
            counts["sent"] += 1
        else:
            gave_up = attempts >= settings.alert_max_attempts
            values.update(status="failed" if gave_up else "pending", last_error=error,
                          next_attempt_at=now + backoff(attempts))
            counts["failed" if gave_up else "retry"] += 1
            log.warning("alert delivery %s to %s failed (try %d): %s", delivery_id, channel.name, attempts, error)
        with Session(engine) as session, session.begin():
            session.execute(update(AlertDelivery).where(AlertDelivery.id == delivery_id).values(**values))
    return counts


def deliver_due(engine: Engine, settings: Settings, *, limit: int = 50, client: httpx.Client | None = None,
                now: datetime | None = None) -> dict[str, int]:
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT_S)
    try:
        return deliver(engine, settings, _lease(engine, now or utcnow(), limit), client)
    finally:
        if own:
            client.close()


def test_now(engine: Engine, settings: Settings, *, viewer: Viewer, channel_id: int) -> AlertDelivery:
    """The test-send button: store a test alert for one channel, send it at once, return the delivery.

    A failed test stays pending like any other delivery, so the log shows it and the notifier retries.
    """
    with Session(engine) as session, session.begin():
        alert = send_test(session=session, viewer=viewer, channel_id=channel_id)
        delivery_id = session.scalar(select(AlertDelivery.id).where(AlertDelivery.alert_id == alert.id))
    with httpx.Client(timeout=TIMEOUT_S) as client:
        deliver(engine, settings, _lease_ids(engine, [delivery_id], utcnow()), client)
    with Session(engine) as session:
        return session.get(AlertDelivery, delivery_id)


def run_sweep(engine: Engine, settings: Settings, now: datetime | None = None) -> int:
    with Session(engine) as session, session.begin():
        return sweep(session, now=now or utcnow(), reminder=timedelta(hours=settings.alert_reminder_h),
                     cert_days=settings.alert_cert_days)


def run_escalation(engine: Engine, now: datetime | None = None) -> int:
    """Escalations of unacknowledged incidents due at `now` (core.alerts.escalation), with their deliveries."""
    with Session(engine) as session, session.begin():
        return escalate(session, now=now or utcnow())


class Notifier:
    """Sends due alerts every couple of seconds and sweeps for reminders and escalations every minute, on its
    own thread; each of `rounds` (other mail queues of higher layers, as `fn(engine, settings, client, now)`)
    runs every round."""

    def __init__(self, engine: Engine, settings: Settings, every_s: float = 2.0, sweep_s: float = 60.0,
                 rounds: tuple[Callable, ...] = ()):
        self.engine, self.settings, self.every_s, self.sweep_s = engine, settings, every_s, sweep_s
        self.rounds = rounds
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, name="monev-notify", daemon=True)

    def run(self) -> None:
        last_sweep = 0.0
        with httpx.Client(timeout=TIMEOUT_S) as client:
            while not self.stop_event.is_set():
                try:
                    now = utcnow()
                    if now.timestamp() - last_sweep >= self.sweep_s:
                        run_sweep(self.engine, self.settings, now)
                        run_escalation(self.engine, now)
                        last_sweep = now.timestamp()
                    deliver_due(self.engine, self.settings, client=client)
                    for extra in self.rounds:
                        extra(self.engine, self.settings, client, now)
                except Exception:  # noqa: BLE001 - the store is away: try again on the next round
                    log.warning("sending alerts failed; retrying", exc_info=True)
                self.stop_event.wait(self.every_s)

    def start(self) -> "Notifier":
        self.thread.start()
        return self

    def stop(self, timeout: float = 15) -> None:
        self.stop_event.set()
        self.thread.join(timeout)
