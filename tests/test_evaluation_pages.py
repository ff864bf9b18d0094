"""The evaluation pages through AppTest, on a city with two assessed periods: what each role sees and does."""


import pytest
from sqlalchemy import select

from core.evaluation import assessment, readiness
from db.engine import session_scope
from db.evaluation import EvaluationPeriod
from db.models import Unit
from tests.apptest import assert_clean, frames, open_page, texts
from tests.conftest import CITY, UNIT_A
from tests.evaluation import evaluated_city, new_period

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
EVALUATION_PAGES = {"overview": ["admin", "pimpinan", "op_a"], "assessment": ["admin", "pimpinan", "op_a"],
                    "readiness": ["admin", "pimpinan", "op_b"], "admin_evaluation": ["admin"]}


@pytest.fixture
def periods(env, store, city, admin):
    return evaluated_city(store, city, admin)


@pytest.mark.parametrize(("key", "username"), [(k, u) for k, users in EVALUATION_PAGES.items() for u in users])
def test_evaluation_pages_render_with_data_for_each_role(periods, key, username):
    at = open_page(username, key)
    assert_clean(at)
    assert at.title


def test_overview_ranks_every_unit_for_pimpinan_and_shows_an_operator_only_their_own(periods, city):
    everyone = open_page("pimpinan", "overview")
    mine = open_page("op_a", "overview")
    assert_clean(everyone)
    assert_clean(mine)
    own = {row.code for row in CITY if row.code == UNIT_A or row.parent_code == UNIT_A}
    for row in CITY:
        assert row.short_name in frames(everyone)  # the ranking names units as its chart does
        shown = frames(mine) + texts(mine)
        if row.code in own:
            assert row.short_name in shown
        else:
            assert row.name not in shown and row.short_name not in shown
    assert "Indeks SPBE kota" in texts(mine) and "Unit Anda dibanding kota" in texts(mine)
    assert any(m.label == "Indeks SPBE kota" and m.value == "3,00" for m in everyone.metric)
    assert "Pemdi" not in texts(everyone)  # both periods of this city are on spbe-2020


def test_overview_ranks_every_unit_by_the_chosen_measure_with_a_bar_and_house_numbers(periods, city):
    """Leadership's landing draws no Vega chart (its library costs half a second on a first visit): the
    ranking is one table of every unit, best first by the measure chosen, each with a bar of that figure and
    the figure written the Indonesian way beside it."""
    at = open_page("pimpinan", "overview")
    assert not at.get("vega_lite_chart")
    ranking = next(df.value for df in at.dataframe if "Grafik 0–5" in df.value.columns)
    assert len(ranking) == len(city.units)
    ranked = ranking[ranking["Peringkat"] != "–"]
    assert list(ranked["Grafik 0–5"]) == sorted(ranked["Grafik 0–5"], reverse=True)
    assert all(f"{bar:.2f}".replace(".", ",") == shown
               for bar, shown in zip(ranked["Grafik 0–5"], ranked["Indeks SPBE"], strict=True))
    at.segmented_control(key="overview_rank_by").set_value("readiness").run()
    assert_clean(at)
    ranking = next(df.value for df in at.dataframe if "Grafik 0–5" in df.value.columns)
    bars = [v for v in ranking["Grafik 0–5"] if v == v]  # NaN: a unit without the figure, listed last
    assert bars == sorted(bars, reverse=True) and len(ranking) == len(city.units)


def problems_of(at):
    """The problem list shown under an error (row, column, problem)."""
    return next(df.value for df in at.dataframe if "Masalah" in df.value.columns)


def fill_on_page(at, period: int, unit_id: int, number: int, level: int, reason: str, links: str = "",
                 then: str = "assessment_save_next"):
    """One indicator through the page's form, as a user fills it: pick it, choose a level, explain, save."""
    at.selectbox(key=f"assessment_pick_{period}_{unit_id}").set_value(number).run()
    field = f"{period}_{unit_id}_{number}"
    at.radio(key=f"ind_level_{field}").set_value(level)
    at.text_area(key=f"ind_reason_{field}").input(reason)
    at.text_area(key=f"ind_links_{field}").input(links)
    at.button(key=then).click().run()
    assert_clean(at)
    return at


