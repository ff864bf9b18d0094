"""The monthly SLA review on a month built by hand: its figures are the ones its sources give, its recommendations
carry their figures, open follow-up actions are carried into the next month, an operator reads only its own unit,
and the report reads back the same (openpyxl, pypdfium2) with an action's text never run as a formula."""

import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from core.errors import NotFound, PermissionDenied, ValidationError
from core.monitoring import response
from core.review import actions, report
from core.review.review import month_bounds, monthly_review
from core.services import register, sla
from core.tickets import complaints, tickets
from db.engine import session_scope
from db.evaluation import Evidence
from db.monitoring import Incident, RollupHour, Target
from db.tickets import ReviewAction, Ticket
from tests.evaluation import new_period
from tests.monitoring import JAKARTA, add_target

NOVEMBER = date(2026, 11, 1)
AFTER = datetime(2026, 12, 1, 10, 0, tzinfo=JAKARTA)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=JAKARTA)


def service(unit_id: int, target_ids: list[int], name: str, **extra) -> dict:
    return {"unit_id": unit_id, "name": name, "group": "Layanan", "audience": "public", "target_ids": target_ids,
            "days": list(range(7)), "start_minute": 0, "end_minute": 1440, "holidays_off": False,
            "sla_availability": 99.9, "sla_p95_ms": None, **extra}


def hours(target_id: int, down: set[datetime]) -> list[dict]:
    rows, hour = [], datetime(2026, 11, 1, tzinfo=JAKARTA)
    while hour < datetime(2026, 12, 1, tzinfo=JAKARTA):
        row = dict(target_id=target_id, bucket=hour, up_s=3600, checks=60, latency_n=60, latency_sum_ms=6000.0)
        if hour in down:
            row.update(up_s=0, down_s=3600, latency_n=0, latency_sum_ms=0.0)
        rows.append(row)
        hour += timedelta(hours=1)
    return rows


def ticket(n: int, unit_id: int, created: datetime, answered_after_h: float, **extra) -> Ticket:
    fields = {"source": "unit", "category": "jaringan", "description": "Jaringan putus", "state": "selesai", **extra}
    return Ticket(code=f"T{n:09d}", unit_id=unit_id, created_at=created,
                  first_response_at=created + timedelta(hours=answered_after_h),
                  resolved_at=created + timedelta(hours=24), **fields)


@pytest.fixture
def month(store, city, admin):
    """November 2026. Dinkes: a router down five times for power (two acknowledged in 10 min, three in 60), its
    web service down twice for the ISP (99,72 % against 99,9 %), five reports (two answered in time), two
    complaints (one in time). Klojen: one outage nobody gave a cause, one report answered in time."""
    dinkes, klojen = city.units["DINKES"], city.units["KEC-KLOJEN"]
    router = add_target(store, admin, dinkes, name="dinkes-router", kind="ping")
    web = add_target(store, admin, dinkes, name="dinkes-web", kind="ping")
    kweb = add_target(store, admin, klojen, name="klojen-web", kind="ping")
    with session_scope(store.engine) as s:
        s.execute(update(Target).values(created_at=datetime(2026, 10, 1, tzinfo=JAKARTA)))
        s.execute(insert(RollupHour), hours(web, {local(12, 10), local(13, 10)}) + hours(kweb, set()))
        for i, day in enumerate((3, 4, 5, 6, 9)):
            s.add(Incident(target_id=router, unit_id=dinkes, started_at=local(day, 10), ended_at=local(day, 11),
                           acknowledged_at=local(day, 10, 10 if i < 2 else 0) + timedelta(minutes=0 if i < 2 else 60),
                           cause="listrik"))
        for day in (12, 13):
            s.add(Incident(target_id=web, unit_id=dinkes, started_at=local(day, 10), ended_at=local(day, 11),
                           cause="isp_jaringan"))
        s.add(Incident(target_id=kweb, unit_id=klojen, started_at=local(20, 10), ended_at=local(20, 10, 30)))
        s.add(Incident(target_id=router, unit_id=dinkes, started_at=datetime(2026, 10, 30, 10, tzinfo=JAKARTA),
                       ended_at=datetime(2026, 10, 30, 11, tzinfo=JAKARTA), cause="listrik"))  # October: not counted
        antrean = register.save_service(session=s, viewer=admin, data=service(dinkes, [web], "Antrean Dinkes",
                                                                              sla_response_h=4)).id
        register.save_service(session=s, viewer=admin, data=service(klojen, [kweb], "Web Klojen"))
        for n, after in enumerate((1, 1, 10, 10, 10)):
            s.add(ticket(n, dinkes, local(2 + n, 9), after))
        s.add(ticket(10, klojen, local(2, 9), 1))
        s.add(ticket(20, dinkes, local(15, 9), 1, source="citizen", moderation="accepted", service_id=antrean))
        s.add(ticket(21, dinkes, local(16, 9), 6, source="citizen", moderation="accepted", service_id=antrean))
        s.add(ticket(22, dinkes, datetime(2026, 10, 2, 9, tzinfo=JAKARTA), 30))  # October: not counted
    return {"dinkes": dinkes, "klojen": klojen, "antrean": antrean}


