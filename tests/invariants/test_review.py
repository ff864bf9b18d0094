"""Invariants of the monthly SLA review on the demo city: it covers the services the viewer's other SLA pages
show, last month's open actions are carried into this month's review, and the page, the PDF and the workbook
show the figures core gives."""

import io
from datetime import timedelta

import pypdfium2
import pytest
from openpyxl import load_workbook

from core.review import actions, report
from core.review.review import monthly_review
from core.services import register, sla
from db.types import utcnow
from tests.invariants.conftest import JAKARTA

# Leadership and admin review the city; an operator reviews its own unit (with the units under it).
VIEWERS = ("admin", "pimpinan", "dinkes", "klojen", "setda")


def _months():
    this = sla.month_start(utcnow().astimezone(JAKARTA).date())
    return this, sla.month_start(this - timedelta(days=1))


def _unit(viewer):
    return None if viewer.role.value in ("admin", "pimpinan") else viewer.unit_id


@pytest.mark.parametrize("username", VIEWERS)
def test_the_review_covers_the_services_the_viewers_sla_pages_show(demo_city, username):
    """Rule: one scope rule for services — the review of the viewer's city or unit lists exactly the services
    SLA Layanan offers them, with the month's compliance sla.city_month gives."""
    viewer = demo_city.viewer(username)
    this, _ = _months()
    with demo_city.session() as s:
        review = monthly_review(session=s, viewer=viewer, month=this, unit_id=_unit(viewer), zone=JAKARTA)
        listed = sorted(x.id for x in register.list_services(session=s, viewer=viewer))
    assert sorted(x.service_id for x in review.services) == listed
    # The compliance verdicts are sla's: the same month read through the city's view.
    with demo_city.session() as s:
        verdicts = {c.service.id: c.met for c in sla.city_month(session=s, viewer=viewer, month=this, zone=JAKARTA)}
    assert {x.service_id: x.met for x in review.services} == verdicts


def test_last_months_open_actions_are_carried_into_this_months_review(demo_city):
    """Rule: an action stays on every later month's review while it is open, marked as carried."""
    admin = demo_city.viewer("admin")
    this, last = _months()
    with demo_city.session() as s:
        before = actions.list_actions(session=s, viewer=admin, month=last)
        now = actions.list_actions(session=s, viewer=admin, month=this)
    still_open = {a.action.id for a in before if a.action.state == "terbuka"}
    assert still_open and len(still_open) < len(before), "the demo has done and open actions last month"
    assert {a.action.id for a in now if a.carried} == still_open
    assert any(not a.carried for a in now), "and one agreed this month"


def _figures(demo_city, username, month):
    viewer = demo_city.viewer(username)
    with demo_city.session() as s:
        review = monthly_review(session=s, viewer=viewer, month=month, unit_id=_unit(viewer), zone=JAKARTA)
        files = {fmt: report.review_report(session=s, viewer=viewer, month=month, unit_id=_unit(viewer), fmt=fmt,
                                           lang="id", zone=JAKARTA, org_name="Pemerintah Kota Malang")[1]
                 for fmt in ("pdf", "xlsx")}
    return review, report.figures(review, "id"), files


@pytest.mark.parametrize("username", ("admin", "dinkes"))
def test_the_pdf_and_the_workbook_show_the_figures_core_gives(demo_city, username):
    """Rule: one set of figures — the report's headline figures, services and recommendations are core's."""
    this, _ = _months()
    review, heads, files = _figures(demo_city, username, this)
    book = load_workbook(io.BytesIO(files["xlsx"]))
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True) if row[0]}
    assert {label: summary[label] for label, _v, _d in heads} == {label: report.figure_text(value, detail)
                                                                  for label, value, detail in heads}
    pdf = pypdfium2.PdfDocument(files["pdf"])
    content = " ".join(" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    for label, value, detail in heads:
        assert f"{label}: {report.figure_text(value, detail)}" in content
    for r in review.recommendations:
        assert " ".join(r.text.split())[:40] in content


@pytest.mark.only_store("sqlite")  # a page read off AppTest: the views, on one store
@pytest.mark.parametrize("username", ("admin", "pimpinan", "dinkes"))
def test_the_page_shows_the_figures_core_gives(demo_city, demo_env, username):
    """Rule: one set of figures — Tinjauan SLA's headline metrics and recommendations are core's for the month."""
    from tests.apptest import assert_clean, open_page, texts

    _, last = _months()  # the page opens on last month's review
    review, heads, _files = _figures(demo_city, username, last)
    at = open_page(username, "review")
    assert_clean(at)
    assert [(m.label, m.value, m.delta or "") for m in at.metric] == heads
    if review.services:  # the first table is the report's services sheet, row for row
        shown = at.dataframe[0].value
        assert shown.astype(str).values.tolist() == [[str(v) for v in row] for row in report.service_rows(review, "id")]
    page = texts(at)
    for r in review.recommendations:
        assert r.text.split(":")[0].split("(")[0].strip()[:30] in page
