"""Citizens' e-mail subscriptions to a public service's news: double opt-in, news by mail, unsubscribe.

A citizen leaves an address for a public service; it stays inactive until the link mailed to it is followed
and confirmed (a mail scanner that opens the link confirms nothing: the page asks for a button). The confirm
token is random and signed with the installation's key; the subscription keeps only its SHA-256, and the
mail row carries it only until the mail is sent. Every mail carries an unsubscribe link signed over the
subscription's id and token hash; unsubscribing deletes the address and its mails. Nothing else is kept
about the person (the form's rate limit per client lives in the web process's memory, not here).

New incidents of the service's targets and its people's updates are queued per confirmed subscription by
`enqueue_news` (idempotent: one mail per subscription and incident or update) and sent by `deliver_due`
through the e-mail alert channel with the alerts' retries and backoff; a failing mail stays pending and
never touches the incident or the update it reports. `mail_round` is both, for the alert notifier's loop.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

import httpx
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core import formatting
from core.alerts import notify
from core.alerts.channels.base import SendFailed
from core.alerts.channels.email import ADDRESS
from core.alerts.messages import Message
from core.config import Settings
from core.errors import NotFound, ValidationError
from core.i18n import t
from core.text import has_control
from db.monitoring import AlertChannel, Incident
from db.services import DigitalService, ServiceUpdate, Subscription, SubscriptionMail
from db.types import utcnow

log = logging.getLogger("monev.subscriptions")
CONFIRM_WITHIN = timedelta(hours=48)  # an unconfirmed address is deleted after this
MAX_CONFIRMS_PER_DAY = 3  # confirm mails to one address in a day, whoever asks: no mail bomb through our form
NEWS_WINDOW = timedelta(days=1)  # incidents and updates younger than this are mailed; older ones are history
KEEP_SENT = timedelta(days=7)  # sent and failed mail rows, then deleted (they only keep a news item from repeating)
LEASE = timedelta(minutes=2)
MAX_EMAIL = 254


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _sign(key: str, purpose: str, value: str) -> str:
    return hmac.new(key.encode(), f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()[:32]


def confirm_code(key: str, token: str) -> str:
    """What the confirm link carries: the random token and its signature."""
    return f"{token}.{_sign(key, 'confirm', token)}"


def unsubscribe_code(key: str, subscription: Subscription) -> str:
    """What every mail's unsubscribe link carries: the subscription's id, signed with its token hash."""
    return f"{subscription.id}.{_sign(key, 'unsubscribe', f'{subscription.id}:{subscription.token_hash}')}"


def clean_email(raw: str) -> str:
    email = raw.strip()
    if not email or len(email) > MAX_EMAIL or has_control(email) or not ADDRESS.match(email):
        raise ValidationError("subscription.email_invalid", field="email")
    local, domain = email.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def subscribe(session: Session, *, service_id: int, email: str, key: str, now: datetime | None = None) -> None:
    """Queue a confirm mail for an address and a public service (no viewer: the public form). An address
    already confirmed for the service is left as it is; the caller says the same either way, so the form
    tells no one who subscribes to what."""
    now = now or utcnow()
    email = clean_email(email)
    service = session.get(DigitalService, service_id)
    if service is None or service.audience != "public":
        raise NotFound("service.not_found")
    sent_today = session.scalar(select(func.count()).select_from(SubscriptionMail).join(Subscription).where(
        Subscription.email == email, SubscriptionMail.kind == "confirm",
        SubscriptionMail.created_at >= now - timedelta(days=1)))
    if sent_today >= MAX_CONFIRMS_PER_DAY:
        raise ValidationError("subscription.too_many", field="email", limit=MAX_CONFIRMS_PER_DAY)
    row = session.scalar(select(Subscription).where(Subscription.service_id == service_id, Subscription.email == email))
    if row is not None and row.confirmed_at is not None:
        return
    token = secrets.token_urlsafe(32)
    if row is None:
        row = Subscription(service_id=service_id, email=email, token_hash=_hash(token), created_at=now)
        session.add(row)
    else:  # asked again before confirming: a new link, the old one stops working
        row.token_hash, row.created_at = _hash(token), now
    session.flush()
    session.add(SubscriptionMail(subscription_id=row.id, kind="confirm", secret=token, created_at=now,
                                 next_attempt_at=now))
    session.flush()


def choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every public service, by name: what the subscription form offers."""
    return [tuple(r) for r in session.execute(select(DigitalService.id, DigitalService.name)
                                              .where(DigitalService.audience == "public").order_by(DigitalService.name))]


def _by_confirm_code(session: Session, code: str, key: str, now: datetime) -> Subscription | None:
    token, _, signature = code.partition(".")
    if not token or len(token) > 64 or not hmac.compare_digest(signature, _sign(key, "confirm", token)):
        return None
    row = session.scalar(select(Subscription).where(Subscription.token_hash == _hash(token)))
    if row is None or (row.confirmed_at is None and row.created_at < now - CONFIRM_WITHIN):
        return None
    return row


