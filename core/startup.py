"""Opening the store on start: connect, migrate to head, then load the demo or create the first admin."""

import logging

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import demo
from core.access import Role
from core.alerts.notify import Notifier
from core.config import Settings
from core.errors import SettingsError, StoreUnavailable
from core.evaluation import frameworks
from core.i18n import t
from core.org import passwords
from core.services import subscriptions
from db.engine import StoreError, check_connection, make_engine, safe_url, session_scope
from db.migrate import upgrade_to_head
from db.models import AppMeta, User
from probes.store import Retention
from probes.worker import ProbeWorker, WorkerThread

log = logging.getLogger(__name__)
DEMO_FLAG = "demo_data"
# What the alert notifier also sends each round: citizens' subscription mails (core.services.subscriptions).
NOTIFIER_ROUNDS = (subscriptions.mail_round,)


def open_store(settings: Settings) -> Engine:
    """An engine on a reachable store at the newest schema; StoreUnavailable says why not."""
    passwords.set_rounds(settings.bcrypt_rounds)
    try:
        engine = make_engine(settings.database_url)
        check_connection(engine)
    except StoreError as exc:
        raise StoreUnavailable("store.unreachable", url=exc.url, reason=exc.reason) from None
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        frameworks.ensure_shipped(session)
    return engine


_process_worker = None  # the one probe worker this process runs, when the server's lifespan started it


def start_process_worker(engine: Engine, settings: Settings):
    """The probe worker of this process, started once (server.py's lifespan); app.py then starts none."""
    global _process_worker
    if _process_worker is None:
        _process_worker = WorkerThread(ProbeWorker(engine, zone=settings.zone, name=settings.worker_name or None,
                                                   lease_s=settings.probe_lease_s,
                                                   keep=Retention(**settings.retention())),
                                       Notifier(engine, settings, rounds=NOTIFIER_ROUNDS)).start()
    return _process_worker


def process_worker():
    return _process_worker


def stop_process_worker() -> None:
    global _process_worker
    if _process_worker is not None:
        _process_worker.stop()
        _process_worker = None


def is_demo_store(session: Session) -> bool:
    return session.get(AppMeta, DEMO_FLAG) is not None


def prepare(engine: Engine, settings: Settings) -> str | None:
    """Fill an empty store: the demo city in demo mode, else one admin. Returns a one-time console notice."""
    with session_scope(engine) as session:
        if settings.demo:
            demo.load(session=session, zone=settings.zone, org_name=settings.org_name)
            demo.monitoring.follow_app_port(session=session)
            return None
        if is_demo_store(session):
            # Demo accounts have published passwords: a store holding them must never run for real.
            raise SettingsError("settings.demo_store", url=safe_url(settings.database_url))
        if session.scalar(select(func.count()).select_from(User)) == 0:
            return _first_admin(session)
    return None


def _first_admin(session: Session) -> str:
    password = passwords.random_password()
    session.add(User(username="admin", display_name="Administrator", role=Role.ADMIN,
                     password_hash=passwords.hash_password(password)))
    return t("store.first_admin", username="admin", password=password)
