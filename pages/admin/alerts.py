"""Admin → Notifikasi: alert channels (Telegram, e-mail, webhook), a test-send button, the delivery log."""

import pandas as pd
import streamlit as st

from core.alerts import alerts, notify
from core.alerts.channels import CHANNELS
from core.errors import MonevError
from core.monitoring import incidents
from core.org import units
from pages.common.shell import call, ctx, flash, form_data, guard, moment, plain, save, show_error, show_flash, t

guard("admin_alerts")
c = ctx()
st.title(t("admin_alerts.title"))
st.caption(t("admin_alerts.intro", hours=f"{c.settings.alert_reminder_h:g}", days=c.settings.alert_cert_days))
show_flash()

unit_by_id = {u.id: u for u in call(units.list_units)}
channels = call(alerts.list_channels)
KINDS = list(CHANNELS)


def recipient(unit_id: int | None) -> str:
    return t("admin_alerts.all_units") if unit_id is None else unit_by_id[unit_id].name if unit_id in unit_by_id else "–"


st.subheader(t("admin_alerts.channels"))
if not channels:
    st.info(t("admin_alerts.none"), icon=":material/notifications_off:")
for channel in channels:
    with st.container(border=True):
        a, b, d = st.columns([3, 4, 1.3], vertical_alignment="center")
        a.text(channel.name)  # as text: a name is data, never markdown
        a.caption(f"{t(f'channel.{channel.kind}')} · {plain(recipient(channel.unit_id))}"
                  + (f" · {t('alert.escalation_channel')}" if channel.escalation else "")
                  + ("" if channel.enabled else f" · {t('admin_targets.enabled')}: ✗"))
        b.code(channel.address, language=None)
        if d.button(t("admin_alerts.test"), key=f"test_{channel.id}", icon=":material/send:",
                    disabled=not channel.enabled):
            try:
                delivery = notify.test_now(c.engine, c.settings, viewer=c.viewer, channel_id=channel.id)
            except MonevError as exc:
                show_error(exc)
            else:
                if delivery.status == "sent":
                    flash(t("admin_alerts.test_sent", name=channel.name))
                st.error(t("admin_alerts.test_failed", name=channel.name, error=delivery.last_error),
                         icon=":material/error:")


def channel_form(key: str, current=None) -> alerts.ChannelCreate | None:
    with st.form(key):
        a, b = st.columns(2)
        name = a.text_input(t("admin_alerts.name"), value=current.name if current else "", key=f"{key}_name")
        kind = b.selectbox(t("admin_alerts.kind"), KINDS, format_func=lambda k: t(f"channel.{k}"),
                           index=KINDS.index(current.kind) if current else 0, key=f"{key}_kind")
        address = st.text_input(t("admin_alerts.address"), value=current.address if current else "",
                                help=t("admin_alerts.address_help"), key=f"{key}_address")
        a, b = st.columns(2)
        secret = a.text_input(t("admin_alerts.secret"), type="password", help=t("admin_alerts.secret_help"),
                              key=f"{key}_secret")
        options = [None, *unit_by_id]
        unit_id = b.selectbox(t("admin_alerts.unit"), options, format_func=recipient,
                              index=options.index(current.unit_id) if current else 0, key=f"{key}_unit")
        enabled = st.checkbox(t("admin_alerts.enabled"), value=current.enabled if current else True,
                              key=f"{key}_enabled")
        escalation = st.checkbox(t("alert.escalation_channel"), value=current.escalation if current else False,
                                 help=t("alert.escalation_channel_help"), key=f"{key}_escalation")
        if not st.form_submit_button(t("common.save"), type="primary"):
            return None
    return form_data(alerts.ChannelCreate, name=name, kind=kind, address=address, secret=secret, unit_id=unit_id,
                     enabled=enabled, escalation=escalation)


tab_add, tab_edit, tab_escalation, tab_log = st.tabs([t("admin_alerts.tab_add"), t("admin_alerts.tab_edit"),
                                                      t("escalation.heading"), t("admin_alerts.tab_log")])
with tab_add:
    data = channel_form("channel_add")
    if data is not None:
        save(alerts.create_channel, lambda made: t("admin_alerts.created", name=made.name), data=data)

with tab_edit:
    if channels:
        by_id = {ch.id: ch for ch in channels}
        pick = st.selectbox(t("admin_alerts.pick"), list(by_id), format_func=lambda i: by_id[i].name,
                            key="channel_edit_pick")
        data = channel_form(f"channel_edit_{pick}", by_id[pick])
        if data is not None:
            save(alerts.update_channel, t("common.saved"), channel_id=pick, data=data)

with tab_escalation:
    st.caption(t("escalation.help"))
    current = call(incidents.escalation_minutes)
    with st.form("escalation_minutes"):
        cols = st.columns(len(current))
        wanted = {level: int(cols[n].number_input(t("escalation.minutes", criticality=t(f"criticality.{level}")),
                                                   min_value=1, max_value=7 * 24 * 60, step=5, value=minutes,
                                                   key=f"escalation_{level}"))
                  for n, (level, minutes) in enumerate(current.items())}
        if st.form_submit_button(t("escalation.save"), type="primary"):
            save(incidents.set_escalation_minutes, t("escalation.saved"), minutes=wanted)

with tab_log:
    log = call(alerts.list_deliveries)
    if not log:
        st.caption(t("admin_alerts.log_empty"))
    else:
        st.dataframe(pd.DataFrame({
            t("admin_alerts.log_when"): [moment(d.alert.at) for d in log],
            t("admin_alerts.log_event"): [t(f"alert_kind.{d.alert.kind}") for d in log],
            t("admin_alerts.log_target"): [" — ".join(filter(None, (d.target_name, d.unit_name))) or "–" for d in log],
            t("admin_alerts.log_channel"): [d.channel.name for d in log],
            t("admin_alerts.log_status"): [t(f"delivery.{d.delivery.status}") for d in log],
            t("admin_alerts.log_attempts"): [d.delivery.attempts for d in log],
            t("admin_alerts.log_error"): [d.delivery.last_error for d in log],
        }), hide_index=True, width="stretch")
