"""Charts read numbers and dates the way the rest of the app writes them, in the viewer's language."""

import altair as alt
import pandas as pd
import vl_convert

from core import charts


def drawn_text(lang: str) -> str:
    """The SVG Vega draws for a month-by-month Rupiah line: its axis labels are the text a reader sees."""
    frame = pd.DataFrame({"month": pd.date_range("2026-05-01", periods=4, freq="MS"),
                          "rupiah": [1_250_000.5, 2_500_000, 1_750_000, 3_000_000]})
    chart = alt.Chart(frame).mark_line().encode(
        x=alt.X("month:T", axis=alt.Axis(format="%-d %b %Y", values=list(frame["month"].dt.strftime("%Y-%m-%d")))),
        y=alt.Y("rupiah:Q", axis=alt.Axis(format=",.1f")))
    return vl_convert.vegalite_to_svg(charts.localised(chart, lang).to_dict())


def test_indonesian_charts_group_with_points_and_name_months_in_indonesian():
    text = drawn_text("id")
    assert "2.500.000,0" in text and "2,500,000.0" not in text
    assert "1 Mei 2026" in text and "1 Agu 2026" in text


def test_english_charts_group_numbers_the_english_way_and_name_months_in_english():
    text = drawn_text("en")
    assert "2,500,000.0" in text and "2.500.000,0" not in text
    assert "1 May 2026" in text and "1 Aug 2026" in text and "Agu" not in text
