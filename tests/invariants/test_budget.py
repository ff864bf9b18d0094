"""Budget invariants on the demo city: a saving is an estimate beside the value involved and never more than
it, nor the value more than what was asked; requested, funded and flagged are each one figure on Kebutuhan
TIK, Cek Anggaran Ganda, Skenario Anggaran and in the RKA workbook, for every year of the demo and every
viewer who sees both sides (admin, pimpinan, and the operators of a kecamatan and of Setda). Figures are read
through the core functions the pages call and, where a page formats them, off the page (AppTest)."""

import io
from collections import Counter
from dataclasses import replace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core import formatting
from core.config import Settings
from core.i18n import t
from core.needs import budget, checks, rka, workflow
from db.needs import Need
from tests.apptest import assert_clean, open_page, shown
from tests.invariants.conftest import JAKARTA

VIEWERS = ("admin", "pimpinan", "klojen", "setda")
ORG = Settings.model_fields["org_name"].default  # the organisation the pages check against, as they read it
LANG = "id"


def _years(city, username: str) -> list[int]:
    with city.session() as s:
        return workflow.years(session=s, viewer=city.viewer(username))


def _asked(city, username: str, year: int, statuses: tuple[str, ...]) -> tuple[int, int]:
    """Needs and Rupiah in those statuses as Kebutuhan TIK counts them (its own function, the viewer's scope)."""
    with city.session() as s:
        counts = [c for c in workflow.status_counts(session=s, viewer=city.viewer(username), fiscal_year=year)
                  if c.status in statuses]
    return sum(c.needs for c in counts), sum(c.total for c in counts)


def _find(city, username: str, year: int, statuses: tuple[str, ...] = checks.CHECKED) -> list[checks.Finding]:
    with city.session() as s:
        return checks.find(session=s, viewer=city.viewer(username), fiscal_year=year, org_name=ORG,
                           statuses=statuses)


def _scenarios(city, username: str, year: int) -> list[tuple[int | None, budget.Params]]:
    """The year's saved scenarios (every one for admin, the first for the others, as their page opens on it),
    and for admin the first again with the needs not yet reviewed included (rules not saved)."""
    with city.session() as s:
        saved = budget.scenarios(session=s, viewer=city.viewer(username), fiscal_year=year)
    chosen = [(row.id, budget.Params.from_json(row.params)) for row in saved]
    if username != "admin":
        return chosen[:1]
    if chosen:
        chosen.append((None, replace(chosen[0][1], with_submitted=True)))
    return chosen


def _money(value: int) -> str:
    return formatting.rupiah(value, LANG)


@pytest.mark.parametrize("username", VIEWERS)
def test_a_saving_is_at_most_its_value_involved_and_that_value_at_most_the_requested(demo_city, username):
    """Savings ≤ value involved ≤ requested: per need of each finding (whose value is the need's own volume
    × unit price), per group and in the headline, where the requested is what Kebutuhan TIK counts for the
    statuses checked."""
    seen = 0
    for year in _years(demo_city, username):
        found = _find(demo_city, username, year)
        seen += len(found)
        with demo_city.session() as s:
            worth = {n.id: n.quantity * n.unit_price for n in s.scalars(select(Need).where(Need.fiscal_year == year))}
        for f in found:
            assert set(f.values) == set(f.savings) == set(f.need_ids), (f.kind, f.item)
            for need_id, value in f.values.items():
                assert value == worth[need_id], (f.kind, f.item)
                assert 0 <= f.savings[need_id] <= value, (f.kind, f.item, need_id)
        _needs, asked = _asked(demo_city, username, year, checks.CHECKED)
        for group, figures in checks.totals(found).items():
            assert 0 <= figures["saving"] <= figures["value"] <= asked, (username, year, group, figures, asked)
    assert seen  # the demo plants findings for every viewer here: the rule is exercised


@pytest.mark.parametrize("username", VIEWERS)
def test_a_need_in_two_findings_counts_once_in_the_headline_with_its_largest_saving(demo_city, username):
    """The headline counts each need once: its value once, and of its findings' savings the largest (a PC
    with a spare kept that also replaces a young device and is bought jointly is one PC, not three)."""
    twice = 0
    for year in _years(demo_city, username):
        found = _find(demo_city, username, year)
        seen = Counter(i for f in found for i in f.need_ids)
        twice += sum(1 for n in seen.values() if n > 1)
        best = {i: max(f.savings[i] for f in found if i in f.savings) for i in seen}
        value = {i: next(f.values[i] for f in found if i in f.values) for i in seen}
        assert checks.totals(found)["all"] == {"findings": len(found), "needs": len(seen),
                                               "value": sum(value.values()), "saving": sum(best.values())}
    assert twice  # needs in two findings exist for this viewer: the rule is exercised


def _summary(book) -> dict[str, object]:
    return {row[0]: row[1] for row in book[t("rka.sheet.summary", LANG)].iter_rows(values_only=True) if row[0]}


