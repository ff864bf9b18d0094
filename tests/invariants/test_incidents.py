"""Incident response figures shown in two places are one figure: Ketersediaan and the leadership overview show the
same MTTA, MTTR and unacknowledged count for every viewer (this month, read by core.monitoring.response), and the
count that links to the list of unacknowledged incidents is that list. Read through core and off the pages.

The demo city: past outages mostly acknowledged, assigned and with a cause; the closed ATCS port's outage
ongoing and unacknowledged."""

import pytest

from core import formatting
from core.i18n import t
from core.monitoring import incidents, response
from db.types import utcnow
from tests.apptest import app, assert_clean, open_page
from tests.invariants.conftest import JAKARTA

VIEWERS = ("admin", "pimpinan", "klojen", "dinkes", "setda")


def _shown(times: response.Times, unacked: int) -> dict[str, str]:
    """The metrics as the pages write them in Indonesian."""
    def minutes(v):
        return "–" if v is None else t("response.minutes", n=formatting.number(v, 1))
    return {"MTTA bulan ini": minutes(times.mtta_min), "MTTR bulan ini": minutes(times.mttr_min),
            "Belum ditangani": formatting.number(unacked)}


@pytest.mark.parametrize("username", VIEWERS)
def test_the_months_figures_are_the_incidents_the_groups_add_up_to(demo_city, username):
    """Rule: this month's incident count is the sum over units, over targets and over causes; the unacknowledged
    count is the unacknowledged list's length."""
    viewer = demo_city.viewer(username)
    with demo_city.session() as s:
        start, end = response.month_window(utcnow(), JAKARTA)
        whole = response.summary(session=s, viewer=viewer, start=start, end=end)
        month = response.this_month(session=s, viewer=viewer, zone=JAKARTA, now=end)
        assert month.times == whole
        for group in ("unit", "target", "cause"):
            rows = response.by(session=s, viewer=viewer, start=start, end=end, zone=JAKARTA, group=group)
            assert sum(r.incidents for r in rows) == whole.incidents
            assert sum(r.acknowledged for r in rows) == whole.acknowledged
        unacked = incidents.listing(session=s, viewer=viewer, which="unacknowledged")
    assert month.unacknowledged == len(unacked)
    assert all(r.acknowledged_at is None and r.ended_at is None for r in unacked)
    if username in ("admin", "pimpinan"):
        assert month.unacknowledged >= 1  # the ATCS port's outage


@pytest.mark.only_store("sqlite")  # a page read off AppTest: the views, on one store
@pytest.mark.parametrize("username", VIEWERS)
def test_ketersediaan_and_the_overview_show_the_same_mtta_mttr_and_unacknowledged_count(demo_env, username):
    viewer = demo_env.viewer(username)
    with demo_env.session() as s:
        month = response.this_month(session=s, viewer=viewer, zone=JAKARTA)
    expected = _shown(month.times, month.unacknowledged)

    availability = open_page(username, "availability")
    availability.session_state["availability_tab"] = "Waktu respons"
    availability.run()
    assert_clean(availability)
    overview = open_page(username, "overview")
    assert_clean(overview)
    for page in (availability, overview):
        shown = {str(m.label): m.value for m in page.metric if str(m.label) in expected}
        assert shown == expected


@pytest.mark.only_store("sqlite")
@pytest.mark.parametrize("username", VIEWERS)
def test_the_unacknowledged_count_is_the_list_it_links_to(demo_env, username):
    viewer = demo_env.viewer(username)
    with demo_env.session() as s:
        count = incidents.unacknowledged_count(session=s, viewer=viewer)
    at = app(username)
    at.query_params["daftar"] = "unacknowledged"
    at.switch_page("pages/monitoring/incident.py").run()
    assert_clean(at)
    rows = [len(d.value) for d in at.dataframe]
    assert rows == ([count] if count else [])
