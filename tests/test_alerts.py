"""Alerts: raised with the incident, routed to Kominfo and the unit's own contacts, sent to a local
Telegram stand-in, a webhook and an SMTP server with STARTTLS; failures retried with backoff and kept."""

import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.alerts import alerts, notify
from core.config import Settings
from core.errors import PermissionDenied, ValidationError
from db.engine import session_scope
from db.monitoring import Alert, AlertDelivery, Incident, TargetState
from db.types import utcnow
from probes.worker import ProbeWorker
from tests.monitoring import JAKARTA, add_target, rounds
from tests.peers import closed_port, listen_on, recording_server, smtp_server

TOKEN = "123456:" + "A" * 30


def settings(**values) -> Settings:
    return Settings(cookie_key=secrets.token_urlsafe(40), **values)


def add_channel(store, admin, **fields) -> int:
    data = {"name": "Kanal", "kind": "webhook", "address": "http://127.0.0.1:9/", **fields}
    with session_scope(store.engine) as s:
        return alerts.create_channel(session=s, viewer=admin, data=alerts.ChannelCreate(**data)).id


def deliveries(store) -> list[tuple[AlertDelivery, Alert]]:
    with store.session() as s:
        return [tuple(r) for r in s.execute(select(AlertDelivery, Alert).join(Alert).order_by(AlertDelivery.id))]



def outage(store, admin, unit_id, name="SIMPUS") -> int:
    """A TCP target that fails twice (DOWN after two), then answers: one incident, opened and closed."""
    port = closed_port()
    target = add_target(store, admin, unit_id, name=name, port=port, fail_threshold=2)
    worker = ProbeWorker(store.engine, zone=JAKARTA, name="w")
    opened = []
    rounds(worker, store, 4, between=lambda i: i == 3 and opened.append(listen_on(port)))
    opened[0].close()
    return target


def test_an_outage_raises_one_down_and_one_recovery_alert_with_the_incident(store, admin, city):
    kominfo = add_channel(store, admin, name="Diskominfo")
    target = outage(store, admin, city.units["DINKES"])
    rows = deliveries(store)
    assert [(a.kind, d.channel_id, d.status) for d, a in rows] == [("down", kominfo, "pending"),
                                                                   ("recovery", kominfo, "pending")]
    with store.session() as s:
        [incident] = s.scalars(select(Incident).where(Incident.target_id == target)).all()
    down, recovery = rows[0][1], rows[1][1]
    assert down.incident_id == recovery.incident_id == incident.id
    assert recovery.params["duration_s"] == round((incident.ended_at - incident.started_at).total_seconds())
    assert recovery.params["since"] == incident.started_at.isoformat()


def test_kominfo_gets_every_alert_and_a_units_contacts_only_their_units(store, admin, city):
    kominfo = add_channel(store, admin, name="Diskominfo")
    klojen = add_channel(store, admin, name="Kec. Klojen", unit_id=city.units["KEC-KLOJEN"])
    dinkes = add_channel(store, admin, name="Dinkes", unit_id=city.units["DINKES"])
    add_channel(store, admin, name="Mati", enabled=False)
    outage(store, admin, city.units["KEL-KAUMAN"], "Router Kauman")  # a kelurahan under Klojen
    outage(store, admin, city.units["DINKES"], "SIMPUS")
    routed: dict[int, set[int]] = {}
    for d, a in deliveries(store):
        routed.setdefault(a.unit_id, set()).add(d.channel_id)
    assert routed[city.units["KEL-KAUMAN"]] == {kominfo, klojen}
    assert routed[city.units["DINKES"]] == {kominfo, dinkes}


def test_telegram_gets_the_message_in_indonesian_with_unit_target_state_since_and_reason(store, admin, city):
    with recording_server() as (url, chat):
        add_channel(store, admin, kind="telegram", address="-1001234567890", secret=TOKEN)
        outage(store, admin, city.units["DINKES"])
        assert notify.deliver_due(store.engine, settings(telegram_api=url)) == {"sent": 2, "retry": 0, "failed": 0}
    down, recovered = chat.requests
    assert down["path"] == f"/bot{TOKEN}/sendMessage"
    assert down["json"]["chat_id"] == "-1001234567890"
    text = down["json"]["text"]
    for words in ("MATI", "Dinas Kesehatan", "SIMPUS", "127.0.0.1", "sejak", "WIB", "Penyebab", "ditolak"):
        assert words in text, words
    assert "PULIH" in recovered["json"]["text"] and "Lama gangguan" in recovered["json"]["text"]
    assert {d.status for d, _ in deliveries(store)} == {"sent"}


