"""Monitoring figures shown in two places are one figure: the live wall (Status Langsung) and the availability
page (Ketersediaan) count the same targets and the same ongoing incidents for every viewer, and a count that
heads a list is that list. Read through the core functions the pages call, and from the pages (AppTest).

The demo city as a worker leaves it after three rounds (its own copy: the shared one is read-only): most
targets up, the closed ATCS port DOWN with its incident open, the dashboard rechecked after one failure
(PENDING), Kel. Samaan's router DOWN, Bag. Hukum's router never checked (UNKNOWN), Kel. Kauman's router
that went DOWN and was then disabled, its incident left open, and Kec. Sukun's cut uplink DOWN with the
routers of its kelurahan behind it UNREACHABLE (every target at the closed port goes on failing)."""

import os
import re
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from core import formatting
from core.i18n import encode_reason, t
from core.monitoring import dependencies, status, target_detail, targets, uptime
from core.monitoring.states import PROBLEMS
from core.org import users
from db.engine import session_scope
from db.models import Unit
from db.monitoring import Incident, State, Target
from db.types import utcnow
from probes import store as probe_store
from probes.kinds.base import Check
from tests.apptest import assert_clean, open_page, shown
from tests.invariants.conftest import JAKARTA, DemoCity, build

VIEWERS = ("admin", "pimpinan", "klojen", "dinkes", "setda")
WORKER = "invariants"
ROUTER = {"KEL-KLOJEN-SAMAAN": "down", "KEL-KLOJEN-KAUMAN": "down then disabled", "BAG-HUKUM": "never checked"}


def _live(engine) -> None:
    """Three rounds of checks through the worker's own writer, then Kel. Kauman's router disabled."""
    now = utcnow()
    with Session(engine) as s:
        codes = dict(s.execute(select(Unit.id, Unit.code)).all())
        rows = list(s.scalars(select(Target).where(Target.enabled.is_(True))))
    story = {}
    for target in rows:
        code = codes[target.unit_id]
        router = target.kind == "ping" and code in ROUTER
        story[target.id] = ("never checked" if router and ROUTER[code] == "never checked"
                            else ["DOWN"] * 3 if target.port == 9 or router
                            else ["UP", "UP", "DOWN"] if target.kind == "http" else ["UP"] * 3)
    results = []
    for i in range(3):
        at = now - timedelta(minutes=3 - i)
        for target in rows:
            if story[target.id] == "never checked":
                continue
            claimed = probe_store.Claimed(Check(target.id, target.kind, target.host, target.port, target.timeout_s, {}),
                                          target.unit_id, target.interval_s, target.fail_threshold, at, {})
            up = story[target.id][i] == "UP"
            results.append(probe_store.Result(
                claimed, at, State.UP if up else State.DOWN, 12.5 if up else None,
                "" if up else encode_reason("probe.ping_timeout", host=target.host, seconds=2), {}))
    probe_store.write(engine, results, zone=JAKARTA, windows=probe_store.windows(engine), now=now)
    with session_scope(engine) as s:
        admin = users.load_viewer(session=s, username="admin")
        kauman = next(t for t in rows if codes[t.unit_id] == "KEL-KLOJEN-KAUMAN" and t.kind == "ping")
        targets.set_enabled(session=s, viewer=admin, target_id=kauman.id, enabled=False)
    probe_store.register(engine, WORKER)


@pytest.fixture(scope="module")
def live_city(backend) -> DemoCity:
    """The demo city after three rounds of checks, on this store (a copy of its own: it writes)."""
    return build(backend[0], then=_live)


@pytest.fixture
def live_app(live_city, tmp_path, monkeypatch) -> DemoCity:
    """The app (AppTest) on the live city, its worker just heard from (the wall is not stale)."""
    import streamlit as st

    st.cache_data.clear()
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("MONEV_"):
            monkeypatch.delenv(name)
    for name, value in {"MONEV_DATABASE_URL": live_city.url, "MONEV_COOKIE_KEY": secrets.token_urlsafe(48),
                        "MONEV_DATA_DIR": str(tmp_path / "data"), "MONEV_BCRYPT_ROUNDS": "4",
                        "MONEV_WORKER_IN_APP": "false", "MONEV_DEMO": "true"}.items():
        monkeypatch.setenv(name, value)
    probe_store.beat(live_city.engine, WORKER, 0)
    return live_city


def _count(value: str) -> int:
    """A count as the page writes it (1.234 in Indonesian)."""
    return int(value.replace(".", ""))


@pytest.mark.parametrize("username", VIEWERS)
def test_the_wall_counts_each_units_targets_as_the_availability_page_does(live_city, username):
    """Rule: per unit and city-wide, the targets the wall counts (by state) are the targets the availability
    report measures, for the same viewer."""
    viewer = live_city.viewer(username)
    with live_city.session() as s:
        wall = status.wall(session=s, viewer=viewer)
        report = uptime.window_view(session=s, viewer=viewer, zone=JAKARTA, preset="24h", parts=("report",)).report
    assert {u.unit_id: u.targets for u in wall.units if u.targets} == {r.unit_id: r.targets for r in report}
    assert sum(wall.totals.values()) == sum(r.targets for r in report) > 0


