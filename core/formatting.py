"""How numbers, money, dates and times read, in the reader's language: `Rp 1.250.000`, `99,95 %`,
`27 Nov 2026`, `14.05 WIB` in Indonesian; `Rp 1,250,000`, `99.95 %`, `27 Nov 2026`, `14:05 WIB` in English.
Every figure a page, an export or a PDF shows goes through here; what a user types is read back by
`parse_number` with the same conventions."""

import re
import string
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
# Indonesia's three zones go by their own abbreviations; other zones use what tzdata says.
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


# (thousands separator, decimal mark) per language; Indonesian for any language not listed.
MARKS = {"id": (".", ","), "en": (",", ".")}


def _marks(lang: str) -> tuple[str, str]:
    return MARKS.get(lang, MARKS["id"])


def number(value: float | int, decimals: int = 0, lang: str = "id", trim: bool = False) -> str:
    """Grouped and rounded half up: 1.250.000 and 99,95 in Indonesian, 1,250,000 and 99.95 in English;
    with `trim`, no trailing zeros after the decimal mark (5 and 99,5, as a person types them)."""
    quant = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quant, rounding=ROUND_HALF_UP)
    whole, _, frac = f"{abs(rounded):,.{decimals}f}".partition(".")
    frac = frac.rstrip("0") if trim else frac
    group, point = _marks(lang)
    text = whole.replace(",", group) + (point + frac if frac else "")
    return ("-" if rounded < 0 else "") + text


def percent(value: float | int | None, decimals: int = 2, lang: str = "id") -> str:
    """A share already in percent: `99,95 %` / `99.95 %`; `–` when there is nothing to show."""
    return "–" if value is None else f"{number(value, decimals, lang)} %"


def milliseconds(value: float | int | None, decimals: int = 1, lang: str = "id") -> str:
    """A response time: `20,1 ms` / `20.1 ms`; `–` when nothing answered."""
    return "–" if value is None else f"{number(value, decimals, lang)} ms"


def rupiah(value: float | int | None, lang: str = "id") -> str:
    if value is None:
        return "–"
    return ("-" if value < 0 else "") + "Rp " + number(abs(value), 0, lang)


def parse_number(text: str, lang: str = "id") -> float:
    """A number as a person types it in their language: `1.250.000`, `1250000`, `99,5` (Indonesian),
    `1,250,000`, `99.5` (English); `Rp` and `%` are allowed around it. ValueError when it is not one."""
    group, point = _marks(lang)
    cleaned = str(text).strip().removeprefix("Rp").removesuffix("%").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise ValueError("empty")
    sign = -1 if cleaned.startswith("-") else 1
    cleaned = cleaned.lstrip("+-")
    whole, _, frac = cleaned.partition(point)
    if group in frac or point in frac:
        raise ValueError(text)
    parts = whole.split(group)
    # Grouping, when used, is in threes after the first group: 1.250.000, never 12.50.000.
    if len(parts) > 1 and (not parts[0] or len(parts[0]) > 3 or any(len(p) != 3 for p in parts[1:])):
        raise ValueError(text)
    digits = "".join(parts)
    if not digits.isascii() or not digits.isdigit() or (frac and not (frac.isascii() and frac.isdigit())):
        raise ValueError(text)
    return sign * float(f"{digits}.{frac or 0}")


SCALES = {"id": ((10**12, "T"), (10**9, "M"), (10**6, "jt")), "en": ((10**12, "tn"), (10**9, "bn"), (10**6, "m"))}


def rupiah_short(value: float | int | None, lang: str = "id") -> str:
    """Large sums as a metric shows them: `Rp 50,86 M` (miliar), `Rp 1,25 T`, `Rp 250 jt` (juta, whole)."""
    if value is None:
        return "–"
    for size, word in SCALES.get(lang, SCALES["id"]):
        if abs(value) >= size:
            return ("-" if value < 0 else "") + f"Rp {number(abs(value) / size, 0 if size == 10**6 else 2, lang)} {word}"
    return rupiah(value, lang)


def day(value: date | datetime | None, lang: str = "id", zone: ZoneInfo | None = None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = local(value, zone).date() if zone else value.date()
    return f"{value.day} {MONTHS.get(lang, MONTHS['id'])[value.month - 1]} {value.year}"


def month(value: date, lang: str = "id") -> str:
    """A month as people write it: "Des 2026"."""
    return f"{MONTHS.get(lang, MONTHS['id'])[value.month - 1]} {value.year}"


def local(value: datetime, zone: ZoneInfo) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone)


def zone_name(zone: ZoneInfo, at: datetime | None = None) -> str:
    return ZONE_NAMES.get(zone.key) or (at or datetime.now(UTC)).astimezone(zone).tzname() or zone.key


def moment(value: datetime | None, zone: ZoneInfo, lang: str = "id") -> str:
    """A stored UTC time as the organisation reads it: 27 Nov 2026 14.05 WIB."""
    if value is None:
        return "–"
    when = local(value, zone)
    sep = "." if lang == "id" else ":"
    return f"{day(when, lang)} {when.hour:02d}{sep}{when.minute:02d} {zone_name(zone, when)}"


def clock(value: datetime | None, zone: ZoneInfo, lang: str = "id", now: datetime | None = None) -> str:
    """Short form for a metric: `05.01 WIB` today, else the full moment."""
    if value is None:
        return "–"
    when, today = local(value, zone), local(now or datetime.now(UTC), zone).date()
    if when.date() != today:
        return moment(value, zone, lang)
    sep = "." if lang == "id" else ":"
    return f"{when.hour:02d}{sep}{when.minute:02d} {zone_name(zone, when)}"


def ranges(numbers) -> str:
    """Numbers as a person lists them: 1, 3, 4–20."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" if b > a + 1 else f"{a}, {b}" for a, b in runs)


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """A line of block characters for a trend; a gap (no data) is a space."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low or 1.0
    return "".join(" " if v is None else SPARKS[min(7, int((v - low) / span * 7.999))] for v in values)


def duration(seconds: float, lang: str = "id") -> str:
    """How long something has lasted: `2 j 05 m`, `14 m`, `3 h 02 j` (days, hours, minutes)."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    h, d = ("j", "h") if lang == "id" else ("h", "d")
    if days:
        return f"{days} {d} {hours:02d} {h}"
    if hours:
        return f"{hours} {h} {mins:02d} m"
    return f"{mins} m"


PUNCTUATION = set(string.punctuation)  # CommonMark lets a backslash escape any ASCII punctuation
# GitHub-style autolinks are found in the text after escapes are read: an invisible space breaks them.
AUTOLINK = re.compile(r"(?i)(www|https?|ftp|mailto)(\\[.:])")


class Escaped(str):
    """Escaped text that a message may quote with {value!r}: quoted as it is, its backslashes not doubled."""

    def __repr__(self) -> str:
        return f"'{self}'"


def escape_markdown(text) -> Escaped:
    """Text shown inside markdown exactly as typed: no links (also bare URLs and e-mail addresses), images,
    emphasis, colours, icons, maths or HTML from data, and no line breaks that start a block."""
    flat = " ".join(str(text).split())
    escaped = "".join("\\" + ch if ch in PUNCTUATION else ch for ch in flat)
    return Escaped(AUTOLINK.sub("\\1\u200b\\2", escaped).replace("\\@", "\u200b\\@"))