def test_a_webhook_gets_a_json_body_for_a_whatsapp_gateway(store, admin, city):
    with recording_server() as (url, hook):
        hook.body = b"{}"
        add_channel(store, admin, kind="webhook", address=f"{url}/api/sendText", secret="rahasia-gateway")
        outage(store, admin, city.units["DINKES"])
        notify.deliver_due(store.engine, settings())
    down = hook.requests[0]
    assert down["path"] == "/api/sendText"
    assert down["headers"]["Authorization"] == "Bearer rahasia-gateway"
    body = down["json"]
    assert (body["event"], body["state"], body["unit_code"], body["target"]) == ("down", "DOWN", "DINKES", "SIMPUS")
    assert body["since"] and "MATI" in body["message"]  # the message in words; the state stays a code
    assert hook.requests[1]["json"]["event"] == "recovery" and isinstance(hook.requests[1]["json"]["duration_s"], int)


def test_email_goes_through_smtp_with_starttls(store, admin, city, tmp_path):
    with smtp_server(tmp_path) as (port, ca_file, inbox):
        add_channel(store, admin, kind="email", address="noc@malangkota.go.id; kadis@dinkes.test")
        outage(store, admin, city.units["DINKES"])
        sent = notify.deliver_due(store.engine, settings(smtp_host="127.0.0.1", smtp_port=port,
                                                          smtp_from="monev@malangkota.go.id",
                                                          smtp_ca_file=str(ca_file)))
    assert sent["sent"] == 2
    assert len(inbox) == 2 and all(m["tls"] for m in inbox)
    assert inbox[0]["to"] == ["noc@malangkota.go.id", "kadis@dinkes.test"]
    assert "SIMPUS" in inbox[0]["data"] and "MATI" in inbox[0]["data"]


def test_a_failed_send_is_kept_retried_with_backoff_and_finally_marked_failed(store, admin, city):
    with recording_server() as (url, hook):
        hook.status = 502
        add_channel(store, admin, address=url)
        target = outage(store, admin, city.units["DINKES"])
        config = settings(alert_max_attempts=3)
        assert notify.deliver_due(store.engine, config)["retry"] == 2
        [(first, _), _] = deliveries(store)
        assert first.status == "pending" and first.attempts == 1 and "502" in first.last_error
        wait = (first.next_attempt_at - utcnow()).total_seconds()
        assert 25 < wait <= 30
        assert notify.deliver_due(store.engine, config)["retry"] == 0, "not before the backoff has passed"
        later = utcnow() + timedelta(seconds=31)
        assert notify.deliver_due(store.engine, config, now=later)["retry"] == 2
        [(second, _), _] = deliveries(store)
        assert second.attempts == 2 and 55 < (second.next_attempt_at - utcnow()).total_seconds() <= 60
        assert notify.deliver_due(store.engine, config, now=utcnow() + timedelta(minutes=2))["failed"] == 2
        assert {(d.status, d.attempts) for d, _ in deliveries(store)} == {("failed", 3)}
        hook.status = 200
        assert notify.deliver_due(store.engine, config, now=utcnow() + timedelta(hours=2))["sent"] == 0
    with store.session() as s:
        assert len(s.scalars(select(Incident).where(Incident.target_id == target)).all()) == 1


def test_a_channel_that_does_not_answer_holds_up_neither_probing_nor_the_other_channels(store, admin, city):
    add_channel(store, admin, name="Mati", address=f"http://127.0.0.1:{closed_port()}/")
    with recording_server() as (url, hook):
        add_channel(store, admin, name="Hidup", address=url)
        target = outage(store, admin, city.units["DINKES"])  # the worker wrote both alerts without sending
        with store.session() as s:
            assert s.get(TargetState, target).state == "UP"
        counts = notify.deliver_due(store.engine, settings())
    assert counts == {"sent": 2, "retry": 2, "failed": 0}
    assert [r["json"]["event"] for r in hook.requests] == ["down", "recovery"]
    errors = {d.last_error for d, _ in deliveries(store) if d.status == "pending"}
    assert all("ConnectError" in e for e in errors)


def test_two_notifiers_never_send_one_delivery_twice(store, admin, city):
    with recording_server() as (url, hook):
        add_channel(store, admin, address=url)
        outage(store, admin, city.units["DINKES"])
        first = notify._lease(store.engine, utcnow(), 10)
        second = notify._lease(store.engine, utcnow(), 10)
    assert len(first) == 2 and second == []