def review_of(store, viewer, unit_id=None, lang="id", when=NOVEMBER):
    with session_scope(store.engine) as s:
        return monthly_review(session=s, viewer=viewer, month=when, unit_id=unit_id, zone=JAKARTA, lang=lang, now=AFTER)


@pytest.mark.parametrize("who", ["admin", "pimpinan", "op_b"])
def test_the_review_figures_are_the_figures_of_the_sources_it_reads(store, city, month, who):
    viewer = city.viewers[who]
    unit_id = month["dinkes"] if who == "op_b" else None
    review = review_of(store, viewer, unit_id)
    start, end = month_bounds(NOVEMBER, JAKARTA, AFTER)
    with session_scope(store.engine) as s:
        services = [x for x in register.list_services(session=s, viewer=viewer)]
        measured = sla.measure_many(s, services, [NOVEMBER], JAKARTA, AFTER)
        expected = {x.id: (measured[(x.id, NOVEMBER)].percent, sla.Compliance(x, measured[(x.id, NOVEMBER)]).met)
                    for x in services}
        lines = [ln for ln in tickets.list_tickets(session=s, viewer=viewer, zone=JAKARTA, now=AFTER)
                 if start <= ln.ticket.created_at < end]
        answered = complaints.response_compliance(s, services, [NOVEMBER], JAKARTA, AFTER)
        times = response.summary(session=s, viewer=viewer, start=start, end=end)
    assert {x.service_id: (x.percent, x.met) for x in review.services} == expected
    in_time = sum(1 for ln in lines if not ln.clocks.response.breached and ln.clocks.response.done_at)
    late = sum(1 for ln in lines if ln.clocks.response.breached)
    assert (review.ticket_response.met, review.ticket_response.missed) == (in_time, late)
    assert (review.complaints.met, review.complaints.missed) == (sum(r.met for r in answered.values()),
                                                                 sum(r.missed for r in answered.values()))
    assert review.times == times
    # And by hand: Dinkes's five reports (two in time) and two complaints (one in time, target 4 h).
    if who == "op_b":
        assert (review.ticket_response.met, review.ticket_response.missed) == (3, 4)
        assert (review.ticket_resolution.met, review.ticket_resolution.missed) == (7, 0)
        assert (review.complaints.met, review.complaints.missed) == (1, 1)
        assert (review.times.incidents, review.times.acknowledged) == (7, 5)
        assert review.times.mtta_min == pytest.approx((10 + 10 + 60 + 60 + 60) / 5)
        assert review.times.mttr_min == pytest.approx(60)
        [web] = review.services
        assert web.percent == pytest.approx(100 * (720 - 2) / 720) and web.met is False and web.breaches == 2


def test_downtime_by_cause_and_the_obstacles_of_the_city(store, admin, month):
    review = review_of(store, admin)
    assert [(c.cause, c.incidents, c.down_s) for c in review.causes] == [
        ("listrik", 5, 5 * 3600), ("isp_jaringan", 2, 2 * 3600), ("", 1, 1800)]
    assert [(o.kind, o.label, o.incidents) for o in review.obstacles] == [
        ("cause", "Listrik", 5), ("cause", "ISP/jaringan", 2), ("cause", "belum diisi", 1),
        ("repeat", "Dinkes · dinkes-router", 5)]


def test_recommendations_name_the_figures_that_triggered_them(store, admin, month):
    review = review_of(store, admin)
    by_rule = {r.rule: r for r in review.recommendations}
    assert list(by_rule) == ["cause_share", "repeat", "sla_missed", "ticket_response", "cause_unset", "mtta"]
    assert by_rule["cause_share"].text == "5 dari 7 gangguan Dinkes karena listrik: pertimbangkan UPS atau genset."
    assert by_rule["cause_share"].figures == {"n": 5, "total": 7, "unit": "Dinkes"}
    assert by_rule["repeat"].figures == {"n": 5, "target": "dinkes-router", "unit": "Dinkes"}
    assert by_rule["ticket_response"].figures["met"] == 4 and by_rule["ticket_response"].figures["decided"] == 8
    assert "4 dari 8 laporan" in by_rule["ticket_response"].text and "50,0 %" in by_rule["ticket_response"].text
    assert by_rule["cause_unset"].figures == {"n": 1, "total": 8}
    assert by_rule["mtta"].figures["minutes"] == 40 and by_rule["mtta"].figures["n"] == 5
    assert "99,72 %" in by_rule["sla_missed"].text and "99,90 %" in by_rule["sla_missed"].text
    english = {r.rule: r.text for r in review_of(store, admin, lang="en").recommendations}
    assert english["cause_share"] == "5 of 7 incidents of Dinkes were power: consider a UPS or a generator."


