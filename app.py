"""Monev TIK entry point: settings, store, login, and the menu built for the viewer's role."""

import atexit
import logging

import streamlit as st
import streamlit_authenticator as stauth
from extra_streamlit_components.CookieManager import _component_func as cookie_component
from sqlalchemy.engine import Engine

from core.alerts.notify import Notifier
from core.config import Settings, load_settings
from core.demo import demo_logins
from core.errors import LoginFailed, LoginThrottled, MonevError, StoreUnavailable
from core.i18n import LANGUAGES, t
from core.navigation import LANDING, PAGES
from core.org import logins, users
from core.org.cookies import read_token, sign_token
from core.startup import NOTIFIER_ROUNDS, open_store, prepare, process_worker
from db.engine import STORE_AWAY, session_scope
from pages.common.shell import CTX_KEY, Ctx, not_allowed, plain
from probes.store import Retention
from probes.worker import ProbeWorker, WorkerThread

log = logging.getLogger("monev")

st.set_page_config(page_title="Monev TIK", page_icon=":material/monitor_heart:", layout="wide")


@st.cache_resource(show_spinner=False)
def _store(url: str, demo: bool, _settings: Settings) -> Engine:
    """Once per process and store: migrate to head, fill an empty store, print a first-admin notice."""
    engine = open_store(_settings)
    notice = prepare(engine, _settings)
    if notice:
        print(notice, flush=True)  # the console is the only place the first admin password ever appears
    return engine


@st.cache_resource(show_spinner=False)
def _probe_worker(url: str, _engine: Engine, _settings: Settings) -> WorkerThread:
    """The probe worker, once per process: reruns and other browser sessions reuse this one."""
    runner = WorkerThread(ProbeWorker(_engine, zone=_settings.zone, name=_settings.worker_name or None,
                                      lease_s=_settings.probe_lease_s,
                                      keep=Retention(**_settings.retention())),
                          Notifier(_engine, _settings, rounds=NOTIFIER_ROUNDS)).start()
    atexit.register(runner.stop)
    return runner


def _fatal(message: str) -> None:
    st.error(message, icon=":material/error:")
    st.stop()


def _language(settings: Settings) -> str:
    return st.session_state.setdefault("lang", settings.language)


def _language_picker(lang: str, key: str, engine: Engine | None = None, viewer=None) -> None:
    def changed():
        st.session_state.lang = st.session_state[key]
        st.session_state["_lang_chosen"] = True  # chosen on the login page: it wins over the stored one
        if engine is not None and viewer is not None:
            with session_scope(engine) as s:
                users.set_language(session=s, viewer=viewer, language=st.session_state.lang)

    st.selectbox(
        t("shell.language", lang), options=list(LANGUAGES), index=list(LANGUAGES).index(lang),
        format_func=LANGUAGES.get, key=key, on_change=changed,
    )


def _client(settings: Settings) -> str:
    """Where a login comes from: the peer's address, or behind MONEV_TRUSTED_PROXIES proxies (Caddy, nginx)
    the address the nearest of them was asked by (its X-Forwarded-For entry); never a header alone."""
    peer = st.context.ip_address
    peer = peer if isinstance(peer, str) else ""  # no peer outside a browser session (AppTest)
    return logins.client_address(peer, st.context.headers.get("X-Forwarded-For") or "", settings.trusted_proxies)


def _login_placeholder() -> None:
    """Never run: the login form is drawn before any page."""


def _login_routes(lang: str) -> None:
    """Every page's URL known while logged out, so a bookmark or a link in an alert (https://host/target?id=7)
    shows the login form, not Streamlit's English "Page not found", and opens that page once logged in: the
    page a URL names has the same identity in this list and in the menu built after the login."""
    st.navigation([st.Page(_login_placeholder, title=t("app.title", lang), default=True)]
                  + [st.Page(_login_placeholder, title=t(spec.title_key, lang), url_path=path)
                     for spec in PAGES for path in (spec.url_path, f"{spec.url_path}-beranda")], position="hidden")


