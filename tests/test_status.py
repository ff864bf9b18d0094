"""The live wall's data: worst state per unit, counts, and freshness (stale data is never shown as live)."""

from datetime import timedelta

from sqlalchemy import func, select, update

from core.monitoring import status
from db.engine import session_scope
from db.monitoring import Worker
from db.types import utcnow
from probes import store as probe_store
from probes.worker import ProbeWorker
from tests.apptest import open_page, texts
from tests.monitoring import JAKARTA, add_target, rounds
from tests.peers import closed_port


def last_beat(store):
    with store.session() as s:
        return s.scalar(select(func.max(Worker.seen_at))) or utcnow()


def fresh_at(store, viewer, seconds_later: float) -> status.Freshness:
    """Freshness `seconds_later` after the last worker beat (however long the test itself took to get here)."""
    with store.session() as s:
        return status.freshness(session=s, viewer=viewer, now=last_beat(store) + timedelta(seconds=seconds_later))


def beat_ago(store, seconds: float) -> None:
    probe_store.register(store.engine, "w")
    with session_scope(store.engine) as s:
        s.execute(update(Worker).values(seen_at=utcnow() - timedelta(seconds=seconds)))


def test_no_worker_ever_is_stale(store, presenter, city):
    assert fresh_at(store, presenter, 0).stale


def test_stale_after_two_check_intervals_without_a_worker_beat(store, admin, presenter, city):
    add_target(store, admin, city.units["DINKES"], kind="ping", interval_s=60)
    probe_store.register(store.engine, "w")
    assert not fresh_at(store, presenter, 119).stale
    assert fresh_at(store, presenter, 121).stale
    add_target(store, admin, city.units["DINKES"], name="cepat", kind="ping", interval_s=10)  # the shortest interval counts
    assert not fresh_at(store, presenter, 19).stale
    late = fresh_at(store, presenter, 21)
    assert late.stale and late.age_s(last_beat(store) + timedelta(seconds=21)) == 21


def test_the_wall_says_in_red_how_old_the_data_is_and_shows_no_state_as_live(env, store, admin, city):
    add_target(store, admin, city.units["DINKES"], name="SIMPUS", port=closed_port(), fail_threshold=1)
    rounds(ProbeWorker(store.engine, zone=JAKARTA, name="w"), store, 1)
    beat_ago(store, 10 * 60)
    at = open_page("presenter", "status")
    [banner] = at.error
    assert banner.value.startswith("DATA TIDAK TERKINI") and "10 menit" in banner.value
    shown = texts(at)
    assert "Mati" not in shown.replace("Mati –", "") and "Insiden berlangsung" not in shown
    assert {m.value for m in at.metric} == {"–"}
    tiles = [m.value for m in at.markdown if m.value.startswith(":material/")]
    # The monitored unit: state unknown, with the age of the data; the others were never monitored.
    assert [tile for tile in tiles if "Dinkes" in tile] == [
        ":material/help: **Dinkes**\n\n:gray[status tidak diketahui · 10 menit]"]
    assert len(tiles) == len(city.units) and sum("tanpa target" in tile for tile in tiles) == len(city.units) - 1


def test_a_wall_no_worker_ever_reported_to_says_so_in_red(env, store, admin, city):
    add_target(store, admin, city.units["DINKES"], name="SIMPUS", kind="ping")
    at = open_page("presenter", "status")
    assert [e.value for e in at.error] == [
        "DATA TIDAK TERKINI: belum pernah ada worker pemantauan yang melapor. Jalankan `python -m probes` atau "
        "worker di aplikasi."]


def test_the_heartbeat_strip_gives_each_clock_hour_its_availability_and_a_gap_where_nothing_was_checked(
        store, admin, presenter, city):
    from db.monitoring import RollupHour

    dinkes = add_target(store, admin, city.units["DINKES"], name="SIMPUS", kind="ping")
    also = add_target(store, admin, city.units["DINKES"], name="Web", kind="ping")
    kauman = add_target(store, admin, city.units["KEL-KAUMAN"], name="Router", kind="ping")
    now = utcnow().replace(minute=30, second=0, microsecond=0)
    hour = now.replace(minute=0)
    with session_scope(store.engine) as s:
        s.add(RollupHour(target_id=dinkes, bucket=hour - timedelta(hours=2), up_s=3600, checks=60))
        s.add(RollupHour(target_id=dinkes, bucket=hour - timedelta(hours=1), up_s=1800, down_s=1800, checks=60))
        s.add(RollupHour(target_id=also, bucket=hour - timedelta(hours=1), up_s=3000, degraded_s=600, checks=60))
        s.add(RollupHour(target_id=dinkes, bucket=hour - timedelta(hours=24), down_s=3600, checks=60))  # too old
        s.add(RollupHour(target_id=kauman, bucket=hour, maintenance_s=1800, checks=30))  # planned: not counted
    with store.session() as s:
        strips = status.hourly(session=s, viewer=presenter, now=now)
    assert set(strips) == {city.units["DINKES"], city.units["KEL-KAUMAN"]}
    row = strips[city.units["DINKES"]]
    assert len(row) == 24 and row[-3:] == [1.0, 0.75, None]  # two targets in one hour: (1800 + 3600) / 7200
    assert row[:-3] == [None] * 21
    assert strips[city.units["KEL-KAUMAN"]] == [None] * 24
