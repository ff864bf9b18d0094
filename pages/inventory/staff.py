"""SDM TIK: the ICT staff of the units in scope with their SPBE competences, and each unit's headcount."""

import streamlit as st

from core.access import Role
from core.inventory import lists
from core.inventory.kinds import STAFF
from core.org import units
from pages.common.shell import cached, ctx, guard, save, show_flash, t
from pages.inventory.common import list_editor, page

guard("staff")
c = ctx()
st.title(t("page.staff"))
show_flash()


def headcount() -> None:
    """The total number of employees per unit, which the ratios on the Unit page divide by."""
    visible = cached(units.list_units)
    by_id = {u.id: u for u in visible}
    st.dataframe({t("unit.name"): [u.name for u in visible],
                  t("inventory.employees"): [u.employees for u in visible]}, hide_index=True, width="stretch",
                 height=300)
    if c.viewer.role not in (Role.ADMIN, Role.SKPD) or not visible:
        return
    with st.form("employees_form"):
        left, right = st.columns([3, 1])
        unit_id = left.selectbox(t("users.unit"), list(by_id), format_func=lambda i: by_id[i].name,
                                 key="employees_unit")
        number = right.number_input(t("inventory.employees"), 0, 100_000, value=by_id[unit_id].employees or 0,
                                    key="employees_number", help=t("inventory.employees_help"))
        if st.form_submit_button(t("common.save"), type="primary"):
            save(units.set_employees, t("inventory.employees_saved"), unit_id=unit_id, employees=int(number))


def position_list() -> None:
    list_editor("position", cached(lists.positions), {"code": (t("inventory.code"), "text"),
                                                          "name": (t("inventory.position"), "text")})


page(STAFF, [(t("inventory.employees"), headcount), (t("inventory.tab_positions"), position_list)])
