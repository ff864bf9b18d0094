"""Read-API tokens: issued by an admin, each bound to a role and a unit, hashed at rest, revocable.

A request with a token reads as the Viewer the token stands for, so the API goes through the same
`core` scope rules as a page: a token for Kecamatan Klojen sees Klojen and its kelurahan.
"""

import logging
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role
from core.errors import NotFound, Refused, ValidationError
from core.org.passwords import token_digest as digest
from core.text import check_name
from db.agents import ApiToken
from db.models import Unit
from db.types import utcnow

log = logging.getLogger("monev.api")
ROLES = (Role.PIMPINAN, Role.SKPD)  # a token reads; city-wide as leadership, or one unit's subtree
PER_MINUTE = 120


class TokenRefused(Refused):
    """No token, an unknown or a revoked one."""


@dataclass
class Issued:
    token: ApiToken
    secret: str  # shown once


def issue(*, session: Session, viewer: Viewer, name: str, role: str, unit_id: int | None) -> Issued:
    require_role(viewer, Role.ADMIN)
    name = " ".join(name.split())
    check_name(name, "name")
    if not name:
        raise ValidationError("token.name_required", field="name")
    if role not in ROLES:
        raise ValidationError("token.role_invalid", field="role", roles=", ".join(ROLES))
    if role == Role.SKPD:
        if unit_id is None or session.get(Unit, unit_id) is None:
            raise ValidationError("token.unit_required", field="unit_id")
    else:
        unit_id = None
    secret = "mvt_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=digest(secret), prefix=secret[:10], role=role, unit_id=unit_id,
                     created_by=viewer.username)
    session.add(token)
    session.flush()
    audit.record(session, viewer=viewer, action="create", table="api_token", row_id=token.id, unit_id=unit_id,
                 new={"name": name, "role": role, "unit_id": unit_id})
    return Issued(token, secret)


def revoke(*, session: Session, viewer: Viewer, token_id: int) -> ApiToken:
    require_role(viewer, Role.ADMIN)
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("token.not_found")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, viewer=viewer, action="update", table="api_token", row_id=token.id,
                     unit_id=token.unit_id, old={"revoked_at": None}, new={"revoked_at": token.revoked_at.isoformat()})
    return token


def list_tokens(*, session: Session, viewer: Viewer) -> list[ApiToken]:
    require_role(viewer, Role.ADMIN)
    return list(session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.name)))


def viewer_for(session: Session, secret: str) -> tuple[Viewer, int]:
    """The Viewer a token reads as, and the token's id (for the rate limit); TokenRefused otherwise."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret or "")))
    if token is None:
        raise TokenRefused("token.unknown")
    if token.revoked_at is not None:
        raise TokenRefused("token.revoked")
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now  # written at most once a minute: reads stay reads
    return Viewer(user_id=None, username=f"api:{token.name}", role=Role(token.role), unit_id=token.unit_id,
                  display_name=token.name), token.id


class RateLimit:
    """At most `per_minute` requests per token in any sliding minute, in this process."""

    def __init__(self, per_minute: int = PER_MINUTE):
        self.per_minute = per_minute
        self._seen: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_s(self, token_id: int, now: float | None = None) -> float:
        """0 when the request may go now (and counts it); else the seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._seen.setdefault(token_id, deque())
            while seen and seen[0] <= now - 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return 60 - (now - seen[0])
            seen.append(now)
            return 0.0


FAILURES_PER_MINUTE = 10  # wrong tokens one client may present in a minute before it is made to wait


class FailureLimit:
    """Wrong credentials per client (an address) in any sliding minute, in this process: past the limit the
    client waits until its oldest failure is a minute old, before any token it presents is even looked up."""

    def __init__(self, per_minute: int = FAILURES_PER_MINUTE, clients: int = 10_000):
        self.per_minute, self.clients = per_minute, clients
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        seen = self._seen.setdefault(client, deque())
        while seen and seen[0] <= now - 60:
            seen.popleft()
        return seen

    def wait_s(self, client: str, now: float | None = None) -> float:
        """0 when this client may present a token now; else the seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._recent(client, now)
            return 60 - (now - seen[0]) if len(seen) >= self.per_minute else 0.0

    def failed(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._seen) >= self.clients:  # many addresses: forget those with nothing recent
                for key in [k for k, v in self._seen.items() if not v or v[-1] <= now - 60]:
                    del self._seen[key]
            self._recent(client, now).append(now)
