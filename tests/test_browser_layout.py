"""Nothing cut at 1440×900: every page each role may open, on the demo city, in chromium — no table wider
than its frame (columns off the edge), no metric title, label, heading or line of text cut off. Each page
is saved under tests/artifacts/ for a person to look at."""

import pytest

from core.access import Role
from core.navigation import PAGES
from tests.browser import chromium, log_in
from tests.conftest import ROOT
from tests.test_browser_monitoring import ARTIFACTS, DONE
from tests.test_browser_wall import demo_city  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser
CLIPPED = (ROOT / "tests" / "clipped.js").read_text()  # what the check finds cut, as sentences
ROLES = {"admin": ("admin-demo", Role.ADMIN), "pimpinan": ("pimpinan-demo", Role.PIMPINAN),
         "dinkes": ("dinkes-demo", Role.SKPD), "presenter": ("presenter-demo", Role.PRESENTER)}


def test_no_page_cuts_its_tables_titles_or_text_at_1440_for_any_role(demo_city):  # noqa: F811
    base = demo_city["base"]
    found = []
    with chromium() as browser:
        for username, (password, role) in ROLES.items():  # one demo city for all: it takes a while to build
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            log_in(page, base, username, password)
            for spec in PAGES:
                if role not in spec.roles:
                    continue
                page.goto(f"{base}/{spec.url_path}")
                page.locator("h1").first.wait_for(timeout=60_000)
                page.locator(DONE).wait_for(timeout=60_000)
                page.wait_for_timeout(700)  # grids and charts draw once the script has finished
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"page-{username}-{spec.url_path}.png"))
                found += [f"{username} /{spec.url_path}: {problem}" for problem in page.evaluate(CLIPPED)]
            page.context.close()
    assert found == []