def test_a_reminder_every_n_hours_while_down_and_a_certificate_warning_once_a_day(store, admin, city):
    add_channel(store, admin)
    port = closed_port()
    target = add_target(store, admin, city.units["DINKES"], port=port, fail_threshold=1)
    rounds(ProbeWorker(store.engine, zone=JAKARTA, name="w"), store, 1)
    config = settings(alert_reminder_h=4)
    start = utcnow()
    assert notify.run_sweep(store.engine, config, start + timedelta(hours=3)) == 0
    assert notify.run_sweep(store.engine, config, start + timedelta(hours=4, minutes=1)) == 1
    assert notify.run_sweep(store.engine, config, start + timedelta(hours=6)) == 0
    assert notify.run_sweep(store.engine, config, start + timedelta(hours=8, minutes=2)) == 1
    web = add_target(store, admin, city.units["DINKES"], name="Web", kind="http", host="https://127.0.0.1/")
    with session_scope(store.engine) as s:
        s.execute(update(TargetState).where(TargetState.target_id == web).values(details={"cert_days": 9}))
    assert notify.run_sweep(store.engine, config, start + timedelta(hours=8, minutes=3)) == 1
    assert notify.run_sweep(store.engine, config, start + timedelta(hours=20)) == 1  # a reminder, no 2nd warning
    assert notify.run_sweep(store.engine, config, start + timedelta(hours=32, minutes=4)) == 2  # reminder + cert
    with store.session() as s:
        kinds = [(a.kind, a.target_id) for a in s.scalars(select(Alert).order_by(Alert.id))]
    assert kinds == [("down", target), ("reminder", target), ("reminder", target), ("cert", web),
                     ("reminder", target), ("reminder", target), ("cert", web)]


def test_the_test_button_sends_at_once_and_records_the_outcome(store, admin, city, operator_a, pimpinan):
    with recording_server() as (url, hook):
        good = add_channel(store, admin, name="Gateway", address=url)
        delivery = notify.test_now(store.engine, settings(), viewer=admin, channel_id=good)
        assert delivery.status == "sent" and hook.requests[0]["json"]["event"] == "test"
        assert "Gateway" in hook.requests[0]["json"]["message"]
    bad = add_channel(store, admin, name="Putus", address=f"http://127.0.0.1:{closed_port()}/")
    delivery = notify.test_now(store.engine, settings(), viewer=admin, channel_id=bad)
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_error
    for viewer in (operator_a, pimpinan):
        with pytest.raises(PermissionDenied):
            notify.test_now(store.engine, settings(), viewer=viewer, channel_id=good)


@pytest.mark.parametrize("fields, field", [
    ({"kind": "telegram", "address": "grup kominfo", "secret": TOKEN}, "address"),
    ({"kind": "telegram", "address": "-100123", "secret": "bukan-token"}, "secret"),
    ({"kind": "email", "address": "noc@malangkota.go.id, bukan-alamat"}, "address"),
    ({"kind": "webhook", "address": "ftp://127.0.0.1/"}, "address"),
    ({"kind": "sms", "address": "0812"}, "kind"),
    ({"name": "  ", "kind": "webhook", "address": "http://127.0.0.1/"}, "name"),
])
def test_a_bad_channel_is_refused_with_the_field_that_is_wrong(store, admin, city, fields, field):
    with pytest.raises(ValidationError) as caught:
        add_channel(store, admin, **fields)
    assert caught.value.field == field
    assert caught.value.message("id")


def test_only_admins_manage_channels_and_read_the_log(store, admin, city, operator_a, pimpinan, presenter):
    channel = add_channel(store, admin, secret="s3cret")
    with session_scope(store.engine) as s:
        for viewer in (operator_a, pimpinan, presenter):
            for call in (lambda v: alerts.list_channels(session=s, viewer=v),
                         lambda v: alerts.list_deliveries(session=s, viewer=v),
                         lambda v: alerts.create_channel(session=s, viewer=v, data=alerts.ChannelCreate(
                             name="x", kind="webhook", address="http://127.0.0.1/")),
                         lambda v: alerts.update_channel(session=s, viewer=v, channel_id=channel,
                                                         data=alerts.ChannelCreate(name="x", kind="webhook",
                                                                                   address="http://127.0.0.1/"))):
                with pytest.raises(PermissionDenied):
                    call(viewer)


def test_editing_a_channel_without_a_new_token_keeps_the_stored_one(store, admin, city):
    channel = add_channel(store, admin, kind="telegram", address="-100123", secret=TOKEN)
    with session_scope(store.engine) as s:
        alerts.update_channel(session=s, viewer=admin, channel_id=channel, data=alerts.ChannelCreate(
            name="Grup NOC", kind="telegram", address="-100123", secret=""))
    with session_scope(store.engine) as s:
        stored = alerts.get_channel(session=s, viewer=admin, channel_id=channel)
        assert (stored.name, stored.secret) == ("Grup NOC", TOKEN)
