"""How every chart reads: numbers and dates in the app's conventions, and a chart as a PNG for PDF reports."""

import io

import altair as alt

from core import formatting

# Numbers and month and day names in a chart read as everywhere else in the app, in the reader's language
# (formatting.MARKS: 1.250.000 and 99,95 in Indonesian, 1,250,000 and 99.95 in English).
NUMBER_LOCALES = {lang: {"decimal": point, "thousands": group, "grouping": [3], "currency": ["Rp ", ""]}
                  for lang, (group, point) in formatting.MARKS.items()}
TIME_LOCALES = {
    "id": {"dateTime": "%A, %e %B %Y %H.%M.%S", "date": "%d/%m/%Y", "time": "%H.%M.%S", "periods": ["AM", "PM"],
           "days": ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
           "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
           "months": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
                      "Oktober", "November", "Desember"],
           "shortMonths": formatting.MONTHS["id"]},
    "en": {"dateTime": "%A, %e %B %Y %H:%M:%S", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["AM", "PM"],
           "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
           "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
           "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                      "October", "November", "December"],
           "shortMonths": formatting.MONTHS["en"]},
}

# A time axis or tooltip as formatting.moment writes it (27 Nov 2026 14.05), without the zone name that
# the page states once; HOUR_FORMATS for ticks within a few days.
MOMENT_FORMATS = {"id": "%-d %b %Y %H.%M", "en": "%-d %b %Y %H:%M"}
HOUR_FORMATS = {"id": "%-d %b %H.%M", "en": "%-d %b %H:%M"}
DAY_FORMATS = {"id": "%-d %b", "en": "%-d %b"}  # ticks a day apart


def localised(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """The chart with the app's number and date conventions, for axes, legends and tooltips alike."""
    return chart.configure(locale={"number": NUMBER_LOCALES.get(lang, NUMBER_LOCALES["id"]),
                                   "time": TIME_LOCALES.get(lang, TIME_LOCALES["id"])})


def png(chart: alt.Chart, lang: str, width: int = 720) -> bytes:
    """The chart as a PNG image (for the PDF report)."""
    out = io.BytesIO()
    localised(chart.properties(width=width), lang).save(out, format="png", scale_factor=2)
    return out.getvalue()
