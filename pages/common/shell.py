"""What every page shares: the request context set by app.py, translation, guarded core calls."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

from core import charts, formatting
from core.access import Viewer
from core.config import Settings
from core.errors import ImportRejected, MonevError, StoreUnavailable, checked
from core.i18n import t as translate
from core.navigation import can_open
from core.records.sheets import Limits
from db.engine import STORE_AWAY, session_scope

CTX_KEY = "_monev_ctx"
# Read results are shared between reruns and sessions for at most half a refresh of the live wall.
CACHE_TTL_S = 5
BASE_TTL_S = 120  # the budget page's needs and measured figures: reloaded every 2 min or after any save


@dataclass(frozen=True)
class Ctx:
    settings: Settings
    engine: Engine
    viewer: Viewer
    lang: str


def ctx() -> Ctx:
    return st.session_state[CTX_KEY]


def _lang() -> str:
    return st.session_state.get(CTX_KEY).lang if CTX_KEY in st.session_state else st.session_state.get("lang", "id")


def plain(value) -> str:
    """Data (a name, a file name, what a device sent, a reason) as markdown that shows it exactly as it is:
    no link, image, colour, icon, maths or HTML can come from it. The one way pages put data into text that
    Streamlit reads as markdown (titles, captions, messages, labels, st.table cells)."""
    return formatting.escape_markdown(value)


def t(key: str, **params) -> str:
    """A catalogue message for a markdown element (most of them are): the values put into it are data and
    are shown literally (see `plain`)."""
    return translate(key, _lang(), **{k: plain(v) if isinstance(v, str) else v for k, v in params.items()})


def text(key: str, **params) -> str:
    """A catalogue message for an element that shows text as it is (table cells, select options, charts)."""
    return translate(key, _lang(), **params)


def guard(page_key: str) -> Ctx:
    """Stop the page with 'not allowed' unless the viewer's role may open it."""
    current = st.session_state.get(CTX_KEY)
    if current is None or not can_open(current.viewer, page_key):
        not_allowed()
        st.stop()
    return current


def not_allowed() -> None:
    st.error(t("error.page_not_allowed"), icon=":material/block:")


def _run(engine: Engine, fn: Callable[..., Any], viewer: Viewer, kwargs: dict) -> Any:
    """`fn` in one transaction; a store that is locked, restarting or gone is StoreUnavailable, which the
    page shows as a sentence ("try again"), never as a driver's exception: "not saved, your input is still
    in the form" when a write failed (a locked SQLite fails there), "cannot be read yet" otherwise."""
    try:
        with session_scope(engine) as session:
            return fn(session=session, viewer=viewer, **kwargs)
    except STORE_AWAY as exc:
        statement = (getattr(exc, "statement", None) or "").lstrip().upper()
        writing = statement.startswith(("INSERT", "UPDATE", "DELETE"))
        raise StoreUnavailable("store.save_failed" if writing else "store.busy") from exc


def call(fn: Callable[..., Any], **kwargs) -> Any:
    """Run a core function for the viewer in one transaction: committed on success, rolled back on error."""
    c = ctx()
    return _run(c.engine, fn, c.viewer, kwargs)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=2000, show_spinner=False)
def _cached_call_keyed(store: str, name: str, viewer_key: tuple, args: str, _fn, _engine, _viewer, _kwargs) -> Any:
    # Streamlit hashes only the parameters without a leading underscore: the key is the first four.
    return _run(_engine, _fn, _viewer, _kwargs)


def cached(fn: Callable[..., Any], **kwargs) -> Any:
    """`call` for reads whose answer may be up to CACHE_TTL_S old; keyed by store, viewer and arguments,
    so one viewer's rows never reach another. Every write through `save` empties the cache."""
    c = ctx()
    viewer = c.viewer
    return _cached_call_keyed(c.engine.url.render_as_string(), f"{fn.__module__}.{fn.__qualname__}",
                              (viewer.user_id, viewer.role.value, viewer.unit_id), repr(sorted(kwargs.items())),
                              fn, c.engine, viewer, kwargs)


