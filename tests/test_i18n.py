"""One catalogue, two languages; money, dates and times the way Malang reads them."""

import re
import string
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core import formatting
from core.i18n import CATALOGUES, t

ROOT = Path(__file__).resolve().parent.parent


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_key_with_the_same_placeholders():
    indonesian, english = CATALOGUES["id"], CATALOGUES["en"]
    assert set(indonesian) == set(english)
    for key in indonesian:
        assert placeholders(indonesian[key]) == placeholders(english[key]), key
        assert indonesian[key].strip() and english[key].strip(), key


def test_every_key_the_code_names_exists_in_the_catalogue():
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/**/*.py"), *ROOT.glob("core/**/*.py")]:
        used |= set(re.findall(r"""["']((?:[a-z_]+)\.(?:[a-z_]+(?:\.[a-z_]+)*))["']""", path.read_text()))
    # Names that look like keys but are files, modules or columns.
    not_keys = {name for name in used if name.split(".")[-1] in {"csv", "py", "db", "toml", "sqlite", "dump", "json"}}
    missing = {k for k in used - not_keys if k.split(".")[0] in {p.split(".")[0] for p in CATALOGUES["id"]}}
    assert missing - set(CATALOGUES["id"]) == set()


@pytest.mark.parametrize("prefix, values", [("role", ["admin", "pimpinan", "skpd", "presenter"]),
                                            ("kind", ["kecamatan", "kelurahan", "bagian", "dinas", "upt"])])
def test_dynamic_labels_exist(prefix, values):
    for value in values:
        assert f"{prefix}.{value}" in CATALOGUES["id"]


def test_indonesian_is_the_default_and_english_is_there():
    assert t("login.submit") == "Masuk"
    assert t("login.submit", "en") == "Log in"
    assert t("login.submit", "fr") == "Masuk"


@pytest.mark.parametrize(("value", "text"), [(1_250_000, "Rp 1.250.000"), (0, "Rp 0"), (999.5, "Rp 1.000"),
                                             (-75_000, "-Rp 75.000"), (None, "–")])
def test_rupiah(value, text):
    assert formatting.rupiah(value) == text


def test_decimals_use_a_comma():
    assert formatting.number(99.951, 2) == "99,95"
    assert formatting.number(1234567.5, 1) == "1.234.567,5"


def test_dates_read_27_nov_2026_and_months_are_indonesian():
    assert formatting.day(date(2026, 11, 27)) == "27 Nov 2026"
    assert formatting.day(date(2026, 8, 17)) == "17 Agu 2026"
    assert formatting.day(date(2026, 8, 17), "en") == "17 Aug 2026"


def test_times_are_shown_in_wib_and_cross_midnight_correctly():
    jakarta = ZoneInfo("Asia/Jakarta")
    assert formatting.moment(datetime(2026, 11, 27, 7, 5, tzinfo=UTC), jakarta) == "27 Nov 2026 14.05 WIB"
    assert formatting.moment(datetime(2026, 12, 31, 18, 30, tzinfo=UTC), jakarta) == "1 Jan 2027 01.30 WIB"
    assert formatting.moment(datetime(2026, 11, 27, 7, 5, tzinfo=UTC), ZoneInfo("Asia/Makassar"), "en") == \
        "27 Nov 2026 15:05 WITA"


def test_a_clock_shows_only_the_time_today_and_the_full_moment_otherwise():
    jakarta = ZoneInfo("Asia/Jakarta")
    now = datetime(2026, 11, 27, 7, 30, tzinfo=UTC)
    assert formatting.clock(datetime(2026, 11, 27, 7, 5, tzinfo=UTC), jakarta, now=now) == "14.05 WIB"
    assert formatting.clock(datetime(2026, 11, 26, 7, 5, tzinfo=UTC), jakarta, now=now) == "26 Nov 2026 14.05 WIB"


def test_sparkline_scales_to_the_range_and_leaves_gaps():
    assert formatting.sparkline([1, 2, 3, None, 8]) == "▁▂▃ █"
    assert formatting.sparkline([5, 5]) == "▁▁" and formatting.sparkline([None]) == ""


@pytest.mark.parametrize(("seconds", "text"), [(59, "0 m"), (14 * 60, "14 m"), (125 * 60, "2 j 05 m"),
                                               (26 * 3600 + 120, "1 h 02 j")])
def test_durations_read_in_days_hours_minutes(seconds, text):
    assert formatting.duration(seconds) == text


def test_names_shown_in_markdown_cannot_become_links_colours_or_emphasis():
    name = "Kel. [Klik](http://evil.example) **x** :red[y] `z`"
    escaped = formatting.escape_markdown(name)
    # Every ASCII punctuation mark escaped, and an invisible space keeps a bare URL from linking itself.
    assert escaped == "Kel\\. \\[Klik\\]\\(http\u200b\\:\\/\\/evil\\.example\\) \\*\\*x\\*\\* \\:red\\[y\\] \\`z\\`"
    assert escaped.replace("\\", "").replace("\u200b", "") == name
    bare = formatting.escape_markdown("lihat www.contoh.test, http://contoh.test atau surat@contoh.test")
    assert "www\u200b" in bare and "http\u200b" in bare and "\u200b\\@" in bare


@pytest.mark.parametrize(("lang", "grouped", "share", "money"), [
    ("id", "1.548", "99,95 %", "Rp 1.250.000"), ("en", "1,548", "99.95 %", "Rp 1,250,000")])
def test_figures_read_in_the_viewers_language(lang, grouped, share, money):
    assert formatting.number(1548, 0, lang) == grouped
    assert formatting.percent(99.946, 2, lang) == share and formatting.percent(None, 2, lang) == "–"
    assert formatting.rupiah(1_250_000, lang) == money
    assert formatting.number(5.0, 2, lang, trim=True) == "5" and formatting.number(97.5, 2, lang, trim=True) == (
        "97,5" if lang == "id" else "97.5")


@pytest.mark.parametrize(("lang", "typed", "value"), [
    ("id", "1.250.000", 1_250_000), ("id", "1250000", 1_250_000), ("id", "99,5", 99.5), ("id", "Rp 36.500.000", 36_500_000),
    ("id", "-2,25 %", -2.25), ("en", "1,250,000", 1_250_000), ("en", "99.5", 99.5), ("en", "0.5", 0.5)])
def test_numbers_are_read_back_as_people_type_them(lang, typed, value):
    assert formatting.parse_number(typed, lang) == value


@pytest.mark.parametrize(("lang", "typed"), [
    ("id", "99.5"),  # an English decimal in Indonesian: 995 is not what was meant, so it is refused
    ("id", "1.25.000"), ("id", "12,5,0"), ("id", "abc"), ("id", ""), ("id", "1,5e3"), ("en", "99,5"), ("en", "²")])
def test_text_that_is_not_a_number_in_the_viewers_language_is_refused(lang, typed):
    with pytest.raises(ValueError):
        formatting.parse_number(typed, lang)
