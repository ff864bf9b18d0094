"""Perangkat: every device of the units in scope, editable in place, with the Excel round trip."""

import pandas as pd
import streamlit as st

from core import inventory
from pages.common.shell import cached, ctx, guard, save, show_flash, t
from pages.inventory.common import page

guard("devices")
c = ctx()
st.title(t("page.devices"))
show_flash()
st.caption(t("inventory.depreciation", method=t(f"depreciation.{c.settings.depreciation}")))


def useful_life() -> None:
    """The categories and their useful life; an admin changes a life here and every device follows."""
    rows = cached(inventory.categories)
    frame = pd.DataFrame({"code": [r.code for r in rows], "name": [r.name for r in rows],
                          "years": [r.useful_life_years for r in rows]})
    config = {"code": None, "name": st.column_config.TextColumn(t("inventory.category"), disabled=True),
              "years": st.column_config.NumberColumn(t("inventory.useful_life"), min_value=1, max_value=30, step=1,
                                                     disabled=not c.viewer.is_admin)}
    edited = st.data_editor(frame, hide_index=True, column_config=config, key="useful_life_editor")
    if not c.viewer.is_admin:
        return
    changed = {code: int(years) for code, years, before in zip(frame["code"], edited["years"], frame["years"],
                                                               strict=True) if years != before}
    if changed and st.button(t("inventory.save"), type="primary", key="useful_life_save"):
        save(inventory.set_useful_lives, t("common.saved"), lives=changed)


page("device", [(t("inventory.tab_lists"), useful_life)])
