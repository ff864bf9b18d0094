"""Admin → Agen & API: probe agents in units' networks (enrolment codes, health, rotate, revoke) and the
tokens other city systems read the API with. A code or token is shown once, right after it is made."""

from datetime import datetime

import pandas as pd
import streamlit as st

from core import formatting
from core.agents import agents
from core.org import tokens, units
from db.types import utcnow
from pages.common.shell import call, ctx, guard, moment, save, show_flash, show_table, t
from probes.silence import SILENT_AFTER

guard("admin_agents")
c = ctx()
st.title(t("admin_agents.title"))
st.caption(t("admin_agents.intro", intervals=SILENT_AFTER))
show_flash()

unit_by_id = {u.id: u for u in call(units.list_units)}
now = utcnow()
SECRET = "_admin_agents_secret"  # (kind, name, value) shown once after the rerun that made it


def unit_names(ids: list[int]) -> str:
    return ", ".join(unit_by_id[i].short_name or unit_by_id[i].name for i in ids if i in unit_by_id) or "–"


def ago(at: datetime | None) -> str:
    if at is None:
        return t("admin_agents.never")
    seconds = (now - at).total_seconds()
    if seconds < 60:
        return f"{moment(at)} ({t('admin_agents.just_now')})"
    return f"{moment(at)} ({t('admin_agents.ago', span=formatting.duration(seconds, c.lang))})"


def keep_secret(kind: str, name: str, value: str) -> str:
    st.session_state[SECRET] = (kind, name, value)
    return t(f"admin_agents.{kind}_made", name=name)


shown = st.session_state.pop(SECRET, None)
if shown:
    kind, name, value = shown
    with st.container(border=True):
        st.markdown(f"**{t(f'admin_agents.{kind}_once')}**")
        st.code(value, language=None)
        if kind in ("code", "rotated"):
            st.caption(t("admin_agents.command"))
            st.code(f"python -m probes.agent --server {t('admin_agents.server_placeholder')} "
                    f"--state /var/lib/monev-agent --enrol {value}", language="bash")

tab_agents, tab_tokens = st.tabs([t("admin_agents.tab_agents"), t("admin_agents.tab_tokens")])
with tab_agents:
    rows = call(agents.list_agents)
    if not rows:
        st.info(t("admin_agents.none"), icon=":material/hub:")
    else:
        show_table(pd.DataFrame({
            t("admin_agents.name"): [r.name for r in rows],
            t("admin_agents.health"): [t(f"agent.health.{r.health}") for r in rows],
            t("admin_agents.units"): [unit_names(r.unit_ids) for r in rows],
            t("admin_agents.targets"): [r.targets for r in rows],
            t("admin_agents.last_seen"): [ago(r.last_seen_at) for r in rows],
            t("admin_agents.backlog"): [formatting.number(r.backlog, 0, c.lang) for r in rows],
            t("admin_agents.stored"): [formatting.number(r.stored, 0, c.lang) for r in rows],
            t("admin_agents.refused"): [formatting.number(r.refused, 0, c.lang) for r in rows],
        }))
        live = [r for r in rows if r.health != "revoked"]
        if live:
            by_id = {r.id: r for r in live}
            a, b, d = st.columns([3, 1.3, 1.3], vertical_alignment="bottom")
            chosen = a.selectbox(t("admin_agents.pick"), list(by_id), format_func=lambda i: by_id[i].name,
                                 key="agent_pick")
            if b.button(t("admin_agents.rotate"), icon=":material/key:", key="agent_rotate",
                        help=t("admin_agents.rotate_help")):
                save(agents.rotate, lambda code: keep_secret("rotated", by_id[chosen].name, code), agent_id=chosen)
            confirm = d.checkbox(t("admin_agents.revoke_confirm"), key="agent_revoke_ok")
            if d.button(t("admin_agents.revoke"), icon=":material/block:", key="agent_revoke", disabled=not confirm,
                        type="primary"):
                save(agents.revoke, t("admin_agents.revoked", name=by_id[chosen].name), agent_id=chosen)
            a, b = st.columns([3, 2.6], vertical_alignment="bottom")
            seconds = a.number_input(t("admin_agents.push_interval"), 5, 300, value=by_id[chosen].push_interval_s,
                                     key=f"agent_push_{chosen}", help=t("admin_agents.push_help",
                                                                        intervals=SILENT_AFTER))
            if b.button(t("admin_agents.push_save"), key="agent_push_save", icon=":material/save:"):
                save(agents.set_push_interval, t("admin_agents.push_saved", name=by_id[chosen].name),
                     agent_id=chosen, seconds=int(seconds))

    st.subheader(t("admin_agents.new"))
    with st.form("agent_new"):
        a, b = st.columns([1, 2])
        name = a.text_input(t("admin_agents.name"), key="agent_new_name", placeholder="agen-puskesmas-dinoyo")
        chosen_units = b.multiselect(t("admin_agents.units"), list(unit_by_id), key="agent_new_units",
                                     format_func=lambda i: unit_by_id[i].name, help=t("admin_agents.units_help"),
                                     placeholder=t("admin_agents.units_placeholder"))
        if st.form_submit_button(t("admin_agents.make_code"), type="primary", icon=":material/qr_code_2:"):
            save(agents.create_enrolment, lambda code: keep_secret("code", name.strip(), code), name=name,
                 unit_ids=chosen_units)
    waiting = call(agents.pending_codes)
    if waiting:
        st.caption(t("admin_agents.pending", count=len(waiting)))
        show_table(pd.DataFrame({
            t("admin_agents.name"): [w.name for w in waiting],
            t("admin_agents.units"): [unit_names(w.unit_ids) for w in waiting],
            t("admin_agents.expires"): [moment(w.expires_at) for w in waiting],
            t("admin_agents.made_by"): [w.created_by for w in waiting],
        }))

