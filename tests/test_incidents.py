"""Incidents people work on: acknowledge, assign, note, cause and action, each by the roles and units that may;
the incident's whole story on one page; escalation of unacknowledged incidents on a simulated clock; MTTA and
MTTR against a hand-computed case. On both stores."""

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.alerts import alerts, notify
from core.alerts.messages import compose, incident_link
from core.config import Settings
from core.errors import NotFound, PermissionDenied, ValidationError
from core.monitoring import incidents, response
from db.engine import session_scope
from db.models import Unit
from db.monitoring import Alert, AlertChannel, AlertDelivery, Incident, IncidentActivity, Target
from db.services import DigitalService, ServiceUpdate
from tests.monitoring import JAKARTA, add_target

T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 08.00 WIB


def settings(**values) -> Settings:
    return Settings(cookie_key=secrets.token_urlsafe(40), **values)


def open_incident(store, admin, unit_id, *, name="Router", criticality="normal", started=T0, ended=None,
                  acked=None, cause="") -> int:
    target = add_target(store, admin, unit_id, name=name, criticality=criticality, port=9)
    with session_scope(store.engine) as s:
        row = Incident(target_id=target, unit_id=unit_id, started_at=started, ended_at=ended, reason="mati",
                       acknowledged_at=acked, cause=cause)
        s.add(row)
        s.flush()
        return row.id


def run(store, fn, **kwargs):
    with session_scope(store.engine) as s:
        return fn(session=s, **kwargs)


def add_channel(store, admin, **fields) -> int:
    data = {"name": "Kanal", "kind": "webhook", "address": "http://127.0.0.1:9/", **fields}
    with session_scope(store.engine) as s:
        return alerts.create_channel(session=s, viewer=admin, data=alerts.ChannelCreate(**data)).id


# -- acknowledge, note, assign, cause ----------------------------------------------------------------
def test_an_admin_acknowledges_with_a_note_once_and_the_activity_says_who(store, admin, city):
    incident = open_incident(store, admin, city.units["DINKES"])
    run(store, incidents.acknowledge, viewer=admin, incident_id=incident, note="Ditangani: teknisi menuju lokasi",
        now=T0 + timedelta(minutes=7))
    with pytest.raises(ValidationError) as again:
        run(store, incidents.acknowledge, viewer=admin, incident_id=incident, note="", now=T0 + timedelta(minutes=8))
    assert again.value.key == "incident.already_acknowledged"
    view = run(store, incidents.detail, viewer=admin, incident_id=incident, now=T0 + timedelta(minutes=9))
    assert view.incident.acknowledged_at == T0 + timedelta(minutes=7)
    assert view.acknowledged_by == "Admin"
    assert [(a.kind, a.who, a.text) for a in view.activity] == [("ack", "Admin", "Ditangani: teknisi menuju lokasi")]


def test_an_ended_incident_cannot_be_acknowledged_but_takes_notes_and_a_cause(store, admin, city):
    incident = open_incident(store, admin, city.units["DINKES"], ended=T0 + timedelta(minutes=20))
    with pytest.raises(ValidationError) as ended:
        run(store, incidents.acknowledge, viewer=admin, incident_id=incident)
    assert ended.value.key == "incident.already_ended"
    run(store, incidents.add_note, viewer=admin, incident_id=incident, text="PLN padam 20 menit")
    run(store, incidents.set_cause, viewer=admin, incident_id=incident, cause="listrik", action="UPS dipasang")
    with store.session() as s:
        row = s.get(Incident, incident)
        assert (row.cause, row.action) == ("listrik", "UPS dipasang")
        assert [a.kind for a in s.scalars(select(IncidentActivity).order_by(IncidentActivity.id))] == ["note", "cause"]


