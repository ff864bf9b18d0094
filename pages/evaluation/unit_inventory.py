"""The Unit page's inventory section: devices by category and condition, ages, devices past their useful
life, staff per competence area, ratios to employees, applications by hosting and integration."""

import altair as alt
import pandas as pd
import streamlit as st

from core.inventory import summary
from core.inventory.kinds import COMPETENCE_AREAS
from pages.common.shell import cached, chart, num, t

COUNT_AXIS = alt.Axis(format="d", tickMinStep=1)
LABEL_AXIS = alt.Axis(labelLimit=220, labelOverlap=False)
CONDITION_COLOURS = {"baik": "#2e7d32", "rusak_ringan": "#f9a825", "rusak_berat": "#c62828"}


def _ratio(value: float | None, decimals: int = 2) -> str:
    return num(value, decimals) if value is not None else "–"


def draw(unit_id: int, has_sub_units: bool) -> None:
    st.subheader(t("unit.inventory"))
    with_subs = has_sub_units and st.toggle(t("unit.include_sub_units"), value=True, key="unit_inv_subs")
    totals = cached(summary.summary, unit_ids=[unit_id], with_sub_units=with_subs)
    if not (totals.devices or totals.staff or totals.applications):
        st.caption(t("unit.no_inventory"))
        return
    cols = st.columns(6)
    cols[0].metric(t("unit.devices"), num(totals.devices))
    cols[1].metric(t("unit.past_life"), num(len(totals.past_life)))
    cols[2].metric(t("unit.staff"), num(totals.staff))
    cols[3].metric(t("unit.applications"), num(totals.applications))
    cols[4].metric(t("unit.devices_per_employee"), _ratio(totals.devices_per_employee),
                   help=None if totals.employees else t("unit.no_employees"))
    cols[5].metric(t("unit.staff_per_100"), _ratio(totals.staff_per_100, 1),
                   help=None if totals.employees else t("unit.no_employees"))

    left, right = st.columns(2)
    if totals.by_category:
        frame = pd.DataFrame(totals.by_category)
        frame["condition_label"] = [t(f"condition.{k}") for k in frame["condition"]]
        order = [t(f"condition.{k}") for k in CONDITION_COLOURS]
        left.markdown(f"**{t('unit.by_category')}**")
        chart(alt.Chart(frame).mark_bar().encode(
            y=alt.Y("category:N", title=None, sort="-x", axis=LABEL_AXIS),
            x=alt.X("sum(count):Q", title=t("unit.count"), axis=COUNT_AXIS),
            color=alt.Color("condition_label:N", title=t("device.condition"), sort=order,
                            scale=alt.Scale(domain=order, range=list(CONDITION_COLOURS.values()))),
            order=alt.Order("condition:N"),
            tooltip=[alt.Tooltip("category:N", title=t("device.category")),
                     alt.Tooltip("condition_label:N", title=t("device.condition")),
                     alt.Tooltip("count:Q", title=t("unit.count"))],
        ).properties(height=max(200, 40 * frame["category"].nunique())), where=left)
    if totals.ages:
        ages = pd.DataFrame(totals.ages)
        right.markdown(f"**{t('unit.age_distribution')}**")
        chart(alt.Chart(ages).mark_bar(color="#1f6feb").encode(
            x=alt.X("age:O", title=t("unit.age"), axis=alt.Axis(labelAngle=0)), y=alt.Y("count:Q", title=t("unit.count"), axis=COUNT_AXIS),
            tooltip=[alt.Tooltip("age:O", title=t("unit.age")), alt.Tooltip("count:Q", title=t("unit.count"))],
        ).properties(height=max(200, 40 * frame["category"].nunique()) if totals.by_category else 200), where=right)

    left, right = st.columns(2)
    if totals.staff:
        left.markdown(f"**{t('unit.competence')}**")
        competence = pd.DataFrame(totals.competence or [{"area": COMPETENCE_AREAS[0], "level": 1, "count": 0}])
        competence["area_label"] = [t(f"competence.{a}") for a in competence["area"]]
        competence["level_label"] = [t(f"competence_level.{lv}") for lv in competence["level"]]
        levels = [t(f"competence_level.{lv}") for lv in (1, 2, 3)]
        chart(alt.Chart(competence).mark_bar().encode(
            y=alt.Y("area_label:N", title=None, sort=[t(f"competence.{a}") for a in COMPETENCE_AREAS], axis=LABEL_AXIS),
            x=alt.X("sum(count):Q", title=t("unit.count"), axis=COUNT_AXIS),
            color=alt.Color("level_label:N", title=t("unit.competence_level"), sort=levels,
                            scale=alt.Scale(domain=levels, range=["#90caf9", "#1e88e5", "#0d47a1"])),
            tooltip=[alt.Tooltip("area_label:N", title=t("unit.competence_area")),
                     alt.Tooltip("level_label:N", title=t("unit.competence_level")),
                     alt.Tooltip("count:Q", title=t("unit.count"))],
        ).properties(height=200), where=left)
        if totals.areas_without_staff:
            left.warning(t("unit.no_staff_in_area", areas=", ".join(t(f"competence.{a}")
                                                                      for a in totals.areas_without_staff)))
    if totals.apps_by_hosting:
        right.markdown(f"**{t('unit.apps_hosting')}**")
        apps = pd.DataFrame(totals.apps_by_hosting)
        apps["hosting_label"] = [t(f"hosting.{h}") for h in apps["hosting"]]
        apps["integration"] = [t("unit.integrated") if i else t("unit.not_integrated") for i in apps["integrated"]]
        chart(alt.Chart(apps).mark_bar().encode(
            y=alt.Y("hosting_label:N", title=None, axis=LABEL_AXIS), x=alt.X("sum(count):Q", title=t("unit.count"), axis=COUNT_AXIS),
            color=alt.Color("integration:N", title=t("unit.integration"),
                            scale=alt.Scale(domain=[t("unit.integrated"), t("unit.not_integrated")],
                                            range=["#2e7d32", "#bdbdbd"])),
            tooltip=[alt.Tooltip("hosting_label:N", title=t("application.hosting")),
                     alt.Tooltip("integration:N", title=t("unit.integration")),
                     alt.Tooltip("count:Q", title=t("unit.count"))],
        ).properties(height=200), where=right)

    if totals.past_life:
        with st.expander(t("unit.past_life_list", count=len(totals.past_life)), icon=":material/history:"):
            st.dataframe(pd.DataFrame({
                t("users.unit"): [r["unit"] for r in totals.past_life],
                t("device.category"): [r["category"] for r in totals.past_life],
                t("device.brand_model"): [r["brand_model"] for r in totals.past_life],
                t("device.serial_number"): [r["serial"] for r in totals.past_life],
                t("device.purchase_year"): [r["year"] for r in totals.past_life],
                t("unit.age"): [r["age"] for r in totals.past_life],
                t("inventory.useful_life"): [r["life"] for r in totals.past_life],
            }), hide_index=True, width="stretch")
