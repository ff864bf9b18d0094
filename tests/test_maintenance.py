"""Maintenance windows: one-off and weekly (in the organisation's zone), per target or per unit."""

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import PermissionDenied, ValidationError
from core.monitoring.maintenance import Window, WindowCreate, create_window, validate
from tests.monitoring import JAKARTA, add_target

SUNDAY_2300_WIB = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)


def weekly(weekday, start_minute, duration_min, target_id=None, unit_id=1):
    return Window(unit_id if target_id is None else None, target_id, "weekly", None, None, weekday, start_minute,
                  duration_min)


def test_a_weekly_window_is_read_in_wib_and_may_run_past_sunday_midnight():
    window = weekly(6, 23 * 60, 120)  # Sunday 23.00–01.00 WIB
    assert window.covers(5, 1, SUNDAY_2300_WIB, JAKARTA)
    assert window.covers(5, 1, SUNDAY_2300_WIB + timedelta(minutes=119), JAKARTA)  # Monday 00.59
    assert not window.covers(5, 1, SUNDAY_2300_WIB + timedelta(minutes=120), JAKARTA)
    assert not window.covers(5, 1, SUNDAY_2300_WIB - timedelta(minutes=1), JAKARTA)


def test_a_unit_window_covers_its_targets_and_a_target_window_only_that_target():
    at = SUNDAY_2300_WIB
    assert weekly(6, 23 * 60, 60, unit_id=1).covers(9, 1, at, JAKARTA)
    assert not weekly(6, 23 * 60, 60, unit_id=1).covers(9, 2, at, JAKARTA)
    assert weekly(6, 23 * 60, 60, target_id=9).covers(9, 2, at, JAKARTA)
    assert not weekly(6, 23 * 60, 60, target_id=9).covers(8, 2, at, JAKARTA)


@pytest.mark.parametrize(("data", "key"), [
    (WindowCreate(kind="once", unit_id=1, starts_at=SUNDAY_2300_WIB, ends_at=SUNDAY_2300_WIB), "maintenance.once_range"),
    (WindowCreate(kind="weekly", unit_id=1, weekday=7, start_minute=0, duration_min=60), "maintenance.weekly_start"),
    (WindowCreate(kind="weekly", unit_id=1, weekday=1, start_minute=0, duration_min=0), "maintenance.weekly_duration"),
    (WindowCreate(kind="weekly", weekday=1, start_minute=0, duration_min=10), "maintenance.scope"),
    (WindowCreate(kind="monthly", unit_id=1), "maintenance.kind"),
])
def test_a_bad_window_is_refused(data, key):
    with pytest.raises(ValidationError) as err:
        validate(data)
    assert err.value.key == key


def test_only_admin_schedules_maintenance(store, city, admin, operator_b):
    target = add_target(store, admin, city.units["DINKES"], kind="ping")
    data = WindowCreate(kind="weekly", target_id=target, weekday=6, start_minute=60, duration_min=60)
    with store.session() as s:
        with pytest.raises(PermissionDenied):
            create_window(session=s, viewer=operator_b, data=data)
        assert create_window(session=s, viewer=admin, data=data).id is not None
