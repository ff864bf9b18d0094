"""Reading the re-login cookie that streamlit-authenticator 0.4 writes (an HS256 JWT).

The app checks the cookie before it builds the menu, without rendering the library's cookie
component: that component triggers a rerun when it loads, which would drop the page a
reloaded URL asked for. Writing and deleting the cookie stays with the library.
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
