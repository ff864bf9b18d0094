"""Evaluation frameworks as data: both shipped trees add up, one index function computes either, the
predicate is read from the value as shown, and the CLI prints a calculation a person can check."""

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from core import formatting
from core.evaluation import frameworks
from tests.conftest import ROOT

SPBE, PEMDI = frameworks.reference("spbe-2020"), frameworks.reference("pemdi-2026")


def test_both_shipped_frameworks_add_up_at_every_node():
    assert [i.number for i in SPBE.indicators()] == list(range(1, 48))
    assert [i.number for i in PEMDI.indicators()] == list(range(1, 21))
    for fw in (SPBE, PEMDI):
        assert frameworks.problems_of(fw.document()) == []
        assert sum(n.weight for n in fw.top()) == pytest.approx(100)
        assert sum(i.weight for i in fw.indicators()) == pytest.approx(100)
    assert SPBE.group_kinds() == ["domain", "aspect"] and PEMDI.group_kinds() == ["aspect"]
    assert len(PEMDI.aspects()) == 7 and PEMDI.aspects()["A7"].weight == 25  # user satisfaction, the largest


def test_pemdi_knows_which_indicators_outside_agencies_score():
    external = {i.number: i.external for i in PEMDI.indicators() if i.external}
    assert set(external) == {5, 6, 7, 12, 18}
    assert external[7].startswith("BPS") and external[12].startswith("BSSN")


def test_spbe_worked_example_of_the_regulation_gives_3_28_baik():
    """PermenPANRB 59/2020's example: domains 3.70, 3.40, 3.00 and 3.20 give (3.70·13 + 3.40·25 + 3.00·16.5
    + 3.20·45.5) / 100 = 3.282, shown 3,28, Baik."""
    result = SPBE.index({}, given={"D1": 3.70, "D2": 3.40, "D3": 3.00, "D4": 3.20})
    assert result.overall == pytest.approx(3.282)
    assert frameworks.shown(result.overall) == Decimal("3.28")
    assert formatting.number(result.overall, 2, "id") == "3,28"
    assert SPBE.predicate(result.overall) == "baik" and SPBE.band(result.overall).name == "Baik"


def test_levels_that_give_the_worked_examples_domains_give_its_index():
    """The example's first three domains reached from indicator levels, as a city's assessment reaches them;
    its fourth (3.20, which no set of whole levels gives under D4's weights 2.75 and 3.0) as stated."""
    levels = {}
    for domain, pattern in {"D1": [4] * 7 + [3] * 3, "D2": [4] * 4 + [3] * 6, "D3": [3] * 11}.items():
        numbers = [i.number for i in SPBE.indicators() if SPBE.node(i.parent).parent == domain]
        levels.update(dict(zip(numbers, pattern, strict=True)))
    result = SPBE.index(levels, given={"D4": 3.20})
    assert result.domains == pytest.approx({"D1": 3.70, "D2": 3.40, "D3": 3.00, "D4": 3.20})
    assert result.overall == pytest.approx(3.282) and SPBE.predicate(result.overall) == "baik"
    assert result.answered == 31


def test_all_threes_on_pemdi_is_3_00_baik_berkembang():
    result = PEMDI.index({i.number: 3 for i in PEMDI.indicators()})
    assert result.overall == pytest.approx(3.0) and list(result.aspects.values()) == pytest.approx([3.0] * 7)
    band = PEMDI.band(result.overall)
    assert (band.name, band.maturity) == ("Baik", "Berkembang")


def test_a_hand_computed_mixed_pemdi_case():
    levels = {1: 4, 2: 3, 3: 2, 4: 5, 5: 3, 6: 2, 7: 4, 8: 1, 9: 3, 10: 4,
              11: 2, 12: 5, 13: 4, 14: 3, 15: 2, 16: 3, 17: 4, 18: 1, 19: 5, 20: 4}
    # By hand: A1 (5·4 + 5·3)/10 = 3.5; A2 (5·2 + 5·5)/10 = 3.5; A3 (5·3 + 3·2 + 3·4 + 4·1)/15 = 37/15;
    # A4 (4·3 + 4·4 + 3·2 + 4·5)/15 = 54/15; A5 (5·4 + 5·3)/10 = 3.5; A6 (4·2 + 4·3 + 4·4 + 3·1)/15 = 39/15;
    # A7 (10·5 + 15·4)/25 = 4.4. Index = (10·3.5 + 10·3.5 + 37 + 54 + 10·3.5 + 39 + 25·4.4)/100 = 3.45.
    result = PEMDI.index(levels)
    assert result.aspects == pytest.approx({"A1": 3.5, "A2": 3.5, "A3": 37 / 15, "A4": 54 / 15, "A5": 3.5,
                                            "A6": 39 / 15, "A7": 4.4})
    assert result.overall == pytest.approx(3.45)
    assert PEMDI.predicate(result.overall) == "baik"  # 3,45 is below the 3,50 of Sangat Baik


