"""Digital services: the register's scope and checks, and SLA compliance against a month computed by hand
(service hours, a holiday, a maintenance hour, a gap, an outage inside and one outside service hours)."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert, update

from core.errors import NotFound, PermissionDenied, ValidationError
from core.i18n import encode_reason
from core.services import register, sla
from db.engine import session_scope
from db.monitoring import Incident, RollupHour, Target
from db.services import Holiday
from tests.monitoring import JAKARTA, add_target

NOVEMBER = date(2026, 11, 1)
AFTER = datetime(2026, 12, 1, 10, 0, tzinfo=JAKARTA)


def service_data(unit_id: int, target_ids: list[int], **extra) -> dict:
    return {"unit_id": unit_id, "name": "SAMBAT Online", "group": "Pengaduan", "audience": "public",
            "target_ids": target_ids, "days": [0, 1, 2, 3, 4], "start_minute": 7 * 60 + 30, "end_minute": 16 * 60,
            "holidays_off": True, "sla_availability": 99.5, "sla_p95_ms": 500, **extra}


def test_operators_manage_their_units_services_and_never_see_another_units(store, city, admin, operator_a,
                                                                         operator_b):
    klojen, dinkes = city.units["KEC-KLOJEN"], city.units["DINKES"]
    mine = add_target(store, admin, klojen, name="web kecamatan", kind="ping")
    theirs = add_target(store, admin, dinkes, name="antrian puskesmas", kind="ping")
    with session_scope(store.engine) as s:
        own = register.save_service(session=s, viewer=operator_a, data=service_data(klojen, [mine]))
        with pytest.raises(PermissionDenied):  # another unit as owner
            register.save_service(session=s, viewer=operator_a, data=service_data(dinkes, []))
        with pytest.raises(ValidationError):  # another unit's target
            register.save_service(session=s, viewer=operator_a, data=service_data(klojen, [theirs]))
        with pytest.raises(ValidationError):
            register.save_service(session=s, viewer=operator_a, data=service_data(klojen, [], start_minute=900,
                                                                                   end_minute=600))
        with pytest.raises(ValidationError):  # a name with a control character
            register.save_service(session=s, viewer=operator_a, data=service_data(klojen, [], name="a\x00b"))
        other = register.save_service(session=s, viewer=admin, data=service_data(dinkes, [theirs], name="Antrean"))
    with session_scope(store.engine) as s:
        assert [x.name for x in register.list_services(session=s, viewer=operator_a)] == ["SAMBAT Online"]
        with pytest.raises(NotFound):
            register.get_service(session=s, viewer=operator_a, service_id=other.id)
        with pytest.raises(NotFound):
            sla.compliance(session=s, viewer=operator_a, service_id=other.id, months=[NOVEMBER], zone=JAKARTA)
        assert len(register.list_services(session=s, viewer=admin)) == 2
        register.save_service(session=s, viewer=operator_a, service_id=own.id,
                              data=service_data(klojen, [mine], name="SAMBAT"))
    with session_scope(store.engine) as s:
        assert register.get_service(session=s, viewer=operator_a, service_id=own.id).name == "SAMBAT"


@pytest.fixture
def november(store, city, admin):
    """A target checked every hour of November 2026, up, except what the test below computes by hand."""
    unit = city.units["DISKOMINFO"]
    target_id = add_target(store, admin, unit, name="sambat-web-01", kind="ping")
    local = lambda day, hour: datetime(2026, 11, day, hour, tzinfo=JAKARTA)  # noqa: E731
    rows = []
    hour = datetime(2026, 11, 1, tzinfo=JAKARTA)
    while hour < datetime(2026, 12, 1, tzinfo=JAKARTA):
        if not (local(5, 12) <= hour < local(5, 14)):  # a gap: no worker on 5 Nov 12.00–14.00
            row = dict(target_id=target_id, bucket=hour, up_s=3600, checks=60, latency_n=60, latency_sum_ms=60 * 100.0)
            if hour == local(3, 10):  # down, inside service hours
                row.update(up_s=0, down_s=3600, latency_n=0, latency_sum_ms=0.0)
            if hour == local(4, 7):  # maintenance 07.00–08.00: half of it inside service hours (from 07.30)
                row.update(up_s=0, maintenance_s=3600)
            if hour == local(6, 20) or hour.date() == date(2026, 11, 10):  # down at night and on a holiday
                row.update(up_s=0, down_s=3600)
            rows.append(row)
        hour += timedelta(hours=1)
    with session_scope(store.engine) as s:
        s.execute(update(Target).where(Target.id == target_id).values(created_at=datetime(2026, 10, 1, tzinfo=JAKARTA)))
        s.execute(insert(RollupHour), rows)
        s.add(Holiday(day=date(2026, 11, 10), name="Hari Pahlawan (contoh)"))
        s.add(Incident(target_id=target_id, unit_id=unit, started_at=local(3, 10), ended_at=local(3, 11),
                       reason=encode_reason("probe.refused", host="10.0.0.5", port=443)))
        s.add(Incident(target_id=target_id, unit_id=unit, started_at=local(6, 20), ended_at=local(6, 21), reason=""))
        service = register.save_service(session=s, viewer=admin, data=service_data(unit, [target_id]))
    return service.id


def test_compliance_of_a_month_computed_by_hand(store, admin, november):
    # Service days: 21 weekdays in November 2026 minus the holiday on the 10th = 20, each 07.30–16.00 (8.5 h).
    service_s = 20 * 8.5 * 3600
    down, maintenance, unknown = 3600, 1800, 7200
    with session_scope(store.engine) as s:
        [result] = sla.compliance(session=s, viewer=admin, service_id=november, months=[NOVEMBER], zone=JAKARTA,
                                  now=AFTER)
    month = result.month
    assert (month.service_s, month.down_s, month.maintenance_s, month.unknown_s) == pytest.approx(
        (service_s, down, maintenance, unknown))
    assert month.up_s == pytest.approx(service_s - down - maintenance - unknown)
    assert month.percent == pytest.approx(100 * (service_s - down - maintenance - unknown)
                                          / (service_s - maintenance - unknown))  # 99,40 %
    assert result.availability_ok is False and result.response_ok is True and result.met is False
    assert month.p95_ms == pytest.approx(100)
    # The outage at 10.00 on the 3rd is a breach of one hour; the one at 20.00 on the 6th is outside hours.
    assert [(b.started_at, b.service_s) for b in month.breaches] == [(datetime(2026, 11, 3, 10, tzinfo=JAKARTA), 3600)]
    assert "10.0.0.5" in sla.breach_reason(month.breaches[0], "id")  # internal pages name the cause


def test_a_24x7_service_counts_the_night_and_the_holiday(store, admin, november):
    with session_scope(store.engine) as s:
        service = register.get_service(session=s, viewer=admin, service_id=november)
        data = {k: getattr(service, k) for k in register.FIELDS} | {"days": list(range(7)), "start_minute": 0,
                                                                   "end_minute": 1440, "holidays_off": False}
        register.save_service(session=s, viewer=admin, service_id=november, data=data)
    with session_scope(store.engine) as s:
        [result] = sla.compliance(session=s, viewer=admin, service_id=november, months=[NOVEMBER], zone=JAKARTA,
                                  now=AFTER)
    month = result.month
    assert month.service_s == pytest.approx(30 * 86400)
    assert month.down_s == pytest.approx(3600 + 3600 + 24 * 3600)  # the 3rd, the night of the 6th, the 10th
    assert month.unknown_s == pytest.approx(7200) and month.maintenance_s == pytest.approx(3600)
    assert len(month.breaches) == 2


def test_the_monthly_sla_report_holds_the_figures_and_breaches_of_the_viewers_services(store, admin, november):
    import io

    from openpyxl import load_workbook

    from core.evaluation import evidence

    with session_scope(store.engine) as s:
        name, data = evidence.sla_report(session=s, viewer=admin, month=NOVEMBER, service_id=november, fmt="xlsx",
                                         lang="id", zone=JAKARTA, org_name="Kota Uji")
        pdf_name, pdf = evidence.sla_report(session=s, viewer=admin, month=NOVEMBER, service_id=None, fmt="pdf",
                                            lang="en", zone=JAKARTA, org_name="Kota Uji")
    assert name == "laporan-sla-2026-11.xlsx" and pdf.startswith(b"%PDF-") and pdf_name.endswith(".pdf")
    cells = [str(v) for ws in load_workbook(io.BytesIO(data)) for row in ws.iter_rows(values_only=True)
             for v in row if v is not None]
    assert "SAMBAT Online" in cells and "99,40 %" in cells and "tidak terpenuhi" in cells
    assert any("3 Nov 2026 10.00" in c for c in cells)  # the breach, with its start


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_operators_service_pages_name_no_other_unit(env, store, city, admin, operator_b, november):
    from tests.apptest import assert_clean, frames, open_page, texts

    dinkes = city.units["DINKES"]
    with session_scope(store.engine) as s:
        register.save_service(session=s, viewer=admin, data=service_data(dinkes, [], name="Antrean Puskesmas"))
    for key in ("services", "sla", "feedback"):
        at = open_page("op_b", key)
        assert_clean(at)
        shown = texts(at) + frames(at) + "\n".join(str(o) for sb in at.selectbox for o in sb.options)
        assert "SAMBAT Online" not in shown and "Diskominfo" not in shown and "sambat-web-01" not in shown
        if key != "feedback":
            assert "Antrean Puskesmas" in shown


def test_the_satisfaction_indicator_gets_the_quarterly_feedback_as_evidence(store, city, admin, november):
    from core.evaluation import evidence
    from core.services import voice
    from tests.evaluation import new_period

    period = new_period(store, admin, 2026)
    with session_scope(store.engine) as s:
        for n, rating in enumerate((5, 4, 4)):
            voice.give_feedback(s, service_id=november, rating=rating, comment="Cepat" if n == 0 else "",
                                client=f"c{n}", now=datetime(2026, 11, 20, 9, tzinfo=JAKARTA))
    with session_scope(store.engine) as s:
        doc = evidence.document(session=s, viewer=admin, period_id=period, unit_id=None, indicator=20,
                                kind="satisfaction", lang="id", zone=JAKARTA, org_name="Kota Uji")
    quarters = {row[1]: row for row in doc.sections[0].rows if row[0] == "SAMBAT Online"}
    assert quarters["Q4 2026"][2:] == [3, "4,33", "0 / 0 / 0 / 2 / 1"]
    assert ["SAMBAT Online", "20 Nov 2026", 5, "Cepat"] in doc.sections[1].rows


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_operator_registers_a_service_through_the_page(env, store, city, admin, operator_b):
    from tests.apptest import assert_clean, open_page, texts

    target = add_target(store, admin, city.units["DINKES"], name="antrian-web", kind="ping")
    at = open_page("op_b", "services")
    at.text_input(key="service_name").input("Antrean Puskesmas <b>Online</b>")
    at.multiselect(key="service_targets").select(target)
    at.button(key="service_save").click().run()
    assert_clean(at)
    assert "Layanan Antrean Puskesmas <b>Online</b> disimpan." in texts(at)  # shown as typed, not as markup
    with session_scope(store.engine) as s:
        [service] = register.list_services(session=s, viewer=operator_b)
    assert (service.name, service.target_ids, service.unit_id) == ("Antrean Puskesmas <b>Online</b>", [target],
                                                                   city.units["DINKES"])


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_services_page_lists_the_same_services_even_when_the_only_one_is_internal(env, store, city, admin):
    """Rule: one scope rule for services: Layanan Digital, SLA Layanan and Kepuasan Layanan list the same ones."""
    from core.i18n import t
    from tests.apptest import assert_clean, frames, open_page, texts

    with session_scope(store.engine) as s:
        register.save_service(session=s, viewer=admin, data=service_data(city.units["DINKES"], [], audience="internal",
                                                                         name="e-Office Dinkes"))
    listed = {}
    for key, picker in (("services", None), ("sla", "sla_service"), ("feedback", "feedback_service")):
        at = open_page("op_b", key)
        assert_clean(at)
        listed[key] = frames(at) if picker is None else "\n".join(at.selectbox(key=picker).options)
    assert all("e-Office Dinkes" in shown for shown in listed.values()), listed
    assert t("feedback.internal", name="e-Office Dinkes") in texts(at)  # says why it has no ratings
    assert t("services.none") not in texts(at)


def test_the_incidents_an_update_can_be_about_are_its_services_own_and_scoped(store, city, admin, operator_a,
                                                                              operator_b):
    from core.services import voice

    dinkes = city.units["DINKES"]
    target = add_target(store, admin, dinkes, name="antrian", kind="ping")
    elsewhere = add_target(store, admin, dinkes, name="lain", kind="ping")
    now = datetime.now(JAKARTA)
    with session_scope(store.engine) as s:
        service = register.save_service(session=s, viewer=admin, data=service_data(dinkes, [target])).id
        s.execute(insert(Incident), [
            dict(target_id=target, unit_id=dinkes, started_at=now - timedelta(minutes=30), ended_at=None, reason=""),
            dict(target_id=target, unit_id=dinkes, started_at=now - timedelta(days=3),
                 ended_at=now - timedelta(days=3) + timedelta(hours=1), reason=""),
            dict(target_id=target, unit_id=dinkes, started_at=now - timedelta(days=30),  # before the page's 14 days
                 ended_at=now - timedelta(days=30) + timedelta(hours=1), reason=""),
            dict(target_id=elsewhere, unit_id=dinkes, started_at=now - timedelta(minutes=5), ended_at=None, reason="")])
    with session_scope(store.engine) as s:
        found = voice.service_incidents(session=s, viewer=operator_b, service_id=service)
        assert [(name, i.ended_at is None) for i, name in found] == [("antrian", True), ("antrian", False)]
        with pytest.raises(NotFound):
            voice.service_incidents(session=s, viewer=operator_a, service_id=service)
