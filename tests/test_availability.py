"""Availability from rollups: any window, maintenance left out, unknown reported apart, days cut in WIB."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core.monitoring import availability, buckets, uptime
from core.monitoring.maintenance import Window
from db.engine import session_scope
from db.monitoring import RollupDay, RollupMinute, Target
from probes import store as probe_store
from probes.kinds.base import Check
from tests.monitoring import JAKARTA, add_target

T0 = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)  # 07.00 WIB


def feed(store, target_id, unit_id, statuses, start=T0, interval=60, windows=(), last_at=None):
    """Write checks as the worker would, one per interval from `start` (`last_at`: the check before them)."""
    with store.session() as s:
        due = s.get(Target, target_id)
        claimed = probe_store.Claimed(Check(target_id, due.kind, due.host, due.port, 1, {}), unit_id, interval,
                                      3, start, {} if last_at is None else {"_last_at": last_at})
    for i, status in enumerate(statuses):
        at = start + timedelta(seconds=i * interval)
        result = probe_store.Result(claimed, at, status, 1.5 if status != "DOWN" else None, "", {})
        probe_store.write(store.engine, [result], zone=JAKARTA, windows=list(windows), now=at)
        claimed.details = {"_last_at": at.timestamp()}


@pytest.fixture
def target(store, admin, city):
    tid = add_target(store, admin, city.units["DINKES"], port=9)
    with session_scope(store.engine) as s:
        s.execute(update(Target).where(Target.id == tid).values(created_at=T0))
    return tid


def measure(store, viewer, target_id, start, end):
    with store.session() as s:
        return availability.for_target(session=s, viewer=viewer, target_id=target_id, start=start, end=end,
                                       zone=JAKARTA)


def test_availability_is_up_time_over_measured_time(store, admin, city, target):
    feed(store, target, city.units["DINKES"], ["UP"] * 54 + ["DOWN"] * 6)
    result = measure(store, admin, target, T0, T0 + timedelta(hours=1))
    assert result.percent == pytest.approx(90.0)
    assert (result.up_s, result.down_s, result.unknown_s) == (54 * 60, 6 * 60, 0)


def test_time_without_checks_is_unknown_and_not_counted_as_up(store, admin, city, target):
    feed(store, target, city.units["DINKES"], ["UP"] * 30)  # the worker stopped after half an hour
    result = measure(store, admin, target, T0, T0 + timedelta(hours=1))
    assert result.unknown_s == 30 * 60 and result.percent == pytest.approx(100.0)
    nothing = measure(store, admin, target, T0 + timedelta(hours=2), T0 + timedelta(hours=3))
    assert nothing.percent is None and nothing.unknown_s == 3600


def test_a_gap_between_checks_is_reported_as_unknown(store, admin, city, target):
    feed(store, target, city.units["DINKES"], ["UP"] * 10)
    feed(store, target, city.units["DINKES"], ["UP"] * 10, start=T0 + timedelta(minutes=40))
    result = measure(store, admin, target, T0, T0 + timedelta(minutes=50))
    assert result.up_s == 20 * 60 and result.unknown_s == pytest.approx(30 * 60, abs=120)


def test_maintenance_is_left_out_of_availability(store, admin, city, target):
    window = Window(None, target, "once", T0 + timedelta(minutes=30), T0 + timedelta(hours=1), None, None, None)
    feed(store, target, city.units["DINKES"], ["UP"] * 30 + ["DOWN"] * 30, windows=[window])
    result = measure(store, admin, target, T0, T0 + timedelta(hours=1))
    assert result.maintenance_s == 30 * 60 and result.percent == pytest.approx(100.0)


def test_days_are_cut_at_midnight_wib_not_utc(store, admin, city, target):
    evening = datetime(2026, 11, 1, 16, 30, tzinfo=UTC)  # 23.30 WIB on 1 Nov
    feed(store, target, city.units["DINKES"], ["UP"] * 60, start=evening)  # runs to 00.30 WIB on 2 Nov
    with store.session() as s:
        days = s.execute(select(RollupDay.bucket, RollupDay.up_s).order_by(RollupDay.bucket)).all()
    assert [(b.astimezone(JAKARTA).date().isoformat(), up) for b, up in days] == [
        ("2026-11-01", 30 * 60), ("2026-11-02", 30 * 60)]


def test_a_long_window_adds_days_hours_and_minutes_without_double_counting(store, admin, city, target):
    feed(store, target, city.units["DINKES"], ["UP"] * (3 * 24 * 60 // 10), interval=600)
    start, end = T0 + timedelta(hours=5, minutes=30), T0 + timedelta(days=2, hours=7, minutes=20)
    result = measure(store, admin, target, start, end)
    assert result.up_s == pytest.approx((end - start).total_seconds(), abs=600)
    assert result.unknown_s == pytest.approx(0, abs=600)


def test_unit_availability_weighs_its_targets_by_time(store, admin, city, target):
    other = add_target(store, admin, city.units["DINKES"], name="b", port=10)
    with session_scope(store.engine) as s:
        s.execute(update(Target).where(Target.id == other).values(created_at=T0))
    feed(store, target, city.units["DINKES"], ["UP"] * 60)
    feed(store, other, city.units["DINKES"], ["DOWN"] * 60)
    with store.session() as s:
        unit = availability.for_unit(session=s, viewer=admin, unit_id=city.units["DINKES"], start=T0,
                                     end=T0 + timedelta(hours=1), zone=JAKARTA)
    assert unit.percent == pytest.approx(50.0)


def test_an_operator_gets_no_figures_for_another_units_target(store, admin, city, target, operator_a):
    feed(store, target, city.units["DINKES"], ["UP"] * 10)
    result = measure(store, operator_a, target, T0, T0 + timedelta(hours=1))
    assert result.window_s == 0 and result.percent is None


def prune(store, now, **keep):
    return probe_store.prune(store.engine, now=now, keep=probe_store.Retention(**keep))


def test_once_minutes_are_pruned_a_windows_edge_reads_the_share_of_its_hour(store, admin, city, target):
    feed(store, target, city.units["DINKES"], ["UP"] * 30 + ["DOWN"] * 30)  # the first hour: half down
    prune(store, T0 + timedelta(days=3))  # minutes are kept 48 hours
    with store.session() as s:
        assert s.scalar(select(RollupMinute).limit(1)) is None
    result = measure(store, admin, target, T0 + timedelta(minutes=15), T0 + timedelta(hours=1))
    # 45 of the hour's 60 minutes lie in the window: they count as the hour did, half up and half down.
    assert (result.up_s, result.down_s, result.unknown_s) == pytest.approx((1350, 1350, 0))
    assert result.percent == pytest.approx(50.0)


def test_a_long_window_after_retention_has_no_unknown_at_its_edges(store, admin, city, target):
    feed(store, target, city.units["DINKES"], ["UP"] * (3 * 24 * 60 // 10), interval=600)
    prune(store, T0 + timedelta(days=5))
    start, end = T0 + timedelta(hours=5, minutes=30), T0 + timedelta(days=2, hours=7, minutes=20)
    result = measure(store, admin, target, start, end)
    assert result.up_s == pytest.approx((end - start).total_seconds(), abs=600)
    assert result.unknown_s == pytest.approx(0, abs=1)  # before: the 30 and 20 pruned minutes were unknown
    with store.session() as s:
        (row,) = uptime.unit_report(session=s, viewer=admin, start=start, end=end, zone=JAKARTA)
    assert row.figure.up_s == pytest.approx(result.up_s) and row.figure.unknown_s == pytest.approx(0, abs=1)


def test_hours_pruned_too_read_the_share_of_their_day(store, admin, city, target):
    midnight = T0 - timedelta(hours=7)  # 00.00 WIB on 1 Nov: whole days checked
    feed(store, target, city.units["DINKES"], ["UP"] * (3 * 24 * 60 // 10), start=midnight, interval=600)
    prune(store, T0 + timedelta(days=5), hours=timedelta(days=3))
    start = T0 + timedelta(hours=5, minutes=30)  # 12.30 WIB on the first day: 11.5 hours to its midnight
    result = measure(store, admin, target, start, T0 + timedelta(days=2))
    assert result.up_s == pytest.approx((T0 + timedelta(days=2) - start).total_seconds(), abs=600)
    assert result.unknown_s == pytest.approx(0, abs=1)


def test_what_retention_removed_is_never_read_as_kept_again(store):
    now = T0 + timedelta(days=10)
    prune(store, now)
    prune(store, now, minutes=timedelta(days=9))  # a longer retention set later does not bring minutes back
    with store.session() as s:
        kept = availability.kept_from(s)
    assert kept == {"minute": now - timedelta(hours=48), "hour": now - timedelta(days=90)}


@pytest.mark.parametrize("when", ["2026-11-01T16:59:00+00:00", "2026-11-01T17:00:00+00:00"])
def test_bucket_floor_in_jakarta(when):
    at = datetime.fromisoformat(when)
    day = buckets.floor(at, "day", JAKARTA)
    assert day.astimezone(JAKARTA).hour == 0 and day <= at < buckets.following(day, "day", JAKARTA)


def test_a_weeks_availability_is_time_weighted_not_a_mean_of_its_days(store, admin, city, target):
    # Monday 2 Nov 2026 WIB: an hour measured, all of it down; Tuesday: 23 hours up. The mean of the two
    # days' percentages would be 50 %; the week answered 23 of its 24 measured hours.
    monday = datetime(2026, 11, 2, tzinfo=JAKARTA)
    with session_scope(store.engine) as s:
        for day, up, down in ((monday, 0, 3600), (monday + timedelta(days=1), 23 * 3600, 0)):
            s.add(RollupDay(target_id=target, bucket=day.astimezone(UTC), up_s=up, down_s=down, checks=1))
    with store.session() as s:
        weeks = uptime.calendar(session=s, viewer=admin, start=T0, end=T0 + timedelta(days=14), zone=JAKARTA,
                                weekly=True)
        days = uptime.calendar(session=s, viewer=admin, start=T0, end=T0 + timedelta(days=14), zone=JAKARTA,
                               weekly=False)
    unit = city.units["DINKES"]
    assert weeks == [(unit, monday.date(), pytest.approx(100 * 23 / 24))]
    assert days == [(unit, monday.date(), 0.0), (unit, (monday + timedelta(days=1)).date(), 100.0)]


def test_the_calendar_turns_weekly_past_92_days(store, admin, city, target):
    with store.session() as s:
        short = uptime.window_view(session=s, viewer=admin, zone=JAKARTA, preset="90d", parts=("days",))
        long = uptime.window_view(session=s, viewer=admin, zone=JAKARTA, preset="365d", parts=("days",))
    assert (short.weekly, long.weekly) == (False, True)


def test_a_gap_across_midnight_is_booked_in_the_hours_it_spans_not_the_day_of_the_check_that_ends_it(
        store, admin, city, target):
    # Five-minute checks on 1 Nov 2026 from 07.00 WIB (when the target was made) until 22.00, nothing from
    # 22.00 to 03.00, then checks again with an outage of half an hour on 2 Nov. The gap is 2 h of the first
    # day and 3 h of the second.
    unit, five = city.units["DINKES"], 300
    day1 = datetime(2026, 11, 1, tzinfo=JAKARTA)
    feed(store, target, unit, ["UP"] * (15 * 12), start=T0, interval=five)
    last_at = (day1 + timedelta(hours=22) - timedelta(seconds=five)).timestamp()  # the check before the gap
    statuses = ["UP"] * (7 * 12) + ["DOWN"] * 6 + ["UP"] * (14 * 12 - 6)  # 03.00–24.00, down 10.00–10.30
    feed(store, target, unit, statuses, start=(day1 + timedelta(hours=27)).astimezone(UTC), interval=five,
         last_at=last_at)
    second = measure(store, admin, target, (day1 + timedelta(days=1)).astimezone(UTC),
                     (day1 + timedelta(days=2)).astimezone(UTC))
    first = measure(store, admin, target, T0, (day1 + timedelta(days=1)).astimezone(UTC))
    assert second.unknown_s == pytest.approx(3 * 3600) and second.down_s == pytest.approx(30 * 60)
    assert first.unknown_s == pytest.approx(2 * 3600) and first.down_s == 0
    assert second.percent == pytest.approx(100 * (21 * 3600 - 1800) / (21 * 3600))


def test_a_window_starting_mid_outage_counts_only_the_part_inside_it(store, admin, city, target):
    # Five-minute checks: the DOWN check at 10.00 stands for 10.00–10.05; a window from 10.03 holds 2 minutes of it.
    start = datetime(2026, 11, 3, 10, 0, tzinfo=JAKARTA).astimezone(UTC)
    feed(store, target, city.units["DINKES"], ["DOWN"] + ["UP"] * 11, start=start, interval=300)
    inside = measure(store, admin, target, start + timedelta(minutes=3), start + timedelta(hours=1))
    assert inside.down_s == pytest.approx(120) and inside.up_s == pytest.approx(55 * 60)
    half = measure(store, admin, target, start + timedelta(minutes=3, seconds=30), start + timedelta(minutes=4))
    assert half.down_s == pytest.approx(30)
