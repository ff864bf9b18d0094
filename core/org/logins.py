"""Logging in, throttled so a stranger cannot turn it against the account's owner.

Failures are counted per name as typed (whether or not an account has it, so the answers and their timing
never tell which names exist) and per client address. Only a client that has failed is ever made to wait:
- five failures of one name from one client within 15 minutes: that client waits out the 15 minutes for
  that name;
- twenty failures from one client, whatever the names: that client waits out the 15 minutes;
- thirty failures of one name from anywhere (a spread-out attack): a client that has itself failed on that
  name in the window gets one attempt every 30 s on it.
A client without recent failures is never delayed, so the owner's right password from their own device gets
in during any attack; an attempt refused by a wait is recorded like a failure (a stranger who keeps trying
keeps waiting). Nothing here ends a session that is already logged in, and no failure locks an account.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session

from core.access import Role, Viewer, require_role
from core.errors import LoginFailed, LoginThrottled
from core.org import passwords
from db.models import LoginAttempt, User
from db.types import utcnow

WINDOW = timedelta(minutes=15)
PER_NAME_AND_CLIENT, PER_CLIENT, PER_NAME = 5, 20, 30
SLOW = timedelta(seconds=30)  # a name under a spread-out attack: one attempt per this long
KEPT = timedelta(days=1)  # attempts older than this are dropped


def _failures(session: Session, since: datetime, **where) -> tuple[int, datetime | None]:
    """(failures since the last success, the newest failure) matching `where`, within the window."""
    columns = [getattr(LoginAttempt, k) == v for k, v in where.items()]
    last_ok = session.scalar(select(func.max(LoginAttempt.at)).where(*columns, LoginAttempt.ok.is_(True),
                                                                     LoginAttempt.at >= since))
    start = max(since, last_ok) if last_ok else since
    count, newest = session.execute(select(func.count(), func.max(LoginAttempt.at)).where(
        *columns, LoginAttempt.ok.is_(False), LoginAttempt.at >= start)).one()
    return count, newest


def _wait(session: Session, name: str, client: str, now: datetime) -> tuple[timedelta, str] | None:
    """How long this client must wait before trying this name again and why ("client": its own failures;
    "name": the name is under attack and this client failed on it too); None when it may try now."""
    since = now - WINDOW
    waits = []
    pair, newest = _failures(session, since, username=name, client=client)
    if pair >= PER_NAME_AND_CLIENT:
        waits.append((newest + WINDOW - now, "client"))
    anyone, newest = _failures(session, since, client=client)
    if anyone >= PER_CLIENT:
        waits.append((newest + WINDOW - now, "client"))
    if pair:  # the name-wide slow-down holds only for a client that has failed on the name itself
        spread, newest = _failures(session, since, username=name)
        if spread >= PER_NAME and newest + SLOW > now:
            waits.append((newest + SLOW - now, "name"))
    waits = [w for w in waits if w[0] > timedelta(0)]
    return max(waits) if waits else None


def _minutes(wait: timedelta) -> int:
    return max(1, -(-int(wait.total_seconds()) // 60))


def authenticate(*, session: Session, username: str, password: str, client: str = "",
                 now: datetime | None = None) -> User:
    """The user whose name and password these are, or LoginFailed (the same words for an unknown name and
    a wrong password) or LoginThrottled (the same for both too). The caller commits even when this raises:
    the attempt must be counted."""
    now = now or utcnow()
    name = (username or "").strip().lower()[:60]
    client = (client or "-")[:64]
    wait = _wait(session, name, client, now)
    if wait is not None:
        passwords.burn_time(password or "")  # as long as a real check: the answer tells nothing
        # Recorded like a failure: a stranger who keeps trying through the wait keeps this client waiting.
        session.add(LoginAttempt(at=now, username=name, client=client, ok=False))
        delay, why = wait
        if why == "name":
            raise LoginThrottled("auth.throttled_name", seconds=max(1, int(delay.total_seconds() + 0.999)))
        raise LoginThrottled("auth.throttled", minutes=_minutes(delay))
    user = session.scalar(select(User).where(User.username == name)) if name else None
    if user is None or not user.active:
        passwords.burn_time(password or "")
        ok = False
    else:
        ok = bool(password) and passwords.verify(password, user.password_hash)
    session.add(LoginAttempt(at=now, username=name, client=client, ok=ok))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEPT))
    if not ok:
        raise LoginFailed("auth.invalid")
    user.last_login_at = now
    return user


def clear(*, session: Session, viewer: Viewer, username: str) -> int:
    """Forget the failed attempts on a name (admin), so its owner need not wait them out. Returns how many."""
    require_role(viewer, Role.ADMIN)
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.username == username.strip().lower(),
                                                        LoginAttempt.ok.is_(False)))
    return result.rowcount or 0


def throttled(*, session: Session, viewer: Viewer, now: datetime | None = None) -> dict[str, int]:
    """Names with failures in the last 15 minutes (admin): name → failures, for the accounts page."""
    require_role(viewer, Role.ADMIN)
    since = (now or utcnow()) - WINDOW
    return dict(session.execute(select(LoginAttempt.username, func.count()).where(
        LoginAttempt.ok.is_(False), LoginAttempt.at >= since).group_by(LoginAttempt.username)).all())


def client_address(peer: str, forwarded_for: str, hops: int) -> str:
    """Where a request comes from: the peer's address, or behind `hops` declared reverse proxies (Caddy,
    nginx) the address the nearest of them was asked by (its X-Forwarded-For entry); never a header alone."""
    forwarded = [a.strip() for a in (forwarded_for or "").split(",") if a.strip()]
    return forwarded[-hops] if hops and len(forwarded) >= hops else peer
