"""Layanan Digital: the register of digital services — owner, audience, targets, service hours and SLA
targets — with this month's compliance; operators manage their units' services, admin all."""

from datetime import time

import pandas as pd
import streamlit as st

from core import formatting
from core.access import Role
from core.inventory.kinds import APPLICATION
from core.monitoring import targets as target_reads
from core.org import units
from core.records import listing
from core.services import register, sla
from db.types import utcnow
from pages.common.shell import call, ctx, guard, number_field, pct, save, show_flash, t, text

guard("services")
c = ctx()
st.title(t("services.title"))
st.caption(t("services.caption"))
show_flash()
today = formatting.local(utcnow(), c.settings.zone).date()
month = sla.month_start(today)
rows = call(sla.city_month, month=month, zone=c.settings.zone)
names = {u.id: u.short_name or u.name for u in call(units.list_units)}
DAYS = [text(f"weekday.{d}") for d in range(7)]
SHORT = [text(f"weekday_short.{d}") for d in range(7)]


def hours(service) -> str:
    """Service hours as people write them: "Sen–Jum 07.30–16.00 WIB" or 24×7."""
    if len(service.days) == 7 and service.start_minute == 0 and service.end_minute == 1440:
        return "24×7"
    run = sorted(service.days)
    days = f"{SHORT[run[0]]}–{SHORT[run[-1]]}" if len(run) > 2 and run == list(range(run[0], run[-1] + 1)) \
        else ", ".join(SHORT[d] for d in run)
    clock = f"{service.start_minute // 60:02d}.{service.start_minute % 60:02d}–{service.end_minute // 60:02d}.{service.end_minute % 60:02d}"
    return f"{days} {clock} WIB" + (", " + text("services.holidays_off") if service.holidays_off else "")




if rows:
    st.dataframe(pd.DataFrame({
        text("services.name"): [r.service.name for r in rows],
        text("eval.unit"): [names.get(r.service.unit_id, "–") for r in rows],
        text("services.audience"): [text(f"services.audience.{r.service.audience}") for r in rows],
        text("services.hours"): [hours(r.service) for r in rows],
        text("services.sla_target"): [pct(r.service.sla_availability) for r in rows],
        text("services.this_month"): [pct(r.month.percent) for r in rows],
        text("services.met"): [text(f"services.met.{r.met}") for r in rows],
    }), hide_index=True, width="stretch", column_config={
        text("services.name"): st.column_config.TextColumn(width=210), text("eval.unit"): st.column_config.TextColumn(width=130),
        text("services.audience"): st.column_config.TextColumn(width=70),
        text("services.hours"): st.column_config.TextColumn(width=250)})
    st.caption(t("services.public_link"))
else:
    st.info(t("services.none"), icon=":material/info:")

if c.viewer.role in (Role.ADMIN, Role.SKPD):
    mine = [u for u in call(units.list_units)]
    visible_targets = {tg.id: f"{tg.name} ({names.get(tg.unit_id, '–')})" for tg, _state in
                       call(target_reads.list_targets)}
    by_id = {r.service.id: r.service for r in rows}
    apps = {row["id"]: row["name"] for row in call(listing.list_records, kind=APPLICATION)}
    st.subheader(t("services.edit"))
    choice = st.selectbox(t("services.which"), [None, *by_id], key="services_pick",
                          format_func=lambda i: text("services.new") if i is None else by_id[i].name)
    current = by_id.get(choice)
    with st.form(f"service_form_{choice}"):
        name = st.text_input(t("services.name"), value=current.name if current else "", max_chars=150, key="service_name")
        left, right = st.columns(2)
        unit_id = left.selectbox(t("eval.unit"), [u.id for u in mine], format_func=lambda i: names.get(i, "–"),
                                 index=[u.id for u in mine].index(current.unit_id) if current else 0)
        group = right.text_input(t("services.group"), value=current.group if current else "", max_chars=60,
                                 help=t("services.group_help"))
        description = st.text_input(t("services.description"), value=current.description if current else "",
                                    max_chars=300)
        audience = left.radio(t("services.audience"), register.AUDIENCES, horizontal=True,
                              index=register.AUDIENCES.index(current.audience) if current else 0,
                              format_func=lambda a: text(f"services.audience.{a}"))
        chosen = right.multiselect(t("services.targets"), list(visible_targets), placeholder=text("common.choose"), key="service_targets",
                                   default=[i for i in (current.target_ids if current else []) if i in visible_targets],
                                   format_func=visible_targets.get)
        linked = st.multiselect(t("services.applications"), list(apps), placeholder=text("common.choose"), format_func=apps.get,
                                default=[i for i in (current.application_ids if current else []) if i in apps])
        days = st.multiselect(t("services.days"), list(range(7)), placeholder=text("common.choose"), default=current.days if current else list(range(7)),
                              format_func=lambda d: DAYS[d])
        a, b, d = st.columns(3)
        start_min, end_min = (current.start_minute, current.end_minute) if current else (0, 1440)
        opens = a.time_input(t("services.opens"), value=time(start_min // 60, start_min % 60), step=900)
        closes = b.time_input(t("services.closes"), value=time(min(end_min, 1439) // 60, min(end_min, 1439) % 60),
                              help=t("services.closes_help"), step=60)
        holidays_off = d.checkbox(t("services.holidays_off_label"), value=current.holidays_off if current else False)
        a, b, d = st.columns(3)
        target_pct = number_field(t("services.sla_target"), min_value=50.0, max_value=100.0, decimals=3, where=a,
                                  value=float(current.sla_availability) if current else 99.0,
                                  key=f"service_sla_{choice}")
        p95 = b.number_input(t("services.sla_p95"), min_value=0, step=50,
                             value=int(current.sla_p95_ms or 0) if current else 1000, help=t("services.sla_p95_help"))
        complaint_h = number_field(t("services.sla_response"), min_value=0.0, max_value=8760.0, decimals=1, where=d,
                                   value=float(current.sla_response_h or 0) if current else 24.0,
                                   help=t("services.sla_response_help"), key=f"service_response_{choice}")
        support = st.text_input(t("services.support"), value=current.support_channel if current else "", max_chars=200)
        if st.form_submit_button(t("common.save"), type="primary", icon=":material/save:", key="service_save") \
                and target_pct is not None and complaint_h is not None:
            end_minute = 1440 if closes.hour == 23 and closes.minute == 59 else closes.hour * 60 + closes.minute
            data = dict(unit_id=unit_id, name=name, group=group, description=description, audience=audience,
                        target_ids=chosen, application_ids=linked, days=sorted(days), start_minute=opens.hour * 60 + opens.minute,
                        end_minute=end_minute, holidays_off=holidays_off, sla_availability=float(target_pct),
                        sla_p95_ms=int(p95) or None, sla_response_h=float(complaint_h) or None,
                        support_channel=support)
            save(register.save_service, t("services.saved", name=name), data=data, service_id=choice)
    if current is not None and st.button(t("common.delete"), icon=":material/delete:", key="service_delete"):
        save(register.delete_service, t("services.deleted"), service_id=current.id)
