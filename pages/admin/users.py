"""Admin → Pengguna: accounts, roles and units; reset passwords and unlock; every change audited."""

import pandas as pd
import streamlit as st

from core.access import Role
from core.errors import MonevError, checked
from core.org import logins, passwords, units, users
from pages.common.shell import call, flash, form_data, guard, moment, role_label, save, show_error, show_flash, t

guard("admin_users")
st.title(t("admin_users.title"))
show_flash()

failures = call(logins.throttled)
accounts = call(users.list_users)
unit_list = call(units.list_units)
unit_by_id = {u.id: u for u in unit_list}
ROLES = [r.value for r in Role]
UNIT_CHOICES = [None] + [u.id for u in unit_list]


def unit_label(unit_id: int | None) -> str:
    return t("admin_users.no_unit") if unit_id is None else f"{unit_by_id[unit_id].name} ({unit_by_id[unit_id].code})"


one_time = st.session_state.pop("_one_time_password", None)
if one_time:
    st.warning(t("admin_users.password_once", username=one_time[0], password=one_time[1]), icon=":material/key:")

tab_list, tab_add, tab_edit, tab_password = st.tabs(
    [t("admin_users.tab_list"), t("admin_users.tab_add"), t("admin_users.tab_edit"), t("admin_users.tab_password")]
)

with tab_list:
    st.dataframe(
        pd.DataFrame({
            t("users.username"): [u.username for u in accounts],
            t("users.display_name"): [u.display_name for u in accounts],
            t("users.role"): [role_label(u.role) for u in accounts],
            t("users.unit"): [unit_by_id[u.unit_id].short_name if u.unit_id in unit_by_id else "" for u in accounts],
            t("users.active"): [u.active for u in accounts],
            t("users.failed_logins"): [failures.get(u.username, 0) for u in accounts],
            t("users.last_login"): [moment(u.last_login_at) if u.last_login_at else "" for u in accounts],
        }),
        hide_index=True, width="stretch",
    )

with tab_add, st.form("user_add"):
    a, b = st.columns(2)
    username = a.text_input(t("users.username"), key="user_add_username", help=t("admin_users.username_help"))
    display_name = b.text_input(t("users.display_name"), key="user_add_name")
    c, d = st.columns(2)
    role = c.selectbox(t("users.role"), ROLES, format_func=role_label, key="user_add_role")
    unit_id = d.selectbox(t("users.unit"), UNIT_CHOICES, format_func=unit_label, key="user_add_unit",
                          help=t("admin_users.unit_help"))
    password = st.text_input(t("admin_users.initial_password"), type="password", key="user_add_password",
                             help=t("admin_users.initial_password_help"))
    if st.form_submit_button(t("common.save"), type="primary"):
        chosen = password or passwords.random_password()
        try:
            created = call(users.create_user, data=checked(
                users.UserCreate, username=username, display_name=display_name, role=role, unit_id=unit_id,
                password=chosen))
        except MonevError as exc:
            show_error(exc)
        else:
            if not password:
                st.session_state["_one_time_password"] = (created.username, chosen)
            flash(t("admin_users.created", username=created.username))

by_id = {u.id: u for u in accounts}
with tab_edit:
    pick = st.selectbox(t("admin_users.pick"), list(by_id), key="user_edit_pick",
                        format_func=lambda i: f"{by_id[i].username} · {by_id[i].display_name}")
    if pick is not None:
        current = by_id[pick]
        with st.form(f"user_edit_{pick}"):
            name = st.text_input(t("users.display_name"), value=current.display_name, key=f"user_edit_name_{pick}")
            c, d = st.columns(2)
            new_role = c.selectbox(t("users.role"), ROLES, index=ROLES.index(current.role), format_func=role_label,
                                   key=f"user_edit_role_{pick}")
            new_unit = d.selectbox(t("users.unit"), UNIT_CHOICES, format_func=unit_label, key=f"user_edit_unit_{pick}",
                                   index=UNIT_CHOICES.index(current.unit_id) if current.unit_id in UNIT_CHOICES else 0)
            active = st.checkbox(t("users.active"), value=current.active, key=f"user_edit_active_{pick}")
            if st.form_submit_button(t("common.save"), type="primary"):
                data = form_data(users.UserUpdate, display_name=name, role=new_role, unit_id=new_unit, active=active)
                if data is not None:
                    save(users.update_user, t("common.saved"), user_id=pick, data=data)

with tab_password:
    target = st.selectbox(t("admin_users.pick"), list(by_id), key="user_pw_pick",
                          format_func=lambda i: f"{by_id[i].username} · {by_id[i].display_name}")
    if target is not None:
        st.caption(t("admin_users.reset_help"))
        left, right = st.columns(2)
        if left.button(t("admin_users.reset"), key="user_pw_reset", type="primary"):
            try:
                new_password = call(users.reset_password, user_id=target)
                st.session_state["_one_time_password"] = (by_id[target].username, new_password)
                flash(t("admin_users.reset_done", username=by_id[target].username))
            except MonevError as exc:
                show_error(exc)
        if failures.get(by_id[target].username) and right.button(t("admin_users.unlock"), key="user_unlock",
                                                                  help=t("admin_users.unlock_help")):
            save(logins.clear, t("admin_users.unlocked", username=by_id[target].username),
                 username=by_id[target].username)