with tab_tokens:
    st.caption(t("admin_agents.tokens_intro"))
    listed = call(tokens.list_tokens)
    if listed:
        show_table(pd.DataFrame({
            t("admin_agents.name"): [k.name for k in listed],
            t("admin_agents.prefix"): [f"{k.prefix}…" for k in listed],
            t("admin_agents.role"): [t(f"role.{k.role}") for k in listed],
            t("admin_agents.scope"): [unit_names([k.unit_id]) if k.unit_id else t("admin_agents.all_units")
                                      for k in listed],
            t("admin_agents.last_used"): [ago(k.last_used_at) for k in listed],
            t("admin_agents.health"): [t("admin_agents.token_revoked") if k.revoked_at else t("admin_agents.token_live")
                                       for k in listed],
        }))
        live_tokens = {k.id: k for k in listed if k.revoked_at is None}
        if live_tokens:
            a, b = st.columns([3, 1.3], vertical_alignment="bottom")
            picked = a.selectbox(t("admin_agents.pick_token"), list(live_tokens), key="token_pick",
                                 format_func=lambda i: f"{live_tokens[i].name} ({live_tokens[i].prefix}…)")
            if b.button(t("admin_agents.revoke"), icon=":material/block:", key="token_revoke"):
                save(tokens.revoke, t("admin_agents.revoked", name=live_tokens[picked].name), token_id=picked)
    else:
        st.info(t("admin_agents.no_tokens"), icon=":material/key_off:")
    st.subheader(t("admin_agents.new_token"))
    with st.form("token_new"):
        a, b, d = st.columns([2, 1, 2])
        token_name = a.text_input(t("admin_agents.name"), key="token_new_name", placeholder="satu-data-malang")
        role = b.selectbox(t("admin_agents.role"), list(tokens.ROLES), format_func=lambda r: t(f"role.{r}"),
                           key="token_new_role")
        unit_id = d.selectbox(t("admin_agents.scope"), [None, *unit_by_id], key="token_new_unit",
                              format_func=lambda i: t("admin_agents.all_units") if i is None else unit_by_id[i].name,
                              help=t("admin_agents.scope_help"))
        if st.form_submit_button(t("admin_agents.make_token"), type="primary", icon=":material/key:"):
            save(tokens.issue, lambda made: keep_secret("token", made.token.name, made.secret), name=token_name,
                 role=role, unit_id=unit_id)
    st.caption(t("admin_agents.openapi"))