@pytest.mark.parametrize(("value", "name", "maturity"), [
    (5.0, "Memuaskan", "Unggul"), (4.0, "Memuaskan", "Unggul"), (3.99, "Sangat Baik", "Melembaga"),
    (3.5, "Sangat Baik", "Melembaga"), (3.49, "Baik", "Berkembang"),
    (2.5, "Baik", "Berkembang"), (2.49, "Cukup", "Membangun"),
    (1.5, "Cukup", "Membangun"), (1.49, "Kurang", "Merintis"), (1.0, "Kurang", "Merintis"),
])
def test_pemdi_bands_at_every_edge_and_a_hair_below(value, name, maturity):
    band = PEMDI.band(value)
    assert (band.name, band.maturity) == (name, maturity)


@pytest.mark.parametrize(("value", "expected"), [
    (4.2, "memuaskan"), (4.19, "sangat_baik"), (3.5, "sangat_baik"), (3.49, "baik"),
    (2.6, "baik"), (2.59, "cukup"), (1.8, "cukup"), (1.79, "kurang"), (None, None),
])
def test_spbe_bands_at_every_edge_and_a_hair_below(value, expected):
    assert SPBE.predicate(value) == expected


@pytest.mark.parametrize("value", [3.995, 3.9951, 4.0 - 1e-12, 3.9999])
def test_a_value_shown_as_4_00_is_never_next_to_sangat_baik(value):
    assert formatting.number(float(frameworks.shown(value)), 2) == "4,00"
    assert PEMDI.predicate(value) == "memuaskan"


def test_just_below_the_rounding_edge_is_shown_and_banded_as_3_99():
    assert str(frameworks.shown(3.99499)) == "3.99" and PEMDI.predicate(3.99499) == "sangat_baik"


def test_an_index_stays_open_until_every_indicator_under_it_has_a_level():
    levels = {i.number: 2 for i in PEMDI.indicators()}
    del levels[20]
    result = PEMDI.index(levels)
    assert result.aspects["A7"] is None and result.overall is None and result.aspects["A1"] == pytest.approx(2)
    assert result.answered == 19


def test_a_framework_that_does_not_add_up_is_refused_with_the_node_named():
    doc = PEMDI.document()
    doc["nodes"][1]["weight"] = 6  # indicator 1 of A1: A1's indicators now add up to 11, not 10
    assert [(p.key, p.row, p.column) for p in frameworks.problems_of(doc)] == [
        ("framework.weights_differ", "A1", "weight")]
    doc["nodes"][0]["weight"] = 11  # and A1 itself: now the top adds up to 101
    assert [(p.key, p.row) for p in frameworks.problems_of(doc)] == [("framework.weights_not_100", "-")]


def test_the_cli_prints_the_index_as_json():
    levels = ["4", "3", "2", "5", "3", "2", "4", "1", "3", "4", "2", "5", "4", "3", "2", "3", "4", "1", "5", "4"]
    run = subprocess.run([sys.executable, "-m", "core.cli", "index", "pemdi-2026", *levels], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["index"] == pytest.approx(3.45) and out["shown"] == "3.45"
    assert (out["predicate"], out["maturity"]) == ("Baik", "Berkembang")
    assert out["aspects"]["A7"] == pytest.approx(4.4)


def test_the_cli_says_what_is_wrong_with_its_arguments():
    run = subprocess.run([sys.executable, "-m", "core.cli", "index", "pemdi-2026", "3", "3"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "20 indikator" in run.stderr and "2" in run.stderr
    run = subprocess.run([sys.executable, "-m", "core.cli", "index", "pemdi-2026", *["3"] * 19, "6"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "indikator 20" in run.stderr
