"""Akun: who I am, and changing my own password."""

import streamlit as st

from core.errors import MonevError
from core.org import users
from pages.common.shell import call, ctx, guard, plain, role_label, show_error, t

guard("account")
c = ctx()
st.title(t("account.title"))
st.markdown(f"**{plain(c.viewer.display_name)}** · {plain(c.viewer.username)} · {role_label(c.viewer.role)}")

with st.form("change_password", clear_on_submit=True):
    st.subheader(t("account.change_password"))
    current = st.text_input(t("account.current_password"), type="password", key="pw_current")
    new = st.text_input(t("account.new_password"), type="password", key="pw_new")
    repeat = st.text_input(t("account.repeat_password"), type="password", key="pw_repeat")
    if st.form_submit_button(t("common.save"), type="primary"):
        if new != repeat:
            st.error(t("account.mismatch"))
        else:
            try:
                call(users.change_own_password, current=current, new=new)
                st.session_state["_renew_cookie"] = True  # earlier cookies are revoked; this session gets a new one
                st.success(t("account.changed"))
            except MonevError as exc:
                show_error(exc)
