"""Aplikasi: the register of information systems, their hosting and integration, with the Excel round trip."""

import streamlit as st

from core.inventory.kinds import APPLICATION
from pages.common.shell import guard, show_flash, t
from pages.inventory.common import page

guard("applications")
st.title(t("page.applications"))
show_flash()
page(APPLICATION)
