"""Reading the cells people type: Rupiah in every common spelling, Indonesian dates, and NIPs."""

from datetime import date, datetime

import pytest

from core.records import cells
from core.records.cells import CellError


@pytest.mark.parametrize(("written", "rupiah"), [
    (1500000, 1_500_000), (1500000.0, 1_500_000), ("1500000", 1_500_000), ("Rp 1.500.000", 1_500_000),
    ("Rp1.500.000", 1_500_000), ("1.500.000,00", 1_500_000), ("Rp 1.500.000,-", 1_500_000),
    ("Rp1,500,000.00", 1_500_000), ("IDR 1500000", 1_500_000), ("12.500", 12_500), ("  Rp\xa02.750.000 ", 2_750_000),
    ("1.250,50", 1_251), ("", None), (None, None),
])
def test_rupiah_is_read_from_every_way_people_write_it(written, rupiah):
    assert cells.rupiah(written) == rupiah


@pytest.mark.parametrize("written", ["satu juta", "Rp 1.5OO.OOO", "-500000", True])
def test_text_that_is_not_money_is_refused(written):
    with pytest.raises(CellError) as caught:
        cells.rupiah(written)
    assert caught.value.key in {"cell.not_money", "cell.negative_money"}


@pytest.mark.parametrize(("written", "day"), [
    ("31/12/2026", date(2026, 12, 31)), ("1/2/2025", date(2025, 2, 1)), ("05-03-2024", date(2024, 3, 5)),
    ("2026-12-31", date(2026, 12, 31)), (datetime(2027, 6, 30), date(2027, 6, 30)), (date(2027, 1, 2), date(2027, 1, 2)),
])
def test_dates_are_read_day_first_or_from_excel_date_cells(written, day):
    assert cells.day(written) == day


@pytest.mark.parametrize("written", ["31/02/2026", "12/31/2026", "besok", "2026"])
def test_impossible_or_unreadable_dates_are_refused(written):
    with pytest.raises(CellError, match="cell.not_date"):
        cells.day(written)


def test_a_valid_nip_passes_and_keeps_its_digits():
    assert cells.nip("198503122010011001") == "198503122010011001"
    assert cells.nip(" 19850312 201001 1 001 ") == "198503122010011001"  # as printed on an ID card


@pytest.mark.parametrize(("written", "key"), [
    ("198513122010011001", "nip.birth_date"),  # month 13
    ("198502302010011001", "nip.birth_date"),  # 30 February
    ("198503122010131001", "nip.appointment"),  # appointment month 13
    ("198503121990011001", "nip.appointment"),  # appointed at the age of 4
    ("198503122010013001", "nip.gender"),  # gender digit 3
    ("198503122010011000", "nip.sequence"),  # sequence 000: what Excel's 15 digits leave behind
    ("19850312201001100", "nip.length"),
    ("19850312201001100X", "nip.length"),
])
def test_nip_parts_are_checked(written, key):
    with pytest.raises(CellError) as caught:
        cells.nip(written)
    assert caught.value.key == key


@pytest.mark.parametrize("written", [1.98503122010011e17, 198503122010011000, "1,98503E+17", "1.98503122010011E+17"])
def test_an_nip_that_excel_stored_as_a_number_is_refused_as_damaged(written):
    with pytest.raises(CellError) as caught:
        cells.nip(written)
    assert caught.value.key == "nip.number_damaged"


def test_words_from_a_list_are_matched_in_any_case_and_language():
    words = {"baik": "baik", "rusak ringan": "rusak_ringan", "good": "baik"}
    assert cells.choice(" Rusak  Ringan ", words) == "rusak_ringan"
    assert cells.choice("GOOD", words) == "baik"
    assert cells.choice("", words, "baik") == "baik"
    with pytest.raises(CellError, match="cell.not_in_list"):
        cells.choice("rusak total", words)