def _login_form(settings: Settings, engine: Engine, lang: str) -> bool:
    """Our own form, so lockout lives in core/; the cookie signed in the library's format. True once logged in."""
    box = st.empty()
    with box.container():
        left, mid, right = st.columns([1, 2, 1])
        with mid:
            st.title(t("app.title", lang))
            st.caption(t("app.subtitle", lang, org=settings.org_name))
            _language_picker(lang, "_lang_login")
            with st.form("login"):
                st.subheader(t("login.heading", lang))
                username = st.text_input(t("login.username", lang), key="login_username")
                password = st.text_input(t("login.password", lang), type="password", key="login_password")
                submitted = st.form_submit_button(t("login.submit", lang), type="primary")
            error = None
            if submitted:
                with session_scope(engine) as s:  # commit even on failure: the attempt must count
                    try:
                        user = logins.authenticate(session=s, username=username, password=password,
                                                   client=_client(settings))
                        st.session_state.update(
                            authentication_status=True, username=user.username, name=user.display_name,
                            roles=[user.role], logout=None,
                        )
                        if st.session_state.pop("_lang_chosen", False):  # picked on this login page: kept
                            users.set_language(session=s, viewer=users.load_viewer(session=s, username=user.username),
                                               language=st.session_state.lang)
                        elif user.language:
                            st.session_state.lang = user.language
                    except (LoginFailed, LoginThrottled) as exc:
                        error = exc
            if error is not None:
                st.error(error.message(lang, escape=plain), icon=":material/lock:")
            if settings.demo:
                st.info(t("login.demo_notice", lang), icon=":material/info:")
                st.dataframe(
                    [{t("login.username", lang): d["username"], t("login.password", lang): d["password"],
                      t("users.role", lang): t(f"role.{d['role']}", lang), t("users.unit", lang): d["unit"]}
                     for d in demo_logins()],
                    hide_index=True, width="stretch",
                )
    if st.session_state.get("authentication_status"):
        box.empty()
        _issue_cookie(settings, st.session_state["username"])
        return True
    return False


def _issue_cookie(settings: Settings, username: str) -> None:
    """Sign this session's re-login cookie once; _write_cookie hands it to the browser.

    A component writes it, and a rerun that came before the browser had loaded that component's frame
    (a busy machine, a quick click) unmounted it: the cookie was never written and a reload asked for the
    password again. The signed token is kept instead, and the component drawn in every run until the
    browser answers that it has stored the cookie."""
    if settings.cookie_expiry_days == 0:
        return  # cookies turned off: nothing to write
    token, expires = sign_token(username, settings.secret_cookie_key(), settings.cookie_expiry_days)
    serial = st.session_state.get("_cookie_serial", 0) + 1  # a fresh component key per cookie (a renewal too)
    st.session_state["_cookie_serial"] = serial
    st.session_state["_cookie_pending"] = (settings.cookie_name, token, expires, f"_cookie_set_{serial}")


def _write_cookie() -> None:
    """Draw the cookie component until the browser reports the cookie stored (the component's value).

    The component is extra-streamlit-components' own (pinned in requirements.txt), called directly: its
    CookieManager class would first draw a second component that reads every cookie and reruns the page."""
    pending = st.session_state.get("_cookie_pending")
    if pending is None:
        return
    name, token, expires, key = pending
    if st.session_state.get(key) is True:
        st.session_state.pop("_cookie_pending", None)
        return
    cookie_component(method="set", cookie=name, value=token, key=key, default=False,
                     options={"path": "/", "expires": expires.isoformat(), "sameSite": "strict"})


def _authenticator(settings: Settings, engine: Engine) -> stauth.Authenticate:
    """The library object, used to delete the cookie at logout. It renders a component: create it only then."""
    with session_scope(engine) as s:
        credentials = users.credentials(session=s)
    return stauth.Authenticate(
        credentials, settings.cookie_name, settings.secret_cookie_key(), settings.cookie_expiry_days,
        auto_hash=False, login_sleep_time=0,
    )


def _current_viewer(settings: Settings, engine: Engine):
    """The logged-in viewer from this session, or from a valid cookie after a reload; None if neither."""
    username, issued_at = None, None
    if st.session_state.get("authentication_status"):
        username = st.session_state.get("username")
    elif not st.session_state.get("logout"):
        cookie = read_token(st.context.cookies.get(settings.cookie_name), settings.secret_cookie_key(),
                            settings.cookie_expiry_days)
        if cookie is not None:
            username, issued_at = cookie.username, cookie.issued_at
    if username is None:
        return None
    restored = not st.session_state.get("authentication_status")
    with session_scope(engine) as s:
        viewer = users.load_viewer(session=s, username=username, cookie_issued_at=issued_at)
        stored = users.language_of(session=s, viewer=viewer) if viewer is not None and restored else None
    if stored:  # a new browser session restored from the cookie reads in the account's own language
        st.session_state.lang = stored
    if viewer is not None:
        st.session_state.update(authentication_status=True, username=viewer.username, name=viewer.display_name,
                                roles=[viewer.role], logout=None)
    return viewer


def _log_out(settings: Settings, engine: Engine, viewer_name: str | None) -> None:
    """Revoke this account's cookies in the store, then let the library clear the session and the cookie.

    The revocation is what counts: the library deletes the cookie from a component that a rerun can
    unmount before the browser has run it, and a reload must not log the user back in.
    """
    if viewer_name:
        with session_scope(engine) as s:
            viewer = users.load_viewer(session=s, username=viewer_name)
            if viewer is not None:
                users.end_sessions(session=s, viewer=viewer)
    st.session_state.pop("_cookie_pending", None)  # a cookie not yet written is never written after this
    authenticator = _authenticator(settings, engine)
    authenticator.logout(location="unrendered")
    st.session_state.pop(CTX_KEY, None)


