"""The state rules without a store: DOWN after N failures, incidents from the first failure, flapping."""

from datetime import UTC, datetime, timedelta

import pytest

from core.monitoring.state_machine import Status, apply, flap_percent

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def run(results, threshold=3, maintenance=()):
    status, steps = Status(), []
    for i, result in enumerate(results):
        step = apply(status, result, T0 + timedelta(minutes=i), f"r{i}", threshold, i in maintenance)
        steps.append(step)
        status = step.status
    return status, steps


def test_target_turns_down_after_three_failures_and_is_pending_before():
    status, steps = run(["UP", "DOWN", "DOWN", "DOWN"])
    assert [s.status.state for s in steps] == ["UP", "PENDING", "PENDING", "DOWN"]
    assert steps[3].open_incident == (T0 + timedelta(minutes=1), "r1")  # begins at the first failure, its reason


def test_one_lost_reply_is_no_incident():
    _, steps = run(["UP", "DOWN", "UP", "UP"])
    assert not any(s.open_incident for s in steps) and not any(s.close_incident for s in steps)


def test_the_incident_ends_at_the_first_success():
    _, steps = run(["UP", "DOWN", "DOWN", "DOWN", "DOWN", "UP"])
    assert [bool(s.open_incident) for s in steps].count(True) == 1
    assert steps[5].close_incident and steps[5].status.state == "UP"


def test_degraded_is_a_state_of_its_own_and_no_failure():
    _, steps = run(["UP", "DEGRADED", "DEGRADED", "DEGRADED", "UP"])
    assert [s.status.state for s in steps] == ["UP", "DEGRADED", "DEGRADED", "DEGRADED", "UP"]
    assert not any(s.open_incident for s in steps)


def test_maintenance_opens_no_incident():
    _, steps = run(["UP", "DOWN", "DOWN", "DOWN", "UP"], maintenance={1, 2, 3})
    assert [s.status.state for s in steps] == ["UP", "MAINTENANCE", "MAINTENANCE", "MAINTENANCE", "UP"]
    assert not any(s.open_incident for s in steps)


def test_state_changes_are_recorded_as_events():
    _, steps = run(["UP", "DOWN", "DOWN", "DOWN", "UP"])
    changes = [e[1:3] for s in steps for e in s.events if e[0] == "state"]
    assert changes == [("UNKNOWN", "UP"), ("UP", "PENDING"), ("PENDING", "DOWN"), ("DOWN", "UP")]


def test_flap_percent_is_zero_for_a_steady_target_and_high_for_alternation():
    assert flap_percent("u" * 21) == 0
    assert flap_percent("ud" * 10 + "u") == pytest.approx(100)


def test_a_flapping_target_opens_one_incident_not_one_per_flap():
    pattern = ["DOWN", "DOWN", "DOWN", "UP"] * 6  # down long enough each time to reach DOWN
    status, steps = run(["UP"] * 3 + pattern, threshold=3)
    opened = sum(1 for s in steps if s.open_incident)
    closed = sum(1 for s in steps if s.close_incident)
    assert any(s.status.flapping for s in steps)
    assert opened - closed <= 1 and opened < 6
    assert any(e[0] == "flapping" for s in steps for e in s.events)


def test_flapping_ends_once_the_target_is_steady_again_and_the_incident_closes():
    pattern = ["DOWN", "DOWN", "DOWN", "UP"] * 6
    status, steps = run(["UP"] * 3 + pattern + ["UP"] * 25, threshold=3)
    assert not status.flapping and not status.incident_open
    assert any(e[0] == "flapping_end" for s in steps for e in s.events)
