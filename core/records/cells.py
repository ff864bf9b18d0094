"""Reading one cell of a real-world spreadsheet: Rupiah, dates, years, NIPs and words from a list.

Each reader returns the value or raises CellError with a catalogue key, so an import can say exactly
what is wrong with which cell. Cells arrive as Excel typed them (int, float, datetime) or as text.
"""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.text import has_control
from db.types import utcnow


class CellError(Exception):
    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(key)


class Formula(str):
    """A workbook cell that holds a formula (its text, "=SUM(A1:A3)"): never read as a value, since the
    cached result a file may carry is whatever the last program to save it computed."""


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not isinstance(value, Formula) and not value.strip())


def text(value: Any) -> str:
    """A text cell without stray spaces; a whole number typed into a text column loses its `.0`. Every reader
    below goes through here, so a formula is refused whatever the column."""
    if isinstance(value, Formula):
        raise CellError("cell.formula", formula=str(value)[:60])
    if value is None:
        return ""
    if isinstance(value, str) and has_control(value):
        raise CellError("cell.control_character")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return " ".join(str(value).replace("\xa0", " ").split())


RUPIAH_PREFIX = re.compile(r"^(rp\.?|idr)\s*", re.IGNORECASE)
GROUPED_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")
GROUPED_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+$")


def rupiah(value: Any) -> int | None:
    """Whole Rupiah from 1500000, "Rp 1.500.000", "1.500.000,00", "Rp1,500,000.00" or "IDR 1500000"."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError("cell.not_money", value=str(value))
    if isinstance(value, int | float):
        number = float(value)
    else:
        raw = text(value)
        digits = RUPIAH_PREFIX.sub("", raw).replace(" ", "").removesuffix(",-").removesuffix(".-")
        if "," in digits and "." in digits:
            # The separator that comes last is the decimal one: 1.500.000,00 or 1,500,000.00.
            thousands, decimal = (".", ",") if digits.rfind(",") > digits.rfind(".") else (",", ".")
            digits = digits.replace(thousands, "").replace(decimal, ".")
        elif GROUPED_DOTS.match(digits):
            digits = digits.replace(".", "")
        elif GROUPED_COMMAS.match(digits):
            digits = digits.replace(",", "")
        else:
            digits = digits.replace(",", ".")
        try:
            number = float(digits)
        except ValueError:
            raise CellError("cell.not_money", value=raw) from None
    if number < 0:
        raise CellError("cell.negative_money", value=text(value))
    return int(Decimal(str(number)).quantize(Decimal(1), rounding=ROUND_HALF_UP))  # half a rupiah rounds up


DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def day(value: Any) -> date | None:
    """A date from an Excel date cell, "31/12/2026" (day first, as Indonesia writes it) or "2026-12-31"."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    match = DATE_TEXT.match(raw)
    if match:
        d, m, y = (int(g) for g in match.groups())
    elif match := ISO_DATE.match(raw):
        y, m, d = (int(g) for g in match.groups())
    else:
        raise CellError("cell.not_date", value=raw)
    try:
        return date(y, m, d)
    except ValueError:
        raise CellError("cell.not_date", value=raw) from None


def whole(value: Any, low: int | None = None, high: int | None = None) -> int | None:
    """A whole number (also "12" or 12.0), optionally within [low, high]."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError("cell.not_number", value=str(value))
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(text(value).replace(",", "."))
        except ValueError:
            raise CellError("cell.not_number", value=text(value)) from None
    if not number.is_integer():
        raise CellError("cell.not_number", value=text(value))
    result = int(number)
    if (low is not None and result < low) or (high is not None and result > high):
        raise CellError("cell.out_of_range", value=result, low=low, high=high)
    return result


def year(value: Any) -> int | None:
    """A year such as a purchase year: 1980 up to next year (a date cell gives its year)."""
    if isinstance(value, datetime | date):
        value = value.year
    return whole(value, 1980, utcnow().year + 1)


def choice(value: Any, words: dict[str, str], default: str | None = None, allowed: str = "") -> str:
    """The code a word stands for: `words` maps lower-case spellings (codes and labels) to codes;
    `allowed` is how the error lists the choices (by default the codes)."""
    raw = text(value)
    if not raw:
        if default is None:
            raise CellError("cell.required")
        return default
    code = words.get(raw.casefold())
    if code is None:
        raise CellError("cell.not_in_list", value=raw, allowed=allowed or ", ".join(sorted({str(v) for v in words.values()})))
    return code


# NIP of an ASN (PP 17/2020 style): birth date YYYYMMDD, appointment YYYYMM, gender 1/2, sequence 3 digits.
NIP_LENGTH = 18
SCIENTIFIC = re.compile(r"^\d([.,]\d+)?e\+?\d+$", re.IGNORECASE)  # 1,98503E+17 in Indonesian Excel


def nip(value: Any) -> str:
    """An 18-digit NIP, checked for its embedded dates and gender digit; "" when the cell is empty.

    Excel keeps only 15 significant digits of a number, so an NIP typed as a number has already lost
    its last digits: such a cell is refused with that explanation rather than stored wrong.
    """
    if is_empty(value):
        return ""
    if isinstance(value, float) or (isinstance(value, str) and SCIENTIFIC.match(value.strip())):
        raise CellError("nip.number_damaged", value=_shown_number(value))
    raw = re.sub(r"[\s.\-]", "", text(value))
    if not raw.isdigit() or len(raw) != NIP_LENGTH:
        raise CellError("nip.length", value=text(value), length=NIP_LENGTH)
    if isinstance(value, int) and raw.endswith("000"):
        raise CellError("nip.number_damaged", value=raw)
    check_nip(raw)
    return raw


def _shown_number(value: Any) -> str:
    """The number as Excel shows it: 15 significant digits, the rest zeros (198503122010011000)."""
    try:
        number = float(str(value).replace(",", "."))
        return str(int(Decimal(f"{number:.15g}")))
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


def check_nip(raw: str) -> None:
    """Raise CellError unless the digits hold a real birth date, appointment month and gender."""
    try:
        born = date(int(raw[0:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        raise CellError("nip.birth_date", value=raw, part=raw[0:8]) from None
    this_year = utcnow().year
    if not 1940 <= born.year <= this_year - 17:
        raise CellError("nip.birth_date", value=raw, part=raw[0:8])
    appointed_year, appointed_month = int(raw[8:12]), int(raw[12:14])
    if not 1 <= appointed_month <= 12 or not born.year + 17 <= appointed_year <= this_year + 1:
        raise CellError("nip.appointment", value=raw, part=raw[8:14])
    if raw[14] not in "12":
        raise CellError("nip.gender", value=raw, digit=raw[14])
    if raw[15:] == "000":
        raise CellError("nip.sequence", value=raw)


# Yes and no as people type them in a cell (an empty cell is yes: a new row is active unless it says not).
TRUE_WORDS = frozenset({"", "1", "true", "ya", "yes", "aktif", "y"})
FALSE_WORDS = frozenset({"0", "false", "tidak", "no", "nonaktif", "n"})


def boolean(value: Any) -> bool:
    """True or False from a yes/no cell; CellError('import.bad_boolean') for any other word."""
    word = text(value).lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise CellError("import.bad_boolean", value=word)
    return word not in FALSE_WORDS
