"""The evaluation charts, built once here so the page and the annual report's PDF draw the same Altair
specification (the PDF renders it to PNG with vl-convert)."""

import altair as alt
import pandas as pd

from core.evaluation.frameworks import Framework
from core.i18n import t

PREDICATE_ORDER = ("memuaskan", "sangat_baik", "baik", "cukup", "kurang")
PREDICATE_COLOURS = ("#1b5e20", "#43a047", "#1e88e5", "#fb8c00", "#e53935")
# A series per framework: an SPBE line and a Pemdi line are two lines, never one across both scales.
SERIES_COLOURS = {"city_index:spbe-2020": "#90a4ae", "city_index:pemdi-2026": "#0d47a1",
                  "unit_index:spbe-2020": "#ffb74d", "unit_index:pemdi-2026": "#e65100",
                  "city_readiness": "#43a047", "unit_readiness": "#8e24aa"}


def _predicate_scale(lang: str) -> alt.Scale:
    return alt.Scale(domain=[t(f"spbe.predicate.{p}", lang) for p in PREDICATE_ORDER], range=list(PREDICATE_COLOURS))


def ranking(rows: list[dict], lang: str, value_title: str, framework: Framework,
            height: int | None = None) -> alt.Chart:
    """Horizontal bars per unit ({unit, value}), best first, coloured by the predicate of the value."""
    frame = pd.DataFrame(rows, columns=["unit", "value"])
    frame["predicate"] = [t(f"spbe.predicate.{framework.predicate(v)}", lang) for v in frame["value"]]
    frame["shown"] = frame["value"].round(2)
    return alt.Chart(frame, height=height or 80 + 24 * len(frame)).mark_bar().encode(
        x=alt.X("value:Q", title=value_title, scale=alt.Scale(domain=[0, 5])),
        y=alt.Y("unit:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
        color=alt.Color("predicate:N", title=t("spbe.predicate", lang), scale=_predicate_scale(lang)),
        tooltip=[alt.Tooltip("unit:N", title=t("eval.unit", lang)), alt.Tooltip("shown:Q", title=value_title),
                 alt.Tooltip("predicate:N", title=t("spbe.predicate", lang))],
    )


def groups(values: dict[str, float | None], names: dict[str, str], lang: str, title: str,
           framework: Framework) -> alt.Chart:
    """Bars for domain or aspect indices ({code: value}) on the 0–5 scale, weakest first."""
    frame = pd.DataFrame([{"group": f"{code} {names[code]}", "value": v} for code, v in values.items()
                          if v is not None], columns=["group", "value"])
    frame["predicate"] = [t(f"spbe.predicate.{framework.predicate(v)}", lang) for v in frame["value"]]
    frame["shown"] = frame["value"].round(2)
    return alt.Chart(frame, height=60 + 30 * len(frame)).mark_bar().encode(
        x=alt.X("value:Q", title=title, scale=alt.Scale(domain=[0, 5])),
        y=alt.Y("group:N", sort="x", title=None, axis=alt.Axis(labelLimit=380, labelOverlap=False)),
        color=alt.Color("predicate:N", title=t("spbe.predicate", lang), scale=_predicate_scale(lang), legend=None),
        tooltip=[alt.Tooltip("group:N", title=title), alt.Tooltip("shown:Q", title=framework.index_label(lang))],
    )


def trend(points: list[dict], lang: str, index_names: dict[str, str]) -> alt.Chart:
    """Lines per series ({year, series, value, band}) across the periods. An index series is split by
    framework (`series` "city_index:pemdi-2026"): each value with its own framework's name and predicate,
    so an SPBE line never runs into a Pemdi one as if the two scales were one."""
    frame = pd.DataFrame([{**p, "predicate": (p["band"].label(lang) if p.get("band") else "")
                           + (" · " + t("eval.provisional", lang) if p.get("provisional") else "")} for p in points],
                         columns=["year", "series", "value", "predicate"])
    series = [s for s in SERIES_COLOURS if s in set(frame["series"])]

    def label(s: str) -> str:
        kind, _, code = s.partition(":")
        return t(f"eval.series.{kind}", lang, index=index_names.get(code, ""))

    frame["label"] = [label(s) for s in frame["series"]]
    frame["shown"] = frame["value"].round(2)
    frame["year"] = frame["year"].astype(str)
    return alt.Chart(frame, height=320).mark_line(point=True).encode(
        x=alt.X("year:O", title=t("eval.year", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=t("eval.value", lang), scale=alt.Scale(domain=[0, 5])),
        color=alt.Color("label:N", title=None, scale=alt.Scale(domain=[label(s) for s in series],
                                                             range=[SERIES_COLOURS[s] for s in series]),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)),
        tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("year:O", title=t("eval.year", lang)),
                 alt.Tooltip("shown:Q", title=t("eval.value", lang)),
                 alt.Tooltip("predicate:N", title=t("spbe.predicate", lang))],
    )