def test_operator_fills_in_and_submits_through_the_page(env, store, city, admin):
    from tests.evaluation import answers

    period = new_period(store, admin, framework="spbe-2020")
    unit = city.units[UNIT_A]
    with session_scope(store.engine) as s:  # 46 of the 47 saved already; the last one through the form
        assessment.save_answers(session=s, viewer=city.viewers["op_a"], period_id=period, unit_id=unit,
                                answers=answers(3)[:46])
    at = open_page("op_a", "assessment")
    fill_on_page(at, period, unit, 47, 4, "SK 47", "https://jdih.malangkota.go.id/a b\nhttps://x.malangkota.go.id/",
                 then="assessment_save_one")
    problems = problems_of(at)  # a link with a space: one problem, naming that line, nothing saved
    assert len(problems) == 1 and "Tautan bukti" in problems.to_csv() and "go.id/a b" in problems.to_csv()
    fill_on_page(at, period, unit, 47, 4, "SK 47", "https://jdih.malangkota.go.id/a\nhttps://x.malangkota.go.id/",
                 then="assessment_save_one")
    assert "Indikator 47 disimpan sebagai draf." in texts(at)
    at.button(key="assessment_submit").click().run()
    assert_clean(at)
    assert "Penilaian diajukan ke Kominfo." in texts(at)
    with store.session() as s:
        view = assessment.assessment_view(session=s, viewer=city.viewers["op_a"], period_id=period, unit_id=unit)
    assert view.status == "submitted" and view.answers[47].justification == "SK 47"
    assert view.answers[47].level == 4 and view.answers[47].links == ["https://jdih.malangkota.go.id/a",
                                                                      "https://x.malangkota.go.id/"]
    assert not {"assessment_save_one", "assessment_submit"} & {b.key for b in at.button}
    assert "terkunci" in texts(at)


def test_submitting_an_incomplete_assessment_names_each_missing_indicator_and_opens_it(env, store, city, admin):
    """Issue 29 (10): what blocks the submit is named indicator by indicator (number, name, what is missing),
    nothing is said about what is not missing, and each one opens in the form with a click."""
    from tests.evaluation import answers

    period = new_period(store, admin, framework="spbe-2020")
    unit = city.units[UNIT_A]
    filled = [a for a in answers(3)[:46] if a.indicator != 3] + [assessment.AnswerInput(3, 2, "")]
    with session_scope(store.engine) as s:  # 47 has no level yet, 3 a level without its justification
        assessment.save_answers(session=s, viewer=city.viewers["op_a"], period_id=period, unit_id=unit,
                                answers=filled)
    at = open_page("op_a", "assessment")
    at.button(key="assessment_submit").click().run()
    assert_clean(at)
    shown = texts(at)
    assert "Belum bisa dikirim: 2 indikator belum lengkap. Yang sudah diisi tetap tersimpan (46 dari 47)." in shown
    assert "**3. Tingkat Kematangan Kebijakan Internal Manajemen Data** — Penjelasan belum diisi." in shown
    assert "**47. Tingkat Kematangan Layanan Publik Sektor 3** — Level belum diisi." in shown
    assert "0 " not in shown.split("Belum bisa dikirim")[1].split("\n")[0] and ": –" not in shown
    assert not [df for df in at.dataframe if "Baris" in df.value.columns]  # not an import's problem table
    at.button(key="assessment_open_47").click().run()
    assert at.selectbox(key=f"assessment_pick_{period}_{unit}").value == 47
    assert "**47. Tingkat Kematangan Layanan Publik Sektor 3** — Level belum diisi." in texts(at)  # the list stays
    fill_on_page(at, period, unit, 47, 4, "SK 47", then="assessment_save_one")
    assert "Sektor 3** — " not in texts(at) and "Manajemen Data** — Penjelasan belum diisi." in texts(at)