@st.cache_data(ttl=BASE_TTL_S, max_entries=20, show_spinner=False)
def _kept_call_keyed(store: str, name: str, viewer_key: tuple, args: str, _fn, _engine, _viewer, _kwargs) -> Any:
    return _run(_engine, _fn, _viewer, _kwargs)


def kept(fn: Callable[..., Any], **kwargs) -> Any:
    """`cached` for the heavy inputs a page reuses while its controls move (a budget's needs and measured
    figures), kept BASE_TTL_S; every write through `save` empties it too."""
    c = ctx()
    viewer = c.viewer
    return _kept_call_keyed(c.engine.url.render_as_string(), f"{fn.__module__}.{fn.__qualname__}",
                            (viewer.user_id, viewer.role.value, viewer.unit_id), repr(sorted(kwargs.items())),
                            fn, c.engine, viewer, kwargs)


def deferred(fn: Callable[..., Any], **kwargs) -> Callable[[], Any]:
    """`call` later, e.g. when a download button is clicked, for the viewer of this run."""
    c = ctx()

    def run():
        return _run(c.engine, fn, c.viewer, kwargs)
    return run


def clear_cache() -> None:
    _cached_call_keyed.clear()
    _kept_call_keyed.clear()


def chart(spec, where=None) -> None:
    """An Altair chart across its container, its numbers and dates read in the viewer's language."""
    (where or st).altair_chart(charts.localised(spec, ctx().lang), width="stretch")


def show_error(exc: MonevError) -> None:
    icon = ":material/cloud_off:" if isinstance(exc, StoreUnavailable) else ":material/error:"
    st.error(exc.message(ctx().lang, escape=plain), icon=icon)
    if isinstance(exc, ImportRejected):
        sheets = any(p.sheet for p in exc.problems)
        st.dataframe(
            [{**({t("import.col_sheet"): p.sheet or "-"} if sheets else {}), t("import.col_row"): p.row or "-",
              t("import.col_column"): p.column_label(ctx().lang), t("import.col_problem"): p.message(ctx().lang)}
             for p in exc.problems],
            hide_index=True, width="stretch",
        )


def moment(value) -> str:
    c = ctx()
    return formatting.moment(value, c.settings.zone, c.lang)


def kind_label(kind: str) -> str:
    return t(f"kind.{kind}")


def role_label(role: str) -> str:
    return t(f"role.{role}")


def flash(message: str) -> None:
    """Show `message` after a rerun, so lists drawn above a form reflect the change just saved."""
    st.session_state["_flash"] = message
    st.rerun()


def show_flash() -> None:
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def import_limits() -> Limits:
    """What one upload may weigh: the settings, and never more than Streamlit itself accepts."""
    settings = ctx().settings
    megabytes = min(settings.upload_max_mb, int(st.get_option("server.maxUploadSize")))
    return Limits(max_bytes=megabytes * 2**20, max_rows=settings.import_max_rows)


def uploader(label: str, types: list[str], key: str, where=st):
    """An import's file uploader: Streamlit refuses a larger file itself, and the limits are stated under it."""
    limits = import_limits()
    megabytes = limits.max_bytes // 2**20
    return where.file_uploader(label, type=types, key=key, max_upload_size=megabytes, help=t(
        "import.limits", mb=formatting.number(megabytes), rows=formatting.number(limits.max_rows)))


def form_data(model, **fields):
    """A create/update model from a form's fields; None (with the error shown) when a field breaks a limit
    the model declares."""
    try:
        return checked(model, **fields)
    except MonevError as exc:
        show_error(exc)
        return None


def save(fn: Callable[..., Any], done: str | Callable[[Any], str], **kwargs) -> None:
    """A core write for the viewer: on success `done` is shown after a rerun, a MonevError is shown here. No
    rerun on failure, so the form keeps what the user typed (a busy store says: try again)."""
    try:
        result = call(fn, **kwargs)
    except MonevError as exc:
        show_error(exc)
        return
    clear_cache()
    flash(done(result) if callable(done) else done)