def test_a_units_operator_acknowledges_and_notes_its_own_and_its_kelurahans_incidents_only(
        store, admin, city, operator_a, operator_b):
    kauman = open_incident(store, admin, city.units["KEL-KAUMAN"])  # under Kec. Klojen, operator_a's unit
    dinkes = open_incident(store, admin, city.units["DINKES"], name="SIMPUS")
    run(store, incidents.acknowledge, viewer=operator_a, incident_id=kauman, note="kami cek")
    run(store, incidents.add_note, viewer=operator_a, incident_id=kauman, text="kabel putus")
    for fn, extra in ((incidents.acknowledge, {}), (incidents.add_note, {"text": "x"}), (incidents.detail, {})):
        with pytest.raises(NotFound):  # another unit's incident does not exist for this operator
            run(store, fn, viewer=operator_a, incident_id=dinkes, **extra)
    with pytest.raises(PermissionDenied):
        run(store, incidents.assign, viewer=operator_a, incident_id=kauman, user_id=operator_a.user_id)
    with pytest.raises(PermissionDenied):
        run(store, incidents.set_cause, viewer=operator_a, incident_id=kauman, cause="listrik", action="")
    with pytest.raises(PermissionDenied):
        run(store, incidents.assignable, viewer=operator_a, incident_id=kauman)
    assert run(store, incidents.detail, viewer=operator_a, incident_id=kauman).actions == {"ack", "note"}
    assert run(store, incidents.detail, viewer=operator_b, incident_id=dinkes).actions == {"ack", "note"}


def test_pimpinan_reads_every_incident_and_changes_none_and_the_presenter_reads_none(store, admin, city, pimpinan,
                                                                                    presenter):
    incident = open_incident(store, admin, city.units["DINKES"])
    assert run(store, incidents.detail, viewer=pimpinan, incident_id=incident).actions == set()
    for fn, extra in ((incidents.acknowledge, {}), (incidents.add_note, {"text": "x"}),
                      (incidents.assign, {"user_id": None}), (incidents.set_cause, {"cause": "listrik", "action": ""})):
        with pytest.raises(PermissionDenied):
            run(store, fn, viewer=pimpinan, incident_id=incident, **extra)
    for fn in (incidents.detail, incidents.listing, incidents.unacknowledged_count):
        with pytest.raises(PermissionDenied):
            run(store, fn, viewer=presenter, **({"incident_id": incident} if fn is incidents.detail else {}))


def test_an_incident_is_assigned_to_kominfo_or_an_operator_of_its_unit_or_above_and_to_nobody_else(
        store, admin, city, operator_a, operator_b, pimpinan):
    kauman = open_incident(store, admin, city.units["KEL-KAUMAN"])
    people = dict(run(store, incidents.assignable, viewer=admin, incident_id=kauman))
    assert set(people) == {admin.user_id, operator_a.user_id}
    run(store, incidents.assign, viewer=admin, incident_id=kauman, user_id=operator_a.user_id)
    for wrong in (operator_b.user_id, pimpinan.user_id, 999_999):
        with pytest.raises(ValidationError) as refused:
            run(store, incidents.assign, viewer=admin, incident_id=kauman, user_id=wrong)
        assert refused.value.key == "incident.assignee_invalid"
    view = run(store, incidents.detail, viewer=admin, incident_id=kauman)
    assert view.assignee == "Op_A" and [a.text for a in view.activity] == ["Op_A"]
    run(store, incidents.assign, viewer=admin, incident_id=kauman, user_id=None)
    assert run(store, incidents.detail, viewer=admin, incident_id=kauman).assignee == ""


@pytest.mark.parametrize(("fn", "kwargs", "key"), [
    (incidents.add_note, {"text": "   "}, "incident.note_required"),
    (incidents.add_note, {"text": "x" * 1001}, "incident.text_too_long"),
    (incidents.add_note, {"text": "a\x00b"}, "text.control_character"),
    (incidents.acknowledge, {"note": "x" * 1001}, "incident.text_too_long"),
    (incidents.set_cause, {"cause": "hujan", "action": ""}, "incident.cause_unknown"),
    (incidents.set_cause, {"cause": "listrik", "action": "y" * 1001}, "incident.text_too_long"),
])
def test_what_people_type_is_checked(store, admin, city, fn, kwargs, key):
    incident = open_incident(store, admin, city.units["DINKES"])
    with pytest.raises(ValidationError) as refused:
        run(store, fn, viewer=admin, incident_id=incident, **kwargs)
    assert refused.value.key == key
    with store.session() as s:
        assert s.scalars(select(IncidentActivity)).all() == []