def test_admin_verifies_with_a_corrected_level_through_the_page(periods, store, city):
    _last, current = periods
    kauman = city.units["KEL-KAUMAN"]
    with store.session() as s:
        assert assessment.assessment_view(session=s, viewer=city.viewers["admin"], period_id=current,
                                          unit_id=kauman).status == "submitted"
    at = open_page("admin", "assessment")
    at.selectbox(key="assessment_unit").set_value(kauman).run()
    at.session_state[f"assessment_verify_{current}_{kauman}"] = {
        "edited_rows": {"0": {"verified_level": 1, "verify_reason": "Belum ada SK"}}, "added_rows": [],
        "deleted_rows": []}
    at.run()
    at.button(key="assessment_verify").click().run()
    assert_clean(at)
    with store.session() as s:
        view = assessment.assessment_view(session=s, viewer=city.viewers["admin"], period_id=current, unit_id=kauman)
    assert view.status == "verified" and view.answers[1].verified_level == 1


def test_pimpinan_reads_an_assessment_but_cannot_change_it(periods, city):
    at = open_page("pimpinan", "assessment")
    assert_clean(at)
    keys = {b.key for b in at.button}
    assert not keys & {"assessment_save_one", "assessment_save_next", "assessment_submit", "assessment_verify"}
    assert not at.radio  # read, not filled


def test_admin_creates_a_period_and_saves_rules_as_a_new_version(env, store, city):
    at = open_page("admin", "admin_evaluation")
    at.number_input(key="admin_eval_year").set_value(2027)
    at.button[0].click().run()
    assert_clean(at)
    with store.session() as s:
        period = s.scalars(select(EvaluationPeriod)).one()
    assert period.year == 2027
    at = open_page("admin", "admin_evaluation")
    at.session_state[f"admin_eval_rules_{period.id}_1"] = {
        "edited_rows": {"0": {"weight": 5.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="admin_eval_rules_save").click().run()
    assert_clean(at)
    with store.session() as s:
        assert readiness.rules_for(s, period.id)["availability"]["weight"] == 5.0
        assert [v.version for v in readiness.rule_versions(session=s, viewer=city.viewers["admin"],
                                                           period_id=period.id)] == [2, 1]


def test_readiness_page_opens_a_units_inputs(periods, store, city, admin):
    with session_scope(store.engine) as s:
        s.get(Unit, city.units["DINKES"]).employees = 50
    at = open_page("op_b", "readiness")
    assert_clean(at)
    assert "Dinas Kesehatan" in texts(at) + frames(at)
    assert "Kecamatan Klojen" not in texts(at) + frames(at)
    assert "Pegawai" in frames(at) and "50" in frames(at)


def test_a_refused_submit_keeps_what_was_saved_and_says_so_in_the_users_words(env, store, city, admin):
    period = new_period(store, admin, framework="spbe-2020")
    unit = city.units[UNIT_A]
    at = open_page("op_a", "assessment")
    for n in (1, 2, 3):  # "save and next" moves on by itself
        assert at.selectbox(key=f"assessment_pick_{period}_{unit}").value == n
        fill_on_page(at, period, unit, n, 3, f"SK {n}")
    assert at.selectbox(key=f"assessment_pick_{period}_{unit}").value == 4
    at.button(key="assessment_submit").click().run()
    assert_clean(at)
    said = "\n".join(e.value for e in at.error)
    assert "tetap tersimpan (3 dari 47)" in said and "44 indikator belum lengkap" in said
    assert "Tidak ada yang disimpan" not in said
    assert {b.key for b in at.button if b.key.startswith("assessment_open_")} == {
        f"assessment_open_{n}" for n in range(4, 48)}  # each missing one named, with the way to it
    assert "None" not in texts(at)
    with store.session() as s:
        view = assessment.assessment_view(session=s, viewer=city.viewers["op_a"], period_id=period, unit_id=unit)
    assert view.status == "draft" and sorted(view.answers) == [1, 2, 3]