@pytest.mark.parametrize("username", VIEWERS)
def test_every_ongoing_incident_on_the_wall_is_of_a_target_the_wall_counts_and_the_availability_page_lists_it(
        live_city, username):
    """Rule: the wall's ongoing incidents are the availability page's ongoing ones, each of a target the wall
    counts as down in its unit (a disabled target's incident is counted nowhere)."""
    viewer = live_city.viewer(username)
    with live_city.session() as s:
        wall = status.wall(session=s, viewer=viewer)
        view = uptime.window_view(session=s, viewer=viewer, zone=JAKARTA, preset="24h", parts=("incidents",))
    ongoing = sorted((i.started_at, name) for i, name, _unit in view.incidents if i.ended_at is None)
    assert sorted((i.started_at, i.target) for i in wall.incidents) == ongoing
    down = {u.unit_id: u.counts.get(State.DOWN, 0) for u in wall.units}
    for incident in wall.incidents:
        assert down.get(incident.unit_id, 0) >= 1, incident


@pytest.mark.parametrize("username", VIEWERS)
@pytest.mark.parametrize("preset", ["24h", "30d", "365d"])
def test_the_availability_pages_incident_count_is_the_incidents_its_units_count(live_city, username, preset):
    """Rule: the incidents metric (the units' incidents added up) is the incident list's count."""
    viewer = live_city.viewer(username)
    with live_city.session() as s:
        view = uptime.window_view(session=s, viewer=viewer, zone=JAKARTA, preset=preset)
    assert sum(r.incidents for r in view.report) == view.incident_count
    assert len(view.incidents) == min(view.incident_count, uptime.INCIDENTS_LISTED)


@pytest.mark.only_store("sqlite")  # a page read off AppTest: the views, on one store
@pytest.mark.parametrize("username", VIEWERS)
def test_the_wall_and_the_availability_page_show_the_same_targets_and_ongoing_incidents(live_app, username):
    """Rule, as the pages show it: the wall's counts add up to the targets in the availability table (each
    problem unit's tile to its row), and the wall's ongoing incidents are the rows the availability page
    marks as ongoing."""
    wall = open_page(username, "status")
    assert_clean(wall)
    counts = {str(m.label): _count(m.value) for m in wall.metric}
    assert any("Tidak diketahui" in label for label in counts)  # unknown targets have their count too
    tiles = {m: (int(bad), int(n)) for m, bad, n in re.findall(
        r"\*\*(.+?)\*\*  \n\S+ [^·]+ · (\d+) dari (\d+) target", "\n".join(shown(m.value) for m in wall.markdown))}
    heading = [shown(m.value) for m in wall.markdown if shown(m.value).startswith("**Insiden berlangsung")]
    on_wall = int(re.search(r"\((\d+)\)", heading[0]).group(1)) if heading else 0

    page = open_page(username, "availability")
    assert_clean(page)
    (table,) = [d.value for d in page.dataframe if "Target" in d.value.columns]
    assert sum(counts.values()) == table["Target"].sum()
    viewer = live_app.viewer(username)
    with live_app.session() as s:
        names = {u.short_name or u.name: u.name for u in s.scalars(select(Unit))}
        problems = {names[u.short_name or u.name]: u for u in status.wall(session=s, viewer=viewer).units
                    if u.worst in PROBLEMS}
    rows = dict(zip(table["Unit"], table["Target"], strict=True))
    for short, (bad, n) in tiles.items():
        unit = names[short]
        assert rows[unit] == n and bad == sum(c for st, c in problems[unit].counts.items() if st in PROBLEMS)

    page.session_state["availability_tab"] = "Insiden"
    page.run()
    assert_clean(page)
    lists = [d.value for d in page.dataframe if "Selesai" in d.value.columns]
    ongoing = int((lists[0]["Selesai"] == "masih berlangsung").sum()) if lists else 0
    assert on_wall == ongoing


@pytest.mark.only_store("sqlite")  # a page read off AppTest: the views, on one store
@pytest.mark.parametrize("username", VIEWERS)
@pytest.mark.parametrize("window", ["30 hari", "1 tahun"])
def test_each_count_on_the_availability_page_is_the_list_it_heads(live_app, username, window):
    """Rule: "Insiden N" is the timeline's N and the incident table's rows (or the table says it shows the
    newest of N); "Unit memenuhi sasaran m / n" is the table's units meeting their goal over those measured."""
    page = open_page(username, "availability")
    page.segmented_control(key="availability_window").set_value(
        {"30 hari": "30d", "1 tahun": "365d"}[window]).run()
    assert_clean(page)
    metrics = {str(m.label): m.value for m in page.metric}
    incidents = _count(metrics["Insiden"])
    meeting, measured = (int(x) for x in metrics["Unit memenuhi sasaran"].split(" / "))
    (table,) = [d.value for d in page.dataframe if "Target" in d.value.columns]
    assert (meeting, measured) == ((table["Status"] == "memenuhi sasaran").sum(), (table["Status"] != "–").sum())

    page.session_state["availability_tab"] = "Insiden"
    page.run()
    assert_clean(page)
    heading = [shown(h.value) for h in page.subheader if "Linimasa insiden" in shown(h.value)]
    if not incidents:
        assert not heading or "(0)" in heading[0]
        return
    assert _count(re.search(r"\(([\d.]+)\)", heading[0]).group(1)) == incidents
    (rows,) = [d.value for d in page.dataframe if "Selesai" in d.value.columns]
    captions = " ".join(shown(c.value) for c in page.caption)
    assert len(rows) == incidents or f"{formatting.number(len(rows))} insiden terbaru dari {metrics['Insiden']}" in captions


