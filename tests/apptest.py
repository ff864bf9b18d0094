"""AppTest helpers: run the app as a user, open a page, read what it shows."""

import re

from streamlit.testing.v1 import AppTest

from core.navigation import PAGES
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def app(username: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if username:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
    return at.run()


def open_page(username: str, key: str) -> AppTest:
    at = app(username)
    spec = next(p for p in PAGES if p.key == key)
    return at.switch_page(spec.script).run()


def shown(markdown: str) -> str:
    """A markdown element's text as a reader sees it: escapes resolved (AppTest gives the markdown source,
    where data is written with a backslash before each punctuation mark; see shell.plain)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown)).replace("\u200b", "")


def texts(at: AppTest) -> str:
    parts = [e.value for e in [*at.title, *at.header, *at.subheader, *at.markdown, *at.caption, *at.info,
                                *at.warning, *at.error, *at.success]]
    parts += [str(m.label) + " " + str(m.value) for m in at.metric]
    return "\n".join(shown(p) for p in parts)


def frames(at: AppTest) -> str:
    return "\n".join(df.value.to_csv() for df in at.dataframe)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
