"""The re-login cookie in streamlit-authenticator 0.4's format (an HS256 JWT of the username and expiry).

The app checks the cookie before it builds the menu, and signs it at login, without creating the
library's object: that renders a cookie-reading component whose first report reruns the page, which
dropped the page a reloaded URL asked for and, on the login page, a click on "Masuk" made during that
rerun. Deleting the cookie at logout stays with the library.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt


@dataclass(frozen=True)
class CookieLogin:
    username: str
    issued_at: datetime


def read_token(token: str | None, key: str, expiry_days: float, now: datetime | None = None) -> CookieLogin | None:
    """The login in a valid, unexpired token signed with `key`; None for anything else.

    The library stores only the expiry, so the issue time is the expiry less the cookie's lifetime.
    """
    if not token:
        return None
    try:
        payload = jwt.decode(token, key, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    expires, username = payload.get("exp_date"), payload.get("username")
    if not isinstance(expires, int | float) or not isinstance(username, str):
        return None
    expiry = datetime.fromtimestamp(expires, UTC)
    if expiry <= (now or datetime.now(UTC)):
        return None
    return CookieLogin(username=username, issued_at=expiry - timedelta(days=expiry_days))


def sign_token(username: str, key: str, expiry_days: float, now: datetime | None = None) -> tuple[str, datetime]:
    """A token read_token accepts for `expiry_days`, and when it expires (the library's own payload)."""
    expires = (now or datetime.now(UTC)) + timedelta(days=expiry_days)
    return jwt.encode({"username": username, "exp_date": expires.timestamp()}, key, algorithm="HS256"), expires
