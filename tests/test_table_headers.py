"""Every table header whole at 1440×900: on the demo city, each page each role opens, no column of a table
or editor is narrower than its header's text (the grid draws headers on a canvas, so this is read from
the widths the page gives the grid; tests/test_browser_layout.py checks the rest in chromium)."""

import json
import os

import pytest
from streamlit.testing.v1 import AppTest

from core.access import Role
from core.config import load_settings
from core.navigation import PAGES
from core.startup import open_store, prepare
from tests.apptest import APP

NAMED = {"small": 75, "medium": 200, "large": 400}  # Streamlit's named column widths, in px
USERS = {"admin": Role.ADMIN, "dinkes": Role.SKPD}


def header_px(label: str, editable: bool) -> int:
    """What a header needs: its text (Source Sans 14 px) plus padding, and the pencil of an editable column."""
    return int(len(label) * 7.2) + 16 + (18 if editable else 0)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    env = {"MONEV_DEMO": "true", "MONEV_DATABASE_URL": f"sqlite:///{folder}/monev.db",
           "MONEV_DATA_DIR": str(folder / "data"), "MONEV_WORKER_IN_APP": "false", "MONEV_BCRYPT_ROUNDS": "4"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    settings = load_settings()
    prepare(open_store(settings), settings)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def narrow_headers(at: AppTest) -> list[str]:
    found = []
    for frame in at.dataframe:
        editable = frame.proto.editing_mode != 0  # READ_ONLY
        for name, config in json.loads(frame.proto.columns or "{}").items():
            width = config.get("width")
            width = NAMED.get(width, width)
            if not isinstance(width, int) or config.get("hidden"):
                continue
            label = config.get("label") or name
            need = header_px(label, editable and not config.get("disabled"))
            if width < need:
                found.append(f"{label!r}: {width} px < {need} px")
    return found


def test_no_table_header_is_narrower_than_its_text_on_any_page(demo):
    found = []
    for username, role in USERS.items():
        for spec in PAGES:
            if role not in spec.roles:
                continue
            at = AppTest.from_file(APP, default_timeout=60)
            at.session_state["authentication_status"] = True
            at.session_state["username"] = username
            at.run()
            at.switch_page(spec.script).run()
            assert not at.exception, (username, spec.key, [e.message for e in at.exception])
            found += [f"{username} {spec.key}: {problem}" for problem in narrow_headers(at)]
    assert found == [], "\n".join(found)