def test_a_quiet_unit_gets_no_recommendation_but_its_missing_cause(store, operator_a, month):
    review = review_of(store, operator_a, month["klojen"])
    assert [r.rule for r in review.recommendations] == ["cause_unset"]
    assert [x.name for x in review.services] == ["Web Klojen"] and review.services[0].met is True


def test_open_actions_are_carried_into_the_next_months_review_until_done(store, admin, operator_b, month):
    dinkes = month["dinkes"]
    with session_scope(store.engine) as s:
        ups = actions.create_action(session=s, viewer=admin, month=date(2026, 10, 1), unit_id=dinkes,
                                    text="Pasang UPS di ruang server Dinkes", owner="Tim infrastruktur",
                                    due=date(2026, 11, 30))
        done = actions.create_action(session=s, viewer=admin, month=date(2026, 10, 1), unit_id=None,
                                     text="Perbarui jadwal piket")
        actions.set_action_state(session=s, viewer=admin, action_id=done, state="selesai")
        new = actions.create_action(session=s, viewer=admin, month=NOVEMBER, unit_id=dinkes, text="Ganti router")
    with session_scope(store.engine) as s:
        november = actions.list_actions(session=s, viewer=admin, month=NOVEMBER)
        october = actions.list_actions(session=s, viewer=admin, month=date(2026, 10, 1))
    assert [(a.action.id, a.carried) for a in november] == [(ups, True), (new, False)]
    assert [(a.action.id, a.carried) for a in october] == [(ups, False), (done, False)]
    with session_scope(store.engine) as s:  # the unit's operator reports it done
        actions.set_action_state(session=s, viewer=operator_b, action_id=ups, state="selesai")
    with session_scope(store.engine) as s:
        assert [a.action.id for a in actions.list_actions(session=s, viewer=admin, month=NOVEMBER)] == [new]
        assert [a.action.id for a in actions.list_actions(session=s, viewer=admin, month=date(2026, 12, 1))] == [new]


def test_only_kominfo_writes_actions_and_an_operator_only_marks_its_own_units(store, city, admin, operator_a,
                                                                             operator_b, pimpinan, month):
    with session_scope(store.engine) as s:
        theirs = actions.create_action(session=s, viewer=admin, month=NOVEMBER, unit_id=month["dinkes"], text="UPS")
        city_wide = actions.create_action(session=s, viewer=admin, month=NOVEMBER, unit_id=None, text="Piket")
        with pytest.raises(ValidationError):
            actions.create_action(session=s, viewer=admin, month=NOVEMBER, unit_id=None, text="a\x00bcd")
    for viewer in (operator_a, operator_b, pimpinan):
        with session_scope(store.engine) as s, pytest.raises(PermissionDenied):
            actions.create_action(session=s, viewer=viewer, month=NOVEMBER, unit_id=viewer.unit_id, text="Sendiri")
        with session_scope(store.engine) as s, pytest.raises(PermissionDenied):
            actions.update_action(session=s, viewer=viewer, action_id=theirs, text="x" * 5, owner="", due=None,
                                  state="batal")
    with session_scope(store.engine) as s, pytest.raises(NotFound):  # another unit's: not even found
        actions.set_action_state(session=s, viewer=operator_a, action_id=theirs, state="selesai")
    with session_scope(store.engine) as s, pytest.raises(NotFound):  # the city's own: Kominfo's
        actions.set_action_state(session=s, viewer=operator_b, action_id=city_wide, state="selesai")
    with session_scope(store.engine) as s, pytest.raises(PermissionDenied):
        actions.set_action_state(session=s, viewer=pimpinan, action_id=theirs, state="selesai")
    with session_scope(store.engine) as s:
        assert s.get(ReviewAction, theirs).state == "terbuka"
        assert actions.list_actions(session=s, viewer=operator_a, month=NOVEMBER, unit_id=month["klojen"]) == []


