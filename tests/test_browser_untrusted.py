"""Nothing from data renders as markup: markdown and HTML typed into every text field a user can set, or
sent by a monitored device, shows literally on every page (links, images, maths and emphasis counted in the
browser's DOM)."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from core.alerts.alerts import ChannelCreate, create_channel
from core.evaluation import assessment
from core.i18n import encode_reason
from core.inventory.kinds import APPLICATION, DEVICE, STAFF
from core.monitoring.maintenance import WindowCreate, create_window
from core.navigation import PAGES
from core.org.units import UnitProfile, UnitRow, create_unit, update_unit_profile
from core.org.users import UserCreate, create_user
from db.engine import session_scope
from db.monitoring import Heartbeat, Incident, TargetState
from db.types import utcnow
from tests.browser import chromium, log_in, running_app
from tests.conftest import PASSWORD, ROOT
from tests.evaluation import new_period
from tests.inventory import add, device_cells
from tests.monitoring import add_target
from tests.needs import NEXT_YEAR, add_needs, need_cells

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]
ARTIFACTS = ROOT / "tests" / "artifacts"
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Every kind of markup a text could carry: a link, an image, HTML, maths, colour, a bare URL and e-mail,
# a code span, emphasis, an icon. Shown literally, none of it becomes an element.
PIECES = ["[lnk](http://evil.test/a)", "**tebal**", ":red[merah]", "<b>bold</b>", "$x^2$", "![im](http://evil.test/i.png)",
          "http://bare.test", "`tik`", "www.bare.test", "siapa@bare.test", ":material/home:"]
PAYLOAD = " ".join(["Z", *PIECES])


def fit(limit: int) -> str:
    """As much of the payload as a field of `limit` characters takes, whole pieces, most telling first."""
    text = "Z"
    for piece in PIECES:
        if len(text) + 1 + len(piece) <= limit:
            text += " " + piece
    return text

FILE_PAYLOAD = "Z [lnk](javascript:alert) ![im](x.png) <b>bold</b> $x^2$ :red[merah] **tebal**.pdf"
FOUND = """() => {
  const own = e => [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
  const all = [...document.querySelectorAll('body *')];
  return {
    links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')).filter(h => !h.startsWith('#'))
             .filter(h => /evil|bare\\.test|javascript:/.test(h)),
    images: [...document.querySelectorAll('img[src]')].map(i => i.getAttribute('src')).filter(s => /evil|x\\.png/.test(s)),
    maths: document.querySelectorAll('.katex').length,
    marked: all.filter(e => ['bold', 'tebal', 'merah', 'tik'].includes(own(e))).map(e => e.tagName + ':' + own(e)),
    literal: document.body.innerText.includes('[lnk](') || document.body.innerText.includes('<b>bold</b>'),
  };
}"""


def seed(store, city, admin) -> dict:
    """The payload in every field a user or a device can fill, in a unit of its own and the test city's."""
    with session_scope(store.engine) as s:
        unit = create_unit(session=s, viewer=admin, data=UnitRow("DINAS-EVIL", PAYLOAD, "dinas", fit(80))).id
        update_unit_profile(session=s, viewer=admin, unit_id=unit, data=UnitProfile(
            head_name=fit(120), address=PAYLOAD, phone=fit(40), email="", website=""))
        create_user(session=s, viewer=admin, data=UserCreate(username="op_evil", display_name=fit(120), role="skpd",
                                                             unit_id=unit, password=PASSWORD))
        create_channel(session=s, viewer=admin, data=ChannelCreate(name=fit(120), kind="webhook",
                                                                  address="http://127.0.0.1:9/hook"))
    target = add_target(store, admin, unit, name=fit(120), kind="snmp", port=1)
    now = utcnow()
    reason = encode_reason("probe.if_down", host="127.0.0.1", names=PAYLOAD, count=1)
    with session_scope(store.engine) as s:  # what a device sent: its names and its interfaces' names
        s.execute(update(TargetState).where(TargetState.target_id == target).values(
            state="DEGRADED", last_reason=reason, last_check_at=now, details={
                "sys_name": PAYLOAD, "sys_descr": PAYLOAD, "sys_uptime": 1000, "at": now.timestamp(),
                "interfaces": [{"index": 1, "name": PAYLOAD, "admin": 1, "oper": 2, "in_bps": None,
                                "out_bps": None}]}))
        s.add(Heartbeat(target_id=target, at=now, status="DEGRADED", reason=reason))
        s.add(Incident(target_id=target, unit_id=unit, started_at=now - timedelta(minutes=3), reason=reason))
        create_window(session=s, viewer=admin, data=WindowCreate(kind="weekly", target_id=target, weekday=6,
                                                               start_minute=60, duration_min=30, reason=fit(200)))
    add(store, admin, DEVICE, device_cells("DINAS-EVIL", "SN-EVIL", brand_model=fit(120), location=fit(120)))
    add(store, admin, STAFF, {"unit": "DINAS-EVIL", "name": fit(120), "employment": "Non-ASN",
                              "certifications": PAYLOAD})
    add(store, admin, APPLICATION, {"unit": "DINAS-EVIL", "name": fit(150), "function": fit(150),
                                    "data_held": PAYLOAD})
    add_needs(store, admin, need_cells("DINAS-EVIL", PAYLOAD, justification=PAYLOAD))
    period = new_period(store, admin, framework="spbe-2020")
    with session_scope(store.engine) as s:
        assessment.save_answers(session=s, viewer=admin, period_id=period, unit_id=unit, answers=[
            assessment.AnswerInput(1, 3, PAYLOAD, ["http://127.0.0.1/bukti"])])
        assessment.add_evidence(session=s, viewer=admin, period_id=period, unit_id=unit, indicator=1,
                                filename=FILE_PAYLOAD, data=b"%PDF-1.4 x")
    return {"unit": unit, "target": target, "year": NEXT_YEAR}


def test_markup_typed_or_sent_shows_literally_on_every_page(env, store, city, admin, tmp_path):
    ids = seed(store, city, admin)
    leaks = {}
    with running_app(env, tmp_path) as base, chromium() as browser:
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        log_in(page, base, "admin")
        paths = [(p.key, p.url_path) for p in PAGES]
        paths += [("target-evil", f"target?id={ids['target']}"), ("unit-evil", f"unit?id={ids['unit']}")]
        for key, path in paths:
            page.goto(f"{base}/{path}")
            page.locator("h1").first.wait_for(timeout=30_000)
            page.locator(DONE).wait_for(timeout=30_000)
            page.wait_for_timeout(800)
            found = page.evaluate(FOUND)
            if found["links"] or found["images"] or found["maths"] or found["marked"]:
                leaks[key] = found
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"untrusted-{key}.png"), full_page=True)
        # The payload's own unit operator sees their name and their unit on their landing page.
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        log_in(page, base, "op_evil")
        page.locator(DONE).wait_for(timeout=30_000)
        found = page.evaluate(FOUND)
        assert found["literal"], "the payload should be on the operator's page, shown as text"
        if found["links"] or found["images"] or found["maths"] or found["marked"]:
            leaks["op_evil-landing"] = found
    assert leaks == {}