def test_a_note_keeps_its_lines_and_markup_as_plain_text(store, admin, city):
    incident = open_incident(store, admin, city.units["DINKES"])
    note = "baris 1\n<b>tebal</b> [tautan](http://x)"
    run(store, incidents.add_note, viewer=admin, incident_id=incident, text=note)
    assert run(store, incidents.detail, viewer=admin, incident_id=incident).activity[0].text == note


# -- one incident's story ----------------------------------------------------------------------
def test_the_incident_page_data_holds_its_alerts_with_delivery_results_its_work_and_public_updates(store, admin, city):
    channel = add_channel(store, admin, name="Diskominfo")
    incident = open_incident(store, admin, city.units["DINKES"], name="SIMPUS")
    with session_scope(store.engine) as s:
        target = s.get(Incident, incident).target_id
        alert = alerts.raise_alert(s, "down", at=T0, target_id=target, unit_id=city.units["DINKES"],
                                   incident_id=incident, params={"since": T0.isoformat(), "reason": "mati"})
        s.flush()
        delivery = s.scalar(select(AlertDelivery).where(AlertDelivery.alert_id == alert.id))
        delivery.status, delivery.attempts, delivery.last_error = "failed", 8, "ConnectError: refused"
        service = DigitalService(unit_id=city.units["DINKES"], name="Pendaftaran Puskesmas", target_ids=[target])
        s.add(service)
        s.flush()
        s.add(ServiceUpdate(service_id=service.id, incident_id=incident, at=T0 + timedelta(minutes=5),
                            status="investigating", message="Sedang kami periksa", author="admin"))
    run(store, incidents.acknowledge, viewer=admin, incident_id=incident, note="on it", now=T0 + timedelta(minutes=3))
    view = run(store, incidents.detail, viewer=admin, incident_id=incident, now=T0 + timedelta(minutes=10))
    assert [(a.kind, a.deliveries[0][:3]) for a in view.alerts] == [("down", ("Diskominfo", "failed", 8))]
    assert view.alerts[0].deliveries[0][3] == "ConnectError: refused"
    assert [(u.message, name) for u, name in view.updates] == [("Sedang kami periksa", "Pendaftaran Puskesmas")]
    assert [a.kind for a in view.activity] == ["ack"]
    assert channel


def test_the_incident_lists_count_what_they_list_for_each_viewer(store, admin, city, operator_a, operator_b):
    open_incident(store, admin, city.units["KEL-KAUMAN"], name="a")
    open_incident(store, admin, city.units["KEL-KAUMAN"], name="b", acked=T0 + timedelta(minutes=1))
    open_incident(store, admin, city.units["DINKES"], name="c")
    open_incident(store, admin, city.units["DINKES"], name="d", ended=T0 + timedelta(minutes=5))
    for viewer, unacked, ongoing in ((admin, 2, 3), (operator_a, 1, 2), (operator_b, 1, 1)):
        assert run(store, incidents.unacknowledged_count, viewer=viewer) == unacked
        assert len(run(store, incidents.listing, viewer=viewer, which="unacknowledged")) == unacked
        assert len(run(store, incidents.listing, viewer=viewer, which="open")) == ongoing


# -- escalation on a simulated clock -------------------------------------------------------------
def escalations(store) -> list[tuple]:
    with store.session() as s:
        return [(a.incident_id, a.at, sorted(d.channel_id for d in s.scalars(
            select(AlertDelivery).where(AlertDelivery.alert_id == a.id))))
            for a in s.scalars(select(Alert).where(Alert.kind == "escalation").order_by(Alert.id))]