def _request_logout() -> None:
    st.session_state["_logout_requested"] = True


def _sidebar(ctx: Ctx) -> None:
    with st.sidebar:
        st.markdown(f"**{plain(ctx.settings.org_name)}**")
        st.caption(f"{plain(ctx.viewer.display_name)} · {t('role.' + ctx.viewer.role, ctx.lang)}")
        _language_picker(ctx.lang, "_lang_sidebar", ctx.engine, ctx.viewer)
        st.button(t("shell.logout", ctx.lang), key="logout_button", on_click=_request_logout, width="stretch",
                  icon=":material/logout:")


def _navigation(ctx: Ctx):
    sections: dict[str, list] = {"": []}
    landing = LANDING[ctx.viewer.role]
    for spec in PAGES:
        allowed = ctx.viewer.role in spec.roles
        default = spec.key == landing
        page = st.Page(
            spec.script if allowed else not_allowed,
            title=t(spec.title_key_for(ctx.viewer.role), ctx.lang), icon=spec.icon,
            # The landing page is served at "/" while still reserving its url_path, which Streamlit
            # then answers with "page not found"; it takes a path of its own and a hidden twin keeps
            # the page's usual URL (a presenter's bookmarked /status) working.
            url_path=f"{spec.url_path}-beranda" if default else spec.url_path,
            default=default, visibility="visible" if allowed else "hidden",
        )
        # A page the role may not open stays routable (it answers "not allowed") but is never listed.
        section = t(spec.section_key, ctx.lang) if allowed else ""
        sections.setdefault(section, []).append(page)
        if default:
            sections[""].append(st.Page(spec.script, title=t(spec.title_key_for(ctx.viewer.role), ctx.lang), icon=spec.icon,
                                        url_path=spec.url_path, visibility="hidden"))
    # Expanded: an admin's menu has more entries than Streamlit shows before folding the rest under "View more".
    return st.navigation({name: pages for name, pages in sections.items() if pages}, expanded=True)


def main() -> None:
    """The page for this run; a store that is busy or away (a lock, a restart) is a sentence, not a traceback."""
    try:
        _main()
    except STORE_AWAY:
        st.error(t("store.busy", st.session_state.get("lang", "id")), icon=":material/cloud_off:")
    except StoreUnavailable as exc:
        st.error(exc.message(st.session_state.get("lang", "id")), icon=":material/cloud_off:")


def _own_words(lang: str) -> None:
    """Streamlit writes its input hints and its uploader's words in English only ("Press Enter to submit form",
    "Drag and drop file here", "Upload"): the hints and the uploader's instructions are hidden (Enter still
    submits; every uploader states its limits in our words under it) and its button says ours. Static CSS
    from the catalogue, no data in it."""
    button = t("upload.choose", lang).replace('"', "")
    st.html("<style>[data-testid='InputInstructions'],[data-testid='stFileUploaderDropzoneInstructions']"
            "{display:none}[data-testid='stFileUploaderDropzone'] button *{display:none}"
            f"[data-testid='stFileUploaderDropzone'] button::after{{content:\"{button}\";font-size:0.875rem}}"
            "</style>")


def _main() -> None:
    try:
        settings = load_settings()
    except MonevError as exc:
        _fatal(exc.message("id"))
    lang = _language(settings)
    _own_words(lang)
    try:
        engine = _store(settings.database_url, settings.demo, settings)
    except MonevError as exc:
        _fatal(exc.message(lang))
    if settings.worker_in_app and process_worker() is None:  # server.py's lifespan runs it otherwise
        _probe_worker(settings.database_url, engine, settings)

    # Everything about logging in (the form, the cookie components) lives in this one container, so the page
    # below it sits at the same place in the run that logs in and in every run after it: Streamlit then
    # redraws the landing page in place instead of showing it twice while the next run draws.
    with st.container():
        if st.session_state.pop("_logout_requested", False) and st.session_state.get("authentication_status"):
            _log_out(settings, engine, st.session_state.get("username"))
        viewer = _current_viewer(settings, engine)
        lang = st.session_state.get("lang", lang)  # a session restored from the cookie takes the account's language
        if viewer is None and st.session_state.get("authentication_status"):
            _log_out(settings, engine, None)  # deactivated or locked since logging in
        if viewer is None:
            _login_routes(lang)
            if not _login_form(settings, engine, lang):
                st.stop()
            viewer = _current_viewer(settings, engine)
            lang = st.session_state.lang

        if st.session_state.pop("_renew_cookie", False):
            # The password just changed, which revoked every earlier cookie: this session gets a fresh one.
            _issue_cookie(settings, viewer.username)
        _write_cookie()
    ctx = Ctx(settings=settings, engine=engine, viewer=viewer, lang=lang)
    st.session_state[CTX_KEY] = ctx
    page = _navigation(ctx)
    _sidebar(ctx)
    page.run()


main()