def _grand_total(sheet) -> int:
    [total] = [row[7] for row in sheet.iter_rows(values_only=True) if row[2] == t("rka.total", LANG)]
    return total


@pytest.mark.parametrize("username", VIEWERS)
def test_requested_funded_and_flagged_are_one_figure_for_the_budget_and_in_the_rka_workbook(demo_city, username):
    """For each scenario: the requested total is Kebutuhan TIK's for the statuses the scenario weighs; funded is
    the units' sum and the RKA annex's grand total; flagged is what Cek Anggaran Ganda finds in those statuses;
    the RKA workbook's summary says the same three (and savings ≤ value flagged ≤ requested)."""
    viewer = demo_city.viewer(username)
    for year in _years(demo_city, username):
        loaded, flags = {}, {}  # per "with submitted": the needs weighed (as the page keeps them) and the findings
        for scenario_id, params in _scenarios(demo_city, username, year):
            statuses = budget.statuses(params.with_submitted)
            with demo_city.session() as s:
                if params.with_submitted not in loaded:
                    loaded[params.with_submitted] = budget.load_base(s, year, JAKARTA, ORG, params.with_submitted)
                    flags[params.with_submitted] = checks.total(_find(demo_city, username, year, statuses))
                base = loaded[params.with_submitted]
                result = budget.outcome(session=s, viewer=viewer, fiscal_year=year, params=params, zone=JAKARTA,
                                        org_name=ORG, base=base)
                # The workbook of the scenario the page opens on, and of the one weighing the submitted needs too
                # (a workbook of the city takes seconds to write; the others share its code and its outcome).
                exported = params.with_submitted or scenario_id == _scenarios(demo_city, username, year)[0][0]
                data = rka.export(session=s, viewer=viewer, fiscal_year=year, params=params, scenario_id=scenario_id,
                                  zone=JAKARTA, org_name=ORG, lang=LANG, base=base) if exported else None
            where = (username, year, scenario_id, params.with_submitted)
            needs, asked = _asked(demo_city, username, year, statuses)
            assert (len(result.rows), result.requested) == (needs, asked), where
            assert result.requested == sum(u.requested for u in result.units), where
            assert result.funded == sum(u.funded for u in result.units) == sum(r["cost"] for r in result.rows
                                                                               if r["funded"]), where
            flagged = flags[params.with_submitted]
            assert flagged["saving"] <= flagged["value"] <= result.requested, where
            if data is None:
                continue
            book = load_workbook(io.BytesIO(data))
            summary = _summary(book)
            assert summary[t("budget.requested", LANG)] == result.requested, where
            assert summary[t("budget.requested_cost", LANG)] == result.requested_cost, where
            assert summary[t("budget.funded", LANG)] == result.funded, where
            assert _grand_total(book[t("rka.sheet.funded", LANG)]) == result.funded, where
            assert _grand_total(book[t("rka.sheet.unfunded", LANG)]) == result.requested_cost - result.funded, where
            assert (summary[t("rka.flagged_needs", LANG)], summary[t("rka.flagged_value", LANG)],
                    summary[t("rka.flagged_saving", LANG)]) == (flagged["needs"], flagged["value"],
                                                               flagged["saving"]), where


# The pages themselves --------------------------------------------------------------------------------------

@pytest.fixture
def pages(demo_env):
    """The app on the demo city, for AppTest."""
    return demo_env


def _on_year(username: str, key: str, year_key: str, year: int):
    at = open_page(username, key)
    if at.selectbox(key=year_key).value != year:
        at.selectbox(key=year_key).set_value(year).run()
    assert_clean(at)
    return at


def _metrics(at) -> dict[str, object]:
    return {m.label: m for m in at.metric}