def _by_unsubscribe_code(session: Session, code: str, key: str) -> Subscription | None:
    raw_id, _, signature = code.partition(".")
    if not raw_id.isdigit() or len(raw_id) > 10:
        return None
    row = session.get(Subscription, int(raw_id))
    if row is None or not hmac.compare_digest(signature, unsubscribe_code(key, row).partition(".")[2]):
        return None
    return row


def service_name(session: Session, subscription: Subscription) -> str:
    return session.get(DigitalService, subscription.service_id).name


def pending_confirmation(session: Session, *, code: str, key: str, now: datetime | None = None) -> str | None:
    """The service a confirm link is for (the page that asks for the button), or None for a link that is
    not ours, expired or superseded."""
    row = _by_confirm_code(session, code, key, now or utcnow())
    return service_name(session, row) if row else None


def confirm(session: Session, *, code: str, key: str, now: datetime | None = None) -> str | None:
    """Activate the subscription a confirm link is for; its service's name, or None (as above)."""
    now = now or utcnow()
    row = _by_confirm_code(session, code, key, now)
    if row is None:
        return None
    if row.confirmed_at is None:
        row.confirmed_at = now
    return service_name(session, row)


def subscribed_to(session: Session, *, code: str, key: str) -> str | None:
    """The service an unsubscribe link is for, or None when the link is not ours or already used."""
    row = _by_unsubscribe_code(session, code, key)
    return service_name(session, row) if row else None


def unsubscribe(session: Session, *, code: str, key: str) -> str | None:
    """Delete the address and its mails; the service's name, or None (as above)."""
    row = _by_unsubscribe_code(session, code, key)
    if row is None:
        return None
    name = service_name(session, row)
    session.execute(delete(SubscriptionMail).where(SubscriptionMail.subscription_id == row.id))
    session.delete(row)
    return name


def enqueue_news(session: Session, now: datetime | None = None) -> int:
    """A mail per confirmed subscription for each incident of its service's targets and each of its service's
    updates since it was confirmed (and within NEWS_WINDOW) not yet queued. Returns how many were queued."""
    now = now or utcnow()
    since = now - NEWS_WINDOW
    subs = session.execute(select(Subscription, DigitalService.target_ids).join(DigitalService).where(
        Subscription.confirmed_at.is_not(None), DigitalService.audience == "public")).all()
    if not subs:
        return 0
    targets = {t for _sub, ids in subs for t in ids}
    incidents = session.execute(select(Incident.id, Incident.target_id, Incident.started_at).where(
        Incident.target_id.in_(sorted(targets)), Incident.started_at >= since)).all() if targets else []
    updates = session.execute(select(ServiceUpdate.id, ServiceUpdate.service_id, ServiceUpdate.at).where(
        ServiceUpdate.service_id.in_(sorted({sub.service_id for sub, _ids in subs})), ServiceUpdate.at >= since)).all()
    if not incidents and not updates:
        return 0
    queued = set(session.execute(select(SubscriptionMail.subscription_id, SubscriptionMail.kind,
                                        SubscriptionMail.ref_id).where(SubscriptionMail.kind != "confirm",
                                                                        SubscriptionMail.created_at >= since - KEEP_SENT)).all())
    added = 0
    for sub, target_ids in subs:
        news = [("incident", i, at) for i, target, at in incidents if target in target_ids]
        news += [("update", u, at) for u, service, at in updates if service == sub.service_id]
        for kind, ref, at in news:
            if at >= sub.confirmed_at and (sub.id, kind, ref) not in queued:
                session.add(SubscriptionMail(subscription_id=sub.id, kind=kind, ref_id=ref, created_at=now,
                                             next_attempt_at=now))
                added += 1
    session.flush()
    return added


def tidy(session: Session, now: datetime | None = None) -> None:
    """Delete addresses never confirmed in time, and mails done with for a week."""
    now = now or utcnow()
    stale = select(Subscription.id).where(Subscription.confirmed_at.is_(None),
                                          Subscription.created_at < now - CONFIRM_WITHIN)
    session.execute(delete(SubscriptionMail).where(SubscriptionMail.subscription_id.in_(stale)))
    session.execute(delete(Subscription).where(Subscription.id.in_(stale)))
    session.execute(delete(SubscriptionMail).where(SubscriptionMail.status.in_(("sent", "failed")),
                                                   SubscriptionMail.created_at < now - KEEP_SENT))


# -- sending ------------------------------------------------------------------------------------------------
def _free(now: datetime):
    return or_(SubscriptionMail.lease_until.is_(None), SubscriptionMail.lease_until < now)


def _lease(engine: Engine, now: datetime, limit: int) -> list[int]:
    """Up to `limit` due mails, each taken by a conditional UPDATE: a second notifier gets 0 rows and skips."""
    with Session(engine) as session:
        due = session.scalars(select(SubscriptionMail.id).where(
            SubscriptionMail.status == "pending", SubscriptionMail.next_attempt_at <= now, _free(now))
            .order_by(SubscriptionMail.next_attempt_at).limit(limit)).all()
    taken = []
    with Session(engine) as session, session.begin():
        for mail_id in due:
            if session.execute(update(SubscriptionMail).where(SubscriptionMail.id == mail_id, _free(now))
                               .values(lease_until=now + LEASE)).rowcount:
                taken.append(mail_id)
    return taken


