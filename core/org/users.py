"""User accounts: scoped reads, admin writes. Passwords are bcrypt hashes only; logging in is core.org.logins."""

import re
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, scoped, unit_scope
from core.errors import NotFound, ValidationError
from core.org import logins, passwords
from core.text import check_name
from db.models import Unit, User, UserBase, UserFields
from db.types import utcnow

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
AUDITED = ["username", "display_name", "role", "unit_id", "active", "language"]


class UserCreate(UserBase):
    """A new account as the form gives it: the table's fields and limits, and the first password."""

    password: str


class UserUpdate(UserFields):
    """What an admin changes on an account."""


def viewer_for(user: User) -> Viewer:
    return Viewer(user_id=user.id, username=user.username, role=Role(user.role), unit_id=user.unit_id,
                  display_name=user.display_name)


def load_viewer(*, session: Session, username: str, cookie_issued_at: datetime | None = None) -> Viewer | None:
    """The viewer for a logged-in user name, or None when the account is gone, inactive or locked.

    For a login restored from a cookie, `cookie_issued_at` must be after the account's last
    logout or password reset, so those revoke the cookie even if the browser kept it.
    """
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        return None
    revoked = user.sessions_valid_after
    if cookie_issued_at is not None and revoked is not None and cookie_issued_at <= revoked:
        return None
    return viewer_for(user)


def end_sessions(*, session: Session, viewer: Viewer) -> None:
    """Log out: every re-login cookie this account was given so far stops working."""
    user = session.get(User, viewer.user_id) if viewer.user_id else None
    if user is not None:
        user.sessions_valid_after = utcnow()


def _check_role_and_unit(session: Session, role: str, unit_id: int | None) -> None:
    if role not in {r.value for r in Role}:
        raise ValidationError("user.role_unknown", field="role", role=role, roles=", ".join(r.value for r in Role))
    if role == Role.SKPD:
        if unit_id is None:
            raise ValidationError("user.skpd_needs_unit", field="unit_id")
        unit = session.get(Unit, unit_id)
        if unit is None or not unit.active:
            raise ValidationError("user.unit_unknown", field="unit_id")
    elif unit_id is not None and session.get(Unit, unit_id) is None:
        raise ValidationError("user.unit_unknown", field="unit_id")


def list_users(*, session: Session, viewer: Viewer, include_inactive: bool = True) -> list[User]:
    """Accounts the viewer may see: all for admin and pimpinan, their own units' for skpd."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    stmt = scoped(select(User).order_by(User.username), User.unit_id, session, viewer)
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    return list(session.scalars(stmt))


def get_user(*, session: Session, viewer: Viewer, user_id: int) -> User:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    user = session.get(User, user_id)
    scope = unit_scope(session, viewer)
    if user is None or (scope is not None and user.unit_id not in scope):
        raise NotFound("user.not_found")
    return user


def create_user(*, session: Session, viewer: Viewer, data: UserCreate) -> User:
    """Add an account (admin only)."""
    require_role(viewer, Role.ADMIN)
    username = data.username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ValidationError("user.username_invalid", field="username", username=data.username)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationError("user.username_taken", field="username", username=username)
    display_name = check_name(" ".join(data.display_name.split()), "display_name")
    if not display_name:
        raise ValidationError("user.name_required", field="display_name")
    unit_id = data.unit_id if data.role == Role.SKPD else None
    _check_role_and_unit(session, data.role, unit_id)
    user = User(username=username, display_name=display_name, role=data.role, unit_id=unit_id,
                password_hash=passwords.hash_password(data.password))
    session.add(user)
    session.flush()
    audit.record(session, viewer=viewer, action="create", table="app_user", row_id=user.id, unit_id=user.unit_id,
                 new=audit.snapshot(user, AUDITED))
    return user


def update_user(*, session: Session, viewer: Viewer, user_id: int, data: UserUpdate) -> User:
    """Change an account's name, role, unit or active flag (admin only)."""
    require_role(viewer, Role.ADMIN)
    user = get_user(session=session, viewer=viewer, user_id=user_id)
    display_name = check_name(" ".join(data.display_name.split()), "display_name")
    if not display_name:
        raise ValidationError("user.name_required", field="display_name")
    unit_id = data.unit_id if data.role == Role.SKPD else None
    _check_role_and_unit(session, data.role, unit_id)
    if user.id == viewer.user_id and (not data.active or data.role != Role.ADMIN):
        raise ValidationError("user.cannot_demote_self", field="role")
    before = audit.snapshot(user, AUDITED)
    user.display_name, user.role, user.unit_id, user.active = display_name, data.role, unit_id, data.active
    if not data.active:
        user.sessions_valid_after = utcnow()
    old, new = audit.changed(before, audit.snapshot(user, AUDITED))
    if new:
        audit.record(session, viewer=viewer, action="update", table="app_user", row_id=user.id,
                     unit_id=user.unit_id or before["unit_id"], old=old, new=new)
    return user


def reset_password(*, session: Session, viewer: Viewer, user_id: int, new_password: str | None = None) -> str:
    """Set a new password (random when none is given), forget the name's failed logins, and return the
    password once."""
    require_role(viewer, Role.ADMIN)
    user = get_user(session=session, viewer=viewer, user_id=user_id)
    password = new_password or passwords.random_password()
    user.password_hash = passwords.hash_password(password)
    user.sessions_valid_after = utcnow()
    logins.clear(session=session, viewer=viewer, username=user.username)
    audit.record(session, viewer=viewer, action="reset_password", table="app_user", row_id=user.id,
                 unit_id=user.unit_id)
    return password


def change_own_password(*, session: Session, viewer: Viewer, current: str, new: str) -> None:
    """Any logged-in user may change their own password after giving the current one."""
    user = session.get(User, viewer.user_id) if viewer.user_id else None
    if user is None:
        raise NotFound("user.not_found")
    if not passwords.verify(current, user.password_hash):
        raise ValidationError("password.current_wrong", field="current")
    user.password_hash = passwords.hash_password(new)
    # Every re-login cookie issued before now stops working, as after a reset; the page gives this
    # session a fresh one.
    user.sessions_valid_after = utcnow()
    audit.record(session, viewer=viewer, action="change_password", table="app_user", row_id=user.id,
                 unit_id=user.unit_id)


def set_language(*, session: Session, viewer: Viewer, language: str) -> None:
    user = session.get(User, viewer.user_id) if viewer.user_id else None
    if user is not None and user.language != language:
        user.language = language


def language_of(*, session: Session, viewer: Viewer) -> str | None:
    user = session.get(User, viewer.user_id) if viewer.user_id else None
    return user.language if user else None


def credentials(*, session: Session) -> dict:
    """The dict streamlit-authenticator wants, built from active accounts (it re-checks cookie logins here)."""
    users = session.scalars(select(User).where(User.active.is_(True)))
    return {"usernames": {
        u.username: {"name": u.display_name, "password": u.password_hash, "roles": [u.role], "email": None,
                     "failed_login_attempts": 0, "logged_in": False}
        for u in users
    }}
