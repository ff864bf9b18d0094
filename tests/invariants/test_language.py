"""Invariants of language on the demo city: what an English reader reads is English, counted as English counts.

Each test names its rule; figures and texts are read through core/ and, where the page shows them, from the
page itself (AppTest), as the reader of the page sees them.
"""

import re
import secrets

import pytest
from streamlit.testing.v1 import AppTest

from core.evaluation import frameworks, periods
from core.navigation import PAGES
from pages.common import shell
from tests.apptest import APP, assert_clean, texts

NOT_PLURAL = {"is", "was", "has", "does", "its", "as", "this", "plus", "status"}  # end in "s", yet no plural
PAGES_READ = {"dinkes": ["home", "assessment", "devices", "staff", "applications", "needs", "tickets"],
              "admin": ["verification", "admin_units", "overview", "tickets"]}


@pytest.fixture
def english_app(demo_city, tmp_path, monkeypatch):
    """Pages of the demo city opened in English by one of its accounts (read only: nothing is saved)."""
    # AppTest formats a selectbox's options again outside the page's run, where the session (and so the
    # reader's language) is not there: the pages' language is English throughout this test.
    monkeypatch.setattr(shell, "_lang", lambda: "en")
    for name, value in {"MONEV_DATABASE_URL": demo_city.url, "MONEV_DEMO": "true", "MONEV_WORKER_IN_APP": "false",
                        "MONEV_COOKIE_KEY": secrets.token_urlsafe(48), "MONEV_DATA_DIR": str(tmp_path / "data"),
                        "MONEV_BCRYPT_ROUNDS": "4"}.items():
        monkeypatch.setenv(name, value)

    def open_page(username: str, key: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["lang"] = "en"
        at.run()
        return at.switch_page(next(p.script for p in PAGES if p.key == key)).run()
    return open_page


def test_an_english_reader_reads_every_level_of_every_indicator_in_english(demo_city, english_app):
    """What each level means, as the assessment form offers it to an English reader, is the framework's English
    for that indicator and level, never the Indonesian."""
    with demo_city.session() as s:
        admin = demo_city.viewer("admin")
        period = periods.list_periods(session=s, viewer=admin)[0]
        framework = frameworks.of_period(s, period)
    at = english_app("admin", "assessment")
    at.selectbox(key="assessment_unit").set_value(None).run()  # the government's own: every indicator to fill
    for node in framework.indicators():
        at.selectbox(key=f"assessment_pick_{period.id}_None").set_value(node.number).run()
        assert_clean(at)
        captions = list(at.radio(key=f"ind_level_{period.id}_None_{node.number}").proto.captions)
        english, own = framework.level_descriptions(node, "en"), framework.level_descriptions(node, "id")
        assert [shown(c) for c in captions] == list(english), node.number
        assert not set(captions) & set(own), node.number


def shown(markdown: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u200b", "")


@pytest.mark.only_store("sqlite")  # a page read off AppTest: the views, on one store
@pytest.mark.parametrize(("username", "key"), [(u, k) for u, keys in PAGES_READ.items() for k in keys])
def test_an_english_page_never_counts_one_thing_in_the_plural_nor_says_s_in_brackets(english_app, username, key):
    """English on the page counts as English counts: "1 record", "3 records"; never "1 records" nor "record(s)"."""
    at = english_app(username, key)
    assert_clean(at)
    said = texts(at) + "\n" + "\n".join(str(b.label) for b in at.button)
    assert "(s)" not in said
    ones = [m.group(0) for m in re.finditer(r"(?<![\d.,/:])\b1 ([A-Za-z]+s)\b", said)
            if m.group(1).lower() not in NOT_PLURAL]
    assert ones == []
