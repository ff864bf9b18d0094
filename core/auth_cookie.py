"""Reading the re-login cookie that streamlit-authenticator 0.4 writes (an HS256 JWT).

The app checks the cookie before it builds the menu, without rendering the library's cookie
component: that component triggers a rerun when it loads, which would drop the page a
reloaded URL asked for. Writing and deleting the cookie stays with the library.
"""

from datetime import datetime

import jwt


def username_from_token(token: str | None, key: str, now: datetime | None = None) -> str | None:
    """The user name in a valid, unexpired token signed with `key`; None for anything else."""
    if not token:
        return None
    try:
        payload = jwt.decode(token, key, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    expires = payload.get("exp_date")
    moment = (now or datetime.now()).timestamp()
    if not isinstance(expires, int | float) or expires <= moment or not isinstance(payload.get("username"), str):
        return None
    return payload["username"]