def test_an_unacknowledged_incident_escalates_after_its_criticalitys_minutes_and_repeats_until_acknowledged(
        store, admin, city):
    kominfo = add_channel(store, admin, name="Diskominfo")
    head = add_channel(store, admin, name="Kadis", escalation=True)
    critical = open_incident(store, admin, city.units["DINKES"], criticality="critical")  # 15 min by default
    normal = open_incident(store, admin, city.units["DINKES"], name="Printer")  # 60 min
    at = lambda m: T0 + timedelta(minutes=m)  # noqa: E731
    assert notify.run_escalation(store.engine, at(14)) == 0
    assert notify.run_escalation(store.engine, at(15)) == 1
    assert notify.run_escalation(store.engine, at(20)) == 0
    assert notify.run_escalation(store.engine, at(30)) == 1
    run(store, incidents.acknowledge, viewer=admin, incident_id=critical, now=at(31))
    assert notify.run_escalation(store.engine, at(45)) == 0
    assert notify.run_escalation(store.engine, at(60)) == 1  # the normal one, at its own 60 minutes
    assert escalations(store) == [(critical, at(15), [head]), (critical, at(30), [head]), (normal, at(60), [head])]
    assert kominfo not in {c for *_x, cs in escalations(store) for c in cs}


def test_the_escalation_minutes_are_set_by_an_admin_and_used(store, admin, city, operator_a):
    add_channel(store, admin, name="Kadis", escalation=True)
    incident = open_incident(store, admin, city.units["DINKES"], criticality="high")
    with pytest.raises(PermissionDenied):
        run(store, incidents.set_escalation_minutes, viewer=operator_a, minutes={"high": 5})
    for wrong in (0, 10_081, True, "5"):
        with pytest.raises(ValidationError):
            run(store, incidents.set_escalation_minutes, viewer=admin, minutes={"high": wrong})
    assert run(store, incidents.set_escalation_minutes, viewer=admin, minutes={"high": 5})["high"] == 5
    assert notify.run_escalation(store.engine, T0 + timedelta(minutes=4)) == 0
    assert notify.run_escalation(store.engine, T0 + timedelta(minutes=5)) == 1
    assert escalations(store)[0][0] == incident


def test_without_an_escalation_channel_kominfos_channels_hear_it_and_escalation_channels_hear_nothing_else(
        store, admin, city):
    kominfo = add_channel(store, admin, name="Diskominfo")
    add_channel(store, admin, name="Dinkes", unit_id=city.units["DINKES"])
    open_incident(store, admin, city.units["DINKES"], criticality="critical")
    assert notify.run_escalation(store.engine, T0 + timedelta(minutes=15)) == 1
    assert escalations(store)[0][2] == [kominfo]
    head = add_channel(store, admin, name="Kadis", escalation=True)
    with session_scope(store.engine) as s:
        routed = alerts.Router(s).route(city.units["DINKES"])
    assert head not in {c.id for c in routed}


def test_a_failing_escalation_channel_loses_nothing_the_incident_stays_and_escalation_goes_on(store, admin, city):
    from tests.peers import closed_port

    add_channel(store, admin, name="Kadis", escalation=True, address=f"http://127.0.0.1:{closed_port()}/")
    incident = open_incident(store, admin, city.units["DINKES"], criticality="critical")
    assert notify.run_escalation(store.engine, T0 + timedelta(minutes=15)) == 1
    sent = notify.deliver_due(store.engine, settings(), now=T0 + timedelta(minutes=16))
    assert sent["retry"] == 1
    with store.session() as s:
        delivery = s.scalars(select(AlertDelivery)).one()
        assert delivery.status == "pending" and delivery.last_error
        assert s.get(Incident, incident).ended_at is None
    assert notify.run_escalation(store.engine, T0 + timedelta(minutes=30)) == 1


