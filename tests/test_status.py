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
    assert "Belum dipantau" in shown and "1 target, status tidak diketahui" in shown


def test_a_wall_no_worker_ever_reported_to_says_so_in_red(env, store, admin, city):
    add_target(store, admin, city.units["DINKES"], name="SIMPUS", kind="ping")
    at = open_page("presenter", "status")
    assert [e.value for e in at.error] == [
        "DATA TIDAK TERKINI: belum pernah ada worker pemantauan yang melapor. Jalankan `python -m probes` atau "
        "worker di aplikasi."]