def compose(session: Session, mail: SubscriptionMail, subscription: Subscription, settings: Settings) -> Message:
    """The mail in the installation's language: what happened, the link to read more, the unsubscribe link."""
    lang, zone, key = settings.language, settings.zone, settings.secret_cookie_key()
    base = settings.public_url.rstrip("/")
    service = session.get(DigitalService, subscription.service_id).name
    words = dict(service=service, org=settings.org_name)
    if mail.kind == "confirm":
        words["link"] = f"{base}/publik/langganan/konfirmasi?kode={confirm_code(key, mail.secret)}&lang={lang}"
        words["hours"] = int(CONFIRM_WITHIN.total_seconds() // 3600)
    elif mail.kind == "incident":
        incident = session.get(Incident, mail.ref_id)
        words.update(at=formatting.moment(incident.started_at, zone, lang),
                     link=f"{base}/publik/insiden/{incident.id}?lang={lang}")
    else:
        row = session.get(ServiceUpdate, mail.ref_id)
        words.update(at=formatting.moment(row.at, zone, lang), status=t(f"update.status.{row.status}", lang),
                     message=row.message, link=f"{base}/publik/insiden/{row.incident_id}?lang={lang}"
                     if row.incident_id else f"{base}/publik?lang={lang}")
    unsubscribe = f"{base}/publik/langganan/berhenti?kode={unsubscribe_code(key, subscription)}&lang={lang}"
    subject = t(f"subscription.mail.{mail.kind}_subject", lang, **words)
    text = (t(f"subscription.mail.{mail.kind}_body", lang, **words) + "\n\n-- \n"
            + t("subscription.mail.footer", lang, unsubscribe=unsubscribe, **words))
    return Message(subject=subject, text=text, fields={})


def deliver(engine: Engine, settings: Settings, mail_ids: list[int], client: httpx.Client) -> dict[str, int]:
    """Send the given mails through the e-mail channel and record each outcome, as alert deliveries are."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for mail_id in mail_ids:
        with Session(engine) as session:
            mail = session.get(SubscriptionMail, mail_id)
            subscription = session.get(Subscription, mail.subscription_id) if mail else None
            if subscription is None:  # unsubscribed meanwhile: the mail went with the address
                continue
            try:
                message = compose(session, mail, subscription, settings)
            except Exception:  # noqa: BLE001 - the news row is gone (retention): nothing left to tell
                log.warning("subscription mail %s cannot be composed; dropped", mail_id, exc_info=True)
                message = None
            channel = AlertChannel(name="langganan", kind="email", address=subscription.email)
            attempts = mail.attempts + 1
        error = "nothing to tell" if message is None else None
        if message is not None:
            try:
                notify.send(channel, message, settings, client)
            except SendFailed as exc:
                error = str(exc)[:500]
            except Exception as exc:  # noqa: BLE001 - one bad mail must not stop the others
                log.exception("subscription mail %s failed", mail_id)
                error = f"{type(exc).__name__}: {exc}"[:500]
        now = utcnow()
        values: dict = {"attempts": attempts, "lease_until": None}
        if error is None:
            values.update(status="sent", sent_at=now, last_error="", secret="")
            counts["sent"] += 1
        else:
            gave_up = message is None or attempts >= settings.alert_max_attempts
            values.update(status="failed" if gave_up else "pending", last_error=error,
                          next_attempt_at=now + notify.backoff(attempts))
            if gave_up:
                values["secret"] = ""
            counts["failed" if gave_up else "retry"] += 1
            log.warning("subscription mail %s failed (try %d): %s", mail_id, attempts, error)
        with Session(engine) as session, session.begin():
            session.execute(update(SubscriptionMail).where(SubscriptionMail.id == mail_id).values(**values))
    return counts


def deliver_due(engine: Engine, settings: Settings, *, limit: int = 50, client: httpx.Client | None = None,
                now: datetime | None = None) -> dict[str, int]:
    own = client is None
    client = client or httpx.Client(timeout=notify.TIMEOUT_S)
    try:
        return deliver(engine, settings, _lease(engine, now or utcnow(), limit), client)
    finally:
        if own:
            client.close()


def mail_round(engine: Engine, settings: Settings, client: httpx.Client, now: datetime | None = None) -> dict:
    """One round for the notifier's loop: queue the news, tidy, send what is due."""
    now = now or utcnow()
    try:
        with Session(engine) as session, session.begin():
            enqueue_news(session, now)
            tidy(session, now)
    except IntegrityError:  # another notifier queued the same news at the same moment: its rows stand
        log.info("subscription news queued by another notifier")
    return deliver_due(engine, settings, client=client, now=now)
