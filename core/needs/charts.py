"""The budget page's chart: requested beside funded Rupiah per group."""

import altair as alt
import pandas as pd

from core.i18n import t

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
