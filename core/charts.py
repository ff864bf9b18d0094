"""The evaluation charts, built once here so the page and the annual report's PDF draw the same Altair
specification (the PDF renders it to PNG with vl-convert)."""

import io

import altair as alt
import pandas as pd

from core import formatting, spbe
from core.i18n import t

# Numbers in a chart read as everywhere else in the app (1.250.000 and 99,95, in both languages);
# month and day names follow the reader's language, as formatting.day does.
NUMBER_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp ", ""]}
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


def localised(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """The chart with the app's number and date conventions, for axes, legends and tooltips alike."""
    return chart.configure(locale={"number": NUMBER_LOCALE, "time": TIME_LOCALES.get(lang, TIME_LOCALES["id"])})


PREDICATE_ORDER = ("memuaskan", "sangat_baik", "baik", "cukup", "kurang")
PREDICATE_COLOURS = ("#1b5e20", "#43a047", "#1e88e5", "#fb8c00", "#e53935")
SERIES_COLOURS = {"city_spbe": "#0d47a1", "city_readiness": "#43a047", "unit_spbe": "#e65100",
                  "unit_readiness": "#8e24aa"}


def _predicate_scale(lang: str) -> alt.Scale:
    return alt.Scale(domain=[t(f"spbe.predicate.{p}", lang) for p in PREDICATE_ORDER], range=list(PREDICATE_COLOURS))


def ranking(rows: list[dict], lang: str, value_title: str, height: int | None = None) -> alt.Chart:
    """Horizontal bars per unit ({unit, value}), best first, coloured by the predicate of the value."""
    frame = pd.DataFrame(rows, columns=["unit", "value"])
    frame["predicate"] = [t(f"spbe.predicate.{spbe.predicate(v)}", lang) for v in frame["value"]]
    frame["shown"] = frame["value"].round(2)
    return alt.Chart(frame, height=height or 80 + 24 * len(frame)).mark_bar().encode(
        x=alt.X("value:Q", title=value_title, scale=alt.Scale(domain=[0, 5])),
        y=alt.Y("unit:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
        color=alt.Color("predicate:N", title=t("spbe.predicate", lang), scale=_predicate_scale(lang)),
        tooltip=[alt.Tooltip("unit:N", title=t("eval.unit", lang)), alt.Tooltip("shown:Q", title=value_title),
                 alt.Tooltip("predicate:N", title=t("spbe.predicate", lang))],
    )


def groups(values: dict[str, float | None], names: dict[str, str], lang: str, title: str) -> alt.Chart:
    """Bars for domain or aspect indices ({code: value}) on the 0–5 scale, weakest first."""
    frame = pd.DataFrame([{"group": f"{code} {names[code]}", "value": v} for code, v in values.items()
                          if v is not None], columns=["group", "value"])
    frame["predicate"] = [t(f"spbe.predicate.{spbe.predicate(v)}", lang) for v in frame["value"]]
    frame["shown"] = frame["value"].round(2)
    return alt.Chart(frame, height=60 + 30 * len(frame)).mark_bar().encode(
        x=alt.X("value:Q", title=title, scale=alt.Scale(domain=[0, 5])),
        y=alt.Y("group:N", sort="x", title=None, axis=alt.Axis(labelLimit=230, labelOverlap=False)),
        color=alt.Color("predicate:N", title=t("spbe.predicate", lang), scale=_predicate_scale(lang), legend=None),
        tooltip=[alt.Tooltip("group:N", title=title), alt.Tooltip("shown:Q", title=t("eval.index", lang))],
    )


def trend(points: list[dict], lang: str) -> alt.Chart:
    """Lines per series ({year, series, value}) across the periods."""
    frame = pd.DataFrame(points, columns=["year", "series", "value"])
    series = [s for s in SERIES_COLOURS if s in set(frame["series"])]
    frame["label"] = [t(f"eval.series.{s}", lang) for s in frame["series"]]
    frame["shown"] = frame["value"].round(2)
    frame["year"] = frame["year"].astype(str)
    return alt.Chart(frame, height=320).mark_line(point=True).encode(
        x=alt.X("year:O", title=t("eval.year", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=t("eval.index", lang), scale=alt.Scale(domain=[0, 5])),
        color=alt.Color("label:N", title=None, scale=alt.Scale(domain=[t(f"eval.series.{s}", lang) for s in series],
                                                             range=[SERIES_COLOURS[s] for s in series]),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=220)),
        tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("year:O", title=t("eval.year", lang)),
                 alt.Tooltip("shown:Q", title=t("eval.index", lang))],
    )


def png(chart: alt.Chart, lang: str, width: int = 720) -> bytes:
    """The chart as a PNG image (for the PDF report)."""
    out = io.BytesIO()
    localised(chart.properties(width=width), lang).save(out, format="png", scale_factor=2)
    return out.getvalue()


BUDGET_COLOURS = ("#90a4ae", "#1e88e5")


def spend(rows: list[dict], lang: str, label_title: str) -> alt.Chart:
    """Requested beside funded Rupiah per group ({group, requested, funded}), largest request first."""
    frame = pd.DataFrame(rows, columns=["group", "requested", "funded"])
    order = list(frame.sort_values("requested", ascending=False)["group"])
    long = frame.melt("group", var_name="kind", value_name="rupiah")
    long["kind"] = [t(f"budget.{k}", lang) for k in long["kind"]]
    long["billion"] = long["rupiah"] / 1e9
    kinds = [t("budget.requested", lang), t("budget.funded", lang)]
    return alt.Chart(long, height=60 + 34 * len(frame)).mark_bar().encode(
        x=alt.X("billion:Q", title=t("budget.billion", lang)),
        y=alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
        yOffset=alt.YOffset("kind:N", sort=kinds),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=list(BUDGET_COLOURS)),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("group:N", title=label_title), alt.Tooltip("kind:N", title=" "),
                 alt.Tooltip("billion:Q", title=t("budget.billion", lang), format=",.2f")],
    )
