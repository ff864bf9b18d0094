"""One catalogue, two languages; money, dates and times the way Malang reads them."""

import re
import string
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core import formatting
from core.i18n import CATALOGUES, form, t

ROOT = Path(__file__).resolve().parent.parent


def forms(message) -> list[str]:
    """Every text a message can read as: a plural message's forms, each of theirs, and so on."""
    return [message] if isinstance(message, str) else forms(message["one"]) + forms(message["other"])


def placeholders(message) -> set[str]:
    return {name for text in forms(message) for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_key_with_the_same_placeholders():
    indonesian, english = CATALOGUES["id"], CATALOGUES["en"]
    assert set(indonesian) == set(english)
    for key in indonesian:
        assert placeholders(indonesian[key]) == placeholders(english[key]), key
        assert isinstance(indonesian[key], str), f"{key}: Indonesian does not mark the plural"
        assert indonesian[key].strip() and all(text.strip() for text in forms(english[key])), key


# Placeholders that hold a name, a code or a year, never a count: the word after them is not counted by them.
NOT_COUNTS = {"name", "kind", "url", "code", "parent", "channel", "filename", "year", "agency", "unit", "host", "dir",
              "source", "target", "index", "status", "decision", "model", "link", "value", "path", "file", "org",
              "agent"}
# Words that stand between a count and its noun ("3 new units", "2 verified units").
BEFORE_NOUN = {"new", "other", "more", "open", "measured", "verified", "enrolment", "evidence", "filled"}
# English words ending in "s" that are not a plural noun.
NOT_PLURAL = {"is", "was", "has", "does", "this", "its", "as", "always", "across", "plus", "status", "less", "us", "s"}


def noun_after(text: str, name: str) -> str | None:
    """The word a count in placeholder `name` counts: the first word after it, past its adjectives, before any
    punctuation or other placeholder ("{created} new units" → "units"); None when none follows."""
    parsed = list(string.Formatter().parse(text))
    for (_, field, _, _), (after, *_rest) in zip(parsed, parsed[1:] + [("", None, None, None)], strict=True):
        if field == name:
            words = [w for w in re.match(r"[^.,;:()!?\n–-]*", after).group(0).split() if w not in BEFORE_NOUN]
            return words[0] if words else None
    return None


def is_plural(word: str | None) -> bool:
    return bool(word and re.fullmatch(r"[A-Za-z]+s", word)) and word.lower() not in NOT_PLURAL


def count_messages():
    """(key, message, placeholder) for every English message and every placeholder in it that may hold a count."""
    for key, message in CATALOGUES["en"].items():
        for name in sorted(placeholders(message) - NOT_COUNTS):
            yield key, message, name


def read_as(message, name: str, params: dict, count: int) -> tuple[str, str | None]:
    """The message with `count` in placeholder `name` (the form the catalogue picks), and the noun after it."""
    text = form(message, {**params, name: count})
    return text.format(**{**params, name: count}), noun_after(text, name)


def test_every_english_message_with_a_count_reads_right_for_one_and_for_three():
    """1 problem, 3 problems: a count's noun is singular for one and plural for three ("1 units" never)."""
    wrong = []
    for key, message, name in count_messages():
        params = {p: "X" for p in placeholders(message)}
        (one, noun_one), (three, noun_three) = (read_as(message, name, params, n) for n in (1, 3))
        if is_plural(noun_one):
            wrong.append(f"{key}: {one!r}")
        if noun_one != noun_three and not is_plural(noun_three):
            wrong.append(f"{key}: {three!r}")
    assert wrong == []


def test_a_plural_message_reads_its_count_as_people_see_it():
    assert t("import.rejected", "en", filename="a.csv", count=1).startswith("File a.csv was rejected: 1 problem.")
    assert t("import.rejected", "en", filename="a.csv", count=3).startswith("File a.csv was rejected: 3 problems.")
    assert t("import.rejected", "en", filename="a.csv", count="1").startswith("File a.csv was rejected: 1 problem.")
    assert t("checks.group_counts", "en", findings=1, needs=3) == "1 finding, 3 needs"
    assert t("import.rejected", "id", filename="a.csv", count=1).startswith("Berkas a.csv ditolak: 1 masalah.")


def test_no_english_message_leaves_its_plural_to_the_reader():
    """No "interface(s)": English says one or the other."""
    assert [key for key, message in CATALOGUES["en"].items() if any("(s)" in text for text in forms(message))] == []


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