@pytest.mark.only_store("sqlite")  # a page read off AppTest: the views, on one store
def test_the_detail_pages_incident_count_is_all_of_the_targets_incidents(live_app):
    """Rule: "Insiden sejak dipantau N" on Detail target (not bound to the chart's window) counts every incident of the target; the table lists them all or
    says it shows the newest of them."""
    with live_app.session() as s:
        target_id, count = s.execute(select(Incident.target_id, text("count(*) AS n")).group_by(Incident.target_id)
                                     .order_by(text("n DESC")).limit(1)).one()
        viewer = live_app.viewer("admin")
        info = target_detail.detail(session=s, viewer=viewer, target_id=target_id, zone=JAKARTA, now=utcnow())
    assert count > target_detail.INCIDENTS_SHOWN  # a target with a long history: the list shows a part
    from tests.apptest import app

    at = app("admin")
    at.query_params["id"] = str(target_id)
    at.switch_page("pages/monitoring/target.py").run()
    assert_clean(at)
    metrics = {str(m.label): m.value for m in at.metric}
    assert _count(metrics["Insiden sejak dipantau"]) == count == info.incident_count
    captions = " ".join(shown(c.value) for c in at.caption)
    assert f"{target_detail.INCIDENTS_SHOWN} insiden terbaru dari {count}" in captions


@pytest.mark.parametrize("username", VIEWERS)
def test_every_unreachable_target_is_counted_in_the_root_cause_tile_of_its_parents_unit(live_city, username):
    """Rule: an unreachable target the viewer sees is counted once, inside the tile of the unit whose target
    is its root cause (when the viewer sees that one too), and the root's ongoing incident names the same
    count; for a viewer who sees every unit, the tiles' counts add up to the wall's unreachable total."""
    viewer = live_city.viewer(username)
    admin = live_city.viewer("admin")
    with live_city.session() as s:
        wall = status.wall(session=s, viewer=viewer)
        seen = {r.id: r.unit_id for r in targets.target_rows(session=s, viewer=viewer, include_disabled=False)}
        unreachable = [r.id for r in targets.target_rows(session=s, viewer=viewer, include_disabled=False)
                       if r.state == State.UNREACHABLE]
        roots = [dependencies.root_cause(session=s, viewer=admin, target_id=i) for i in unreachable]
    expected: dict[int, int] = {}
    for root in roots:
        if root is not None and root.id in seen:
            expected[root.unit_id] = expected.get(root.unit_id, 0) + 1
    assert {u.unit_id: u.affected for u in wall.units if u.affected} == expected
    assert wall.totals[State.UNREACHABLE] == len(unreachable)
    for unit in wall.units:
        assert sum(i.affected for i in wall.incidents if i.unit_id == unit.unit_id) == unit.affected
        assert unit.affected == 0 or unit.worst in PROBLEMS  # the root-cause tile is a large one
    if viewer.sees_all_units:
        assert sum(u.affected for u in wall.units) == wall.totals[State.UNREACHABLE] > 0


@pytest.mark.only_store("sqlite")  # a page read off AppTest: the views, on one store
def test_the_wall_shows_one_root_cause_tile_with_the_count_its_header_gives_and_no_tile_per_dependent(live_app):
    """Rule, as the page shows it: the header's unreachable count is the count in the root-cause tile, and no
    unit whose worst is unreachable gets a large tile of its own."""
    wall = open_page("admin", "status")
    assert_clean(wall)
    counts = {str(m.label): _count(m.value) for m in wall.metric}
    (header,) = [n for label, n in counts.items() if t("deps.unreachable_short") in label]
    texts = "\n".join(shown(m.value) for m in wall.markdown)
    inside = [int(n) for n in re.findall(r"(\d+) target terdampak\*\*", texts)]
    assert inside and sum(inside) == header
    bigs = set(re.findall(r"\*\*(.+?)\*\*  \n\S+ [^·]+ · \d+ dari \d+ target", texts))
    with live_app.session() as s:
        behind = {u.short_name or u.name for u in status.wall(session=s, viewer=live_app.viewer("admin")).units
                  if u.worst == State.UNREACHABLE}
    assert behind and bigs and not behind & bigs
