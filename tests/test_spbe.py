"""The SPBE index as PermenPANRB 59/2020 defines it: weights, the formula, the worked example, predicates."""

import pytest

from core import formatting
from core.evaluation import spbe


def test_the_reference_holds_47_indicators_whose_weights_add_up_to_100():
    indicators = spbe.indicators()
    assert [i.number for i in indicators] == list(range(1, 48))
    assert sum(i.weight for i in indicators) == pytest.approx(100)
    assert sum(d.weight for d in spbe.domains().values()) == pytest.approx(100)
    for code, aspect in spbe.aspects().items():
        assert sum(i.weight for i in indicators if i.aspect == code) == pytest.approx(aspect.weight)
    for code, domain in spbe.domains().items():
        assert sum(a.weight for a in spbe.aspects().values() if a.domain == code) == pytest.approx(domain.weight)


def test_the_regulations_worked_example_gives_3_28():
    value = spbe.combine_domains({"D1": 3.70, "D2": 3.40, "D3": 3.00, "D4": 3.20})
    assert value == pytest.approx(3.282)
    assert formatting.number(value, 2) == "3,28"  # rounded for display only
    assert spbe.predicate(value) == "baik"


def test_levels_go_through_aspects_and_domains_to_the_index():
    levels = {}
    d1 = [i.number for i in spbe.indicators() if i.domain == "D1"]
    levels.update({n: 4 if k < 7 else 3 for k, n in enumerate(d1)})  # seven 4s, three 3s: 3.7
    d2 = [i.number for i in spbe.indicators() if i.domain == "D2"]
    levels.update({n: 4 if k < 4 else 3 for k, n in enumerate(d2)})  # 4,4,4,4 in A2; A3 all 3; A4 3,3: 3.4
    levels.update({i.number: 3 for i in spbe.indicators() if i.domain in ("D3", "D4")})
    result = spbe.index(levels)
    assert result.aspects["A1"] == pytest.approx(3.7)
    assert result.aspects["A2"] == pytest.approx(4.0)
    assert result.aspects["A3"] == pytest.approx(3.0)
    assert result.domains == pytest.approx({"D1": 3.7, "D2": 3.4, "D3": 3.0, "D4": 3.0})
    assert result.overall == pytest.approx((3.7 * 13 + 3.4 * 25 + 3.0 * 16.5 + 3.0 * 45.5) / 100)
    assert result.answered == 47


def test_an_index_is_left_open_until_every_indicator_under_it_has_a_level():
    levels = {i.number: 2 for i in spbe.indicators()}
    del levels[47]  # the last public-service sector, in A8 of D4
    result = spbe.index(levels)
    assert result.aspects["A8"] is None and result.domains["D4"] is None and result.overall is None
    assert result.aspects["A7"] == pytest.approx(2) and result.domains["D1"] == pytest.approx(2)
    assert result.answered == 46


@pytest.mark.parametrize(("value", "expected"), [
    (5.0, "memuaskan"), (4.2, "memuaskan"), (4.19999, "sangat_baik"),
    (3.5, "sangat_baik"), (3.49999, "baik"),
    (2.6, "baik"), (2.59999, "cukup"),
    (1.8, "cukup"), (1.79999, "kurang"), (1.0, "kurang"), (None, None),
])
def test_predicate_boundaries(value, expected):
    assert spbe.predicate(value) == expected


def test_a_boundary_missed_only_by_floating_point_noise_still_counts():
    # Sums of weights like 1.3 and 2.75 can land a hair below a bound the exact sum reaches.
    assert spbe.predicate(4.2 - 1e-15) == "memuaskan"
    assert spbe.predicate(2.6 - 1e-12) == "baik"
    assert spbe.predicate(2.6 - 1e-6) == "cukup"  # a real difference is not noise


def test_a_whole_aspect_at_4_2_is_memuaskan():
    levels = {i.number: 3 for i in spbe.indicators()}
    a1 = [i.number for i in spbe.indicators() if i.aspect == "A1"]
    levels.update({n: 5 if k < 2 else 4 for k, n in enumerate(a1)})
    value = spbe.index(levels).aspects["A1"]
    assert value == pytest.approx(4.2) and spbe.predicate(value) == "memuaskan"
