"""Perangkat: every device of the units in scope, editable in place, with the Excel round trip."""

import streamlit as st

from core.inventory import lists
from core.inventory.kinds import DEVICE
from pages.common.shell import cached, ctx, guard, show_flash, t
from pages.inventory.common import list_editor, page

guard("devices")
c = ctx()
st.title(t("page.devices"))
show_flash()
st.caption(t("inventory.depreciation", method=t(f"depreciation.{c.settings.depreciation}")))


def useful_life() -> None:
    """The categories and their useful life; a changed life moves every device's past-life flag."""
    list_editor("category", cached(lists.categories), {
        "code": (t("inventory.code"), "text"), "name": (t("inventory.category"), "text"),
        "useful_life_years": (t("inventory.useful_life"), "number")})


page(DEVICE, [(t("inventory.tab_lists"), useful_life)])