@pytest.mark.only_store("sqlite")  # a page read off AppTest: the views, on one store
@pytest.mark.parametrize("username", VIEWERS)
def test_every_page_shows_the_same_requested_and_flagged_figures(pages, username):
    """Read off the pages: Kebutuhan TIK's status totals; Cek Anggaran Ganda's needs checked (equal to Kebutuhan
    TIK's for the statuses chosen), value involved and estimated saving (saving ≤ value ≤ checked); checking
    only the approved reads the requested total and the flagged figures Skenario Anggaran shows."""
    for year in _years(pages, username):
        needs_page = _on_year(username, "needs", "needs_year", year)
        shown_status = {m.label: (m.value, m.delta) for m in needs_page.metric}
        with pages.session() as s:
            counts = workflow.status_counts(session=s, viewer=pages.viewer(username), fiscal_year=year)
        for count in counts:
            assert shown_status[t(f"need_status.{count.status}", LANG)] == (
                formatting.number(count.needs, 0, LANG), _money(count.total)), (username, year, count.status)

        checks_page = _on_year(username, "need_checks", "checks_year", year)
        for statuses in (checks.CHECKED, budget.statuses(False)):
            if checks_page.multiselect(key="checks_statuses").value != list(statuses):
                checks_page.multiselect(key="checks_statuses").set_value(list(statuses)).run()
            heads = _metrics(checks_page)
            sums = checks.totals(_find(pages, username, year, statuses))["all"]
            _needs, asked = _asked(pages, username, year, statuses)
            where = (username, year, statuses)
            assert heads[t("checks.checked", LANG)].value == _money(asked), where
            assert heads[t("checks.involved", LANG)].value == _money(sums["value"]), where
            assert heads[t("checks.saving", LANG)].value == _money(sums["saving"]), where
            assert sums["saving"] <= sums["value"] <= asked, where

        budget_page = _on_year(username, "budget", "budget_year", year)
        heads = _metrics(budget_page)
        if not _scenarios(pages, username, year):
            continue  # an operator's page says no scenario is saved for the year
        scenario_id, params = _scenarios(pages, username, year)[0]
        with pages.session() as s:
            result = budget.outcome(session=s, viewer=pages.viewer(username), fiscal_year=year, params=params,
                                    zone=JAKARTA, org_name=ORG)
        requested = heads[t("budget.requested", LANG)]
        assert requested.value == formatting.rupiah_short(result.requested, LANG), (username, year)
        assert requested.proto.help.endswith(_money(result.requested)), (username, year)
        assert result.requested == _asked(pages, username, year, budget.statuses(params.with_submitted))[1]
        funded = heads[t("budget.funded", LANG)]
        assert funded.value == formatting.rupiah_short(result.funded, LANG), (username, year)
        flagged = checks.totals(_find(pages, username, year, budget.statuses(params.with_submitted)))["all"]
        said = t("budget.flagged", LANG, needs=formatting.number(flagged["needs"], 0, LANG),
                 value=_money(flagged["value"]), saving=_money(flagged["saving"]))
        assert said in [shown(c.value) for c in budget_page.caption], (username, year)


@pytest.mark.only_store("sqlite")  # a page read off AppTest: the views, on one store
@pytest.mark.parametrize("username", ("admin", "pimpinan"))
def test_the_budget_page_writes_availability_as_every_page_writes_a_percentage(pages, username):
    """The projected city availability reads like every percentage of the app (99,85 %), now and after."""
    for year in _years(pages, username):
        at = _on_year(username, "budget", "budget_year", year)
        [scenario_id, params] = _scenarios(pages, username, year)[0]
        with pages.session() as s:
            result = budget.outcome(session=s, viewer=pages.viewer(username), fiscal_year=year, params=params,
                                    zone=JAKARTA, org_name=ORG)
        shown_metric = _metrics(at)[t("budget.city_availability", LANG)]
        assert shown_metric.value == formatting.percent(result.city["availability_after"], 2, LANG)
        assert shown_metric.delta.endswith(formatting.percent(result.city["availability"], 2, LANG))


@pytest.mark.parametrize("username", ("klojen", "setda", "dinkes"))
def test_a_units_readiness_on_the_budget_page_is_the_one_kesiapan_tik_shows_for_its_period(demo_city, username):
    """Rule: "Kesiapan unit Anda" on Skenario Anggaran, before the projection, is the unit's own readiness index
    in the evaluation period the page names (the one before the fiscal year), as Kesiapan TIK shows it for that
    period (and Beranda unit for the running one) — not an average over the units under it."""
    from core.evaluation import readiness
    from db.evaluation import EvaluationPeriod

    viewer = demo_city.viewer(username)
    for year in _years(demo_city, username):
        with demo_city.session() as s:
            result = budget.outcome(session=s, viewer=viewer, fiscal_year=year, params=budget.Params(ceiling=10**12),
                                    zone=JAKARTA, org_name=ORG)
            period = s.scalar(select(EvaluationPeriod).where(EvaluationPeriod.year == result.period_year))
            (shown,) = readiness.evaluate(s, period, [viewer.unit_id], JAKARTA, ORG)
        row = next(u for u in result.units if u.unit_id == viewer.unit_id)
        assert shown.index is not None and row.readiness == pytest.approx(shown.index), (year, username)


@pytest.mark.only_store("sqlite")  # a page read off AppTest: the views, on one store
def test_the_budget_page_shows_the_units_own_readiness(demo_env):
    """Rule, as the page shows it: Skenario Anggaran's "Kesiapan unit Anda" starts from the unit's own index."""
    viewer = demo_env.viewer("klojen")
    at = open_page("klojen", "budget")
    assert_clean(at)
    year = at.selectbox(key="budget_year").value if any(s.key == "budget_year" for s in at.selectbox) else None
    with demo_env.session() as s:
        years = workflow.years(session=s, viewer=viewer)
        result = budget.outcome(session=s, viewer=viewer, fiscal_year=year or years[-1],
                                params=budget.Params(ceiling=10**12), zone=JAKARTA, org_name=ORG)
    row = next(u for u in result.units if u.unit_id == viewer.unit_id)
    card = next(m for m in at.metric if str(m.label).startswith(t("budget.own_readiness", LANG)))
    assert f"{formatting.number(row.readiness, 2, LANG)}" in str(card.delta)