def test_the_alert_carries_the_incident_pages_address_when_the_public_address_is_set(store, admin, city):
    incident = open_incident(store, admin, city.units["DINKES"], name="SIMPUS")
    with store.session() as s:
        row = s.get(Incident, incident)
        target, unit = s.get(Target, row.target_id), s.get(Unit, row.unit_id)
    alert = Alert(kind="escalation", at=T0 + timedelta(minutes=15), incident_id=incident,
                  params={"since": T0.isoformat(), "reason": "mati", "minutes": 15})
    channel = AlertChannel(name="Kadis", kind="telegram", address="-1", escalation=True)
    link = incident_link(settings(public_url="https://monev.malangkota.go.id/"), incident)
    assert link == f"https://monev.malangkota.go.id/insiden?id={incident}"
    message = compose(alert, channel, target=target, unit=unit, zone=JAKARTA, link=link)
    assert "ESKALASI" in message.subject and "15 menit" in message.text
    assert message.text.endswith(f"Buka insiden: {link}") and message.fields["link"] == link
    assert incident_link(settings(), incident) == ""
    assert "insiden?id" not in compose(alert, channel, target=target, unit=unit, zone=JAKARTA).text


# -- MTTA and MTTR ----------------------------------------------------------------------------------
def test_mtta_and_mttr_per_unit_cause_and_month_against_a_hand_computed_case(store, admin, city, operator_a):
    m = lambda n: timedelta(minutes=n)  # noqa: E731
    dinkes, kauman = city.units["DINKES"], city.units["KEL-KAUMAN"]
    # Dinkes: acked after 10 and 20 min, repaired after 30 and 90 min: MTTA 15, MTTR 60.
    open_incident(store, admin, dinkes, name="a", acked=T0 + m(10), ended=T0 + m(30), cause="listrik")
    open_incident(store, admin, dinkes, name="b", started=T0 + m(100), acked=T0 + m(120), ended=T0 + m(190),
                  cause="listrik")
    # Kauman: one never acknowledged, repaired after 40 min; one ongoing, acked after 5 min.
    open_incident(store, admin, kauman, name="c", ended=T0 + m(40), cause="perangkat")
    open_incident(store, admin, kauman, name="d", started=T0 + m(200), acked=T0 + m(205))
    # Before the window (October): not counted in November's figures.
    open_incident(store, admin, dinkes, name="e", started=datetime(2026, 10, 30, tzinfo=UTC),
                  acked=datetime(2026, 10, 30, 1, tzinfo=UTC), ended=datetime(2026, 10, 30, 2, tzinfo=UTC))
    start, end = datetime(2026, 10, 31, 17, tzinfo=UTC), datetime(2026, 11, 30, 17, tzinfo=UTC)  # November, WIB
    whole = run(store, response.summary, viewer=admin, start=start, end=end)
    assert (whole.incidents, whole.acknowledged, whole.resolved) == (4, 3, 3)
    assert whole.mtta_min == pytest.approx((10 + 20 + 5) / 3)
    assert whole.mttr_min == pytest.approx((30 + 90 + 40) / 3)
    units = {r.key: r for r in run(store, response.by, viewer=admin, start=start, end=end, zone=JAKARTA, group="unit")}
    assert (units[dinkes].mtta_min, units[dinkes].mttr_min) == (15, 60)
    assert (units[kauman].mtta_min, units[kauman].mttr_min) == (5, 40)
    causes = {r.key: r for r in run(store, response.by, viewer=admin, start=start, end=end, zone=JAKARTA, group="cause")}
    assert causes["listrik"].mttr_min == 60 and causes["perangkat"].mtta_min is None and causes[""].incidents == 1
    months = run(store, response.by, viewer=admin, start=datetime(2026, 10, 1, tzinfo=UTC), end=end, zone=JAKARTA,
                 group="month")
    assert [(r.label, r.incidents, r.mtta_min, r.mttr_min) for r in months] == [
        ("2026-10-01", 1, 60, 120), ("2026-11-01", 4, pytest.approx(35 / 3), pytest.approx(160 / 3))]
    mine = run(store, response.summary, viewer=operator_a, start=start, end=end)  # scoped: Klojen and its kelurahan
    assert (mine.incidents, mine.mtta_min, mine.mttr_min) == (2, 5, 40)
