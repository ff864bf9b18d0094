"""Incidents people work on, in chromium through the real server: the operator of the unit opens the
incident from the link an alert carries, acknowledges it with a note, and Kominfo's admin then sees who
took it, assigns it and records the cause; another unit's operator finds nothing at that link."""

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.monitoring import Incident, IncidentActivity
from db.types import utcnow
from tests.browser import chromium, log_in, running_app
from tests.monitoring import add_target
from tests.test_browser_monitoring import DONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def test_an_operator_acknowledges_from_the_alert_link_and_kominfo_assigns_and_closes_the_cause(
        env, store, city, admin, tmp_path):
    target = add_target(store, admin, city.units["DINKES"], name="SIMPUS", port=9)
    with session_scope(store.engine) as s:
        row = Incident(target_id=target, unit_id=city.units["DINKES"], started_at=utcnow(), reason="mati")
        s.add(row)
        s.flush()
        incident = row.id
    with running_app(env, tmp_path) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        log_in(page, base, "op_b")
        page.goto(f"{base}/insiden?id={incident}")  # the link in the alert
        page.get_by_role("heading", name=f"Insiden #{incident}: SIMPUS").wait_for(timeout=30_000)
        page.locator(DONE).wait_for(timeout=30_000)
        page.get_by_label("Catatan (boleh kosong)").first.fill("Ditangani: teknisi menuju lokasi <b>x</b>")
        page.get_by_role("button", name="Saya tangani").click()
        page.get_by_text("Insiden ditandai ditangani").wait_for(timeout=20_000)
        page.locator(DONE).wait_for(timeout=30_000)
        shot(page, "op_b-insiden")
        assert page.locator("b", has_text="x").count() == 0  # what was typed is text, never markup
        page.context.close()

        other = browser.new_page(viewport={"width": 1440, "height": 900})
        log_in(other, base, "op_a")
        other.goto(f"{base}/insiden?id={incident}")
        other.get_by_text("Insiden itu tidak ada, atau bukan dari unit yang dapat Anda lihat.").wait_for(timeout=30_000)
        assert other.get_by_text("SIMPUS").count() == 0
        other.context.close()

        boss = browser.new_page(viewport={"width": 1440, "height": 900})
        log_in(boss, base, "admin")
        boss.goto(f"{base}/insiden?id={incident}")
        boss.get_by_role("heading", name=f"Insiden #{incident}: SIMPUS").wait_for(timeout=30_000)
        boss.locator(DONE).wait_for(timeout=30_000)
        boss.get_by_text("Ditangani setelah").wait_for(timeout=20_000)  # who took it, and after how long
        # the timeline is a data grid drawn on a canvas: its cells are in the page for screen readers only
        note = boss.locator('[role="gridcell"]', has_text="Ditangani: teknisi menuju lokasi <b>x</b>")
        note.first.wait_for(state="attached", timeout=20_000)
        shot(boss, "admin-insiden")
    with session_scope(store.engine) as s:
        kinds = [a.kind for a in s.scalars(select(IncidentActivity).where(IncidentActivity.incident_id == incident))]
        assert kinds.count("ack") == 1
        assert s.get(Incident, incident).acknowledged_at is not None