def test_an_operator_never_reads_another_units_review_or_the_citys(store, operator_a, month):
    with session_scope(store.engine) as s:
        with pytest.raises(NotFound):
            monthly_review(session=s, viewer=operator_a, month=NOVEMBER, unit_id=month["dinkes"], zone=JAKARTA)
        with pytest.raises(PermissionDenied):
            monthly_review(session=s, viewer=operator_a, month=NOVEMBER, zone=JAKARTA)
        with pytest.raises(NotFound):
            actions.list_actions(session=s, viewer=operator_a, month=NOVEMBER, unit_id=month["dinkes"])
        with pytest.raises(NotFound):
            report.review_report(session=s, viewer=operator_a, month=NOVEMBER, unit_id=month["dinkes"], fmt="xlsx",
                                 lang="id", zone=JAKARTA, org_name="Kota Uji")
    review = review_of(store, operator_a, month["klojen"])
    assert {x.unit for x in review.services} == {"Kec. Klojen"}
    assert review.ticket_response.decided == 1 and review.complaints.decided == 0
    assert "Dinkes" not in " ".join(o.label for o in review.obstacles)


def _report(store, viewer, fmt, unit_id=None):
    with session_scope(store.engine) as s:
        return report.review_report(session=s, viewer=viewer, month=NOVEMBER, unit_id=unit_id, fmt=fmt, lang="id",
                                    zone=JAKARTA, org_name="Kota Uji", now=AFTER)[1]


def test_the_workbook_reads_back_the_figures_and_keeps_a_formula_like_action_as_text(store, admin, month):
    from openpyxl import load_workbook

    with session_scope(store.engine) as s:
        actions.create_action(session=s, viewer=admin, month=NOVEMBER, unit_id=None, text='=HYPERLINK("http://x","y")',
                              owner="+62 811")
    book = load_workbook(io.BytesIO(_report(store, admin, "xlsx")))
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True) if row[0]}
    review = review_of(store, admin)
    for label, value, detail in report.figures(review, "id"):
        assert summary[label] == report.figure_text(value, detail)
    sheets = {ws.title.split(". ", 1)[1]: ws for ws in book.worksheets[1:]}
    rows = [list(r) for r in sheets["Tindak lanjut"].iter_rows(min_row=2, values_only=True)]
    assert rows[0][0] == '=HYPERLINK("http://x","y")' and rows[0][2] == "+62 811"
    cell = sheets["Tindak lanjut"]["A2"]
    assert cell.data_type == "s" and cell.quotePrefix
    services = [list(r) for r in sheets["Kepatuhan SLA per layanan"].iter_rows(min_row=2, values_only=True)]
    assert services == [[str(v) if isinstance(v, str) else v for v in row] for row in report.service_rows(review, "id")]
    recommendations = [r[1] for r in sheets["Rekomendasi"].iter_rows(min_row=2, values_only=True)]
    assert recommendations == [r.text for r in review.recommendations]


def test_the_pdf_reads_back_the_recommendations_and_the_actions(store, admin, month):
    import pypdfium2

    with session_scope(store.engine) as s:
        actions.create_action(session=s, viewer=admin, month=NOVEMBER, unit_id=month["dinkes"], text="Pasang UPS",
                              owner="Tim infrastruktur", due=date(2026, 11, 27))
    pdf = pypdfium2.PdfDocument(_report(store, admin, "pdf"))
    content = " ".join(" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    assert "Laporan Tinjauan SLA Nov 2026" in content
    assert "5 dari 7 gangguan Dinkes karena listrik" in content
    assert "Pasang UPS" in content and "27 Nov 2026" in content and "Tim infrastruktur" in content
    assert "50,0 % (4 dari 8)" in content


def test_the_review_is_attached_in_one_click_as_evidence_for_indicator_19(store, admin, operator_a, month):
    with session_scope(store.engine) as s, pytest.raises(NotFound):  # no Pemdi period running yet
        report.attach_review(session=s, viewer=admin, month=NOVEMBER, unit_id=None, fmt="pdf", lang="id",
                             zone=JAKARTA, org_name="Kota Uji")
    new_period(store, admin, 2026, "pemdi-2026")
    with session_scope(store.engine) as s:
        name = report.attach_review(session=s, viewer=admin, month=NOVEMBER, unit_id=None, fmt="pdf", lang="id",
                                    zone=JAKARTA, org_name="Kota Uji")
    with session_scope(store.engine) as s:
        kept = s.scalars(select(Evidence)).all()
        assert [(e.indicator, e.filename) for e in kept] == [(19, name)] and name == "tinjauan-sla-2026-11.pdf"
        with pytest.raises(PermissionDenied):  # the city's review is Kominfo's to attach
            report.attach_review(session=s, viewer=operator_a, month=NOVEMBER, unit_id=None, fmt="pdf", lang="id",
                                 zone=JAKARTA, org_name="Kota Uji")
