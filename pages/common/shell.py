"""What every page shares: the request context set by app.py, translation, guarded core calls."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from core import charts, formatting
from core.access import Viewer
from core.config import Settings
from core.errors import ImportRejected, MonevError, NotReady, StoreUnavailable, checked
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


def prepared_download(where, what: str, fn: Callable[..., Any], *, key: str, file_name: str, mime: str,
                      **kwargs) -> None:
    """A download whose file takes seconds to make (a report of a hundred pages): a button that makes it
    while a status box says what it is doing (`fn` gets `progress(share, text)`), then the download button.
    The file is kept for this session until its arguments change, so a second click costs nothing."""
    c = ctx()
    slot = f"_prepared_{key}"
    stamp = repr(sorted(kwargs.items()))
    made = st.session_state.get(slot)
    if made is not None and made[0] == stamp:
        where.download_button(t("download.get", what=what), data=made[1], file_name=file_name, mime=mime, icon=":material/download:",
                              key=f"{key}_download", on_click="ignore", type="primary")
        return
    if not where.button(t("download.prepare", what=what), key=f"{key}_prepare", icon=":material/description:"):
        return
    with where.status(t("download.preparing", what=what), expanded=True) as box:
        bar = box.progress(0.0)

        def progress(share: float, text_: str) -> None:
            bar.progress(min(1.0, max(0.0, share)), text=text_)

        data = _run(c.engine, fn, c.viewer, {**kwargs, "progress": progress})
        box.update(label=t("download.ready", what=what), state="complete", expanded=False)
    st.session_state[slot] = (stamp, data)
    where.download_button(t("download.get", what=what), data=data, file_name=file_name, mime=mime, icon=":material/download:",
                          key=f"{key}_download", on_click="ignore", type="primary")


def clear_cache() -> None:
    _cached_call_keyed.clear()
    _kept_call_keyed.clear()


def chart(spec, where=None) -> None:
    """An Altair chart across its container, its numbers and dates read in the viewer's language."""
    (where or st).altair_chart(charts.localised(spec, ctx().lang), width="stretch")


def show_error(exc: MonevError) -> None:
    icon = ":material/cloud_off:" if isinstance(exc, StoreUnavailable) else ":material/error:"
    st.error(exc.message(ctx().lang, escape=plain), icon=icon)
    if isinstance(exc, ImportRejected) and not isinstance(exc, NotReady):  # a step not ready names its own
        sheets = any(p.sheet for p in exc.problems)
        # Every problem read whole: a long one wraps onto more lines, never cut.
        show_table(pd.DataFrame(
            [{**({text("import.col_sheet"): p.sheet or "-"} if sheets else {}),
              text("import.col_row"): p.row or "-", text("import.col_column"): p.column_label(ctx().lang),
              text("import.col_problem"): p.message(ctx().lang)} for p in exc.problems]),
            wrap=True, height=min(560, 38 + 35 * len(exc.problems)))


def num(value, decimals: int = 0) -> str:
    """A figure in the viewer's language (1.250.000 / 1,250,000); `–` when there is none."""
    return "–" if value is None else formatting.number(value, decimals, _lang())


def pct(value, decimals: int = 2) -> str:
    """A share in percent in the viewer's language: 99,95 % / 99.95 %."""
    return formatting.percent(value, decimals, _lang())


def money(value) -> str:
    """Rupiah in the viewer's language: Rp 1.250.000 / Rp 1,250,000."""
    return formatting.rupiah(value, _lang())


def number_field(label: str, *, key: str, value: float | None = None, min_value: float | None = None,
                 max_value: float | None = None, decimals: int = 2, help: str | None = None, where=st) -> float | None:
    """A number typed as the viewer writes it (99,5 or 1.250.000 in Indonesian, 99.5 or 1,250,000 in
    English) and shown back the same way, where Streamlit's number input would show "99.50". None, with
    the problem said under the field, when the text is not a number or lies outside the limits."""
    lang = _lang()
    if key not in st.session_state and value is not None:
        st.session_state[key] = formatting.number(value, decimals, lang, trim=True)
    typed = where.text_input(label, key=key, help=help)
    try:
        number = formatting.parse_number(typed, lang)
    except ValueError:
        where.error(t("input.not_a_number", label=label, example=formatting.number(1250.5, 1, lang)),
                    icon=":material/error:")
        return None
    if (min_value is not None and number < min_value) or (max_value is not None and number > max_value):
        where.error(t("input.out_of_range", label=label, low=num(min_value, decimals) if min_value is not None else "–",
                      high=num(max_value, decimals) if max_value is not None else "–"), icon=":material/error:")
        return None
    return round(number, decimals)


def moment(value) -> str:
    c = ctx()
    return formatting.moment(value, c.settings.zone, c.lang)


ROOM_PX = 940  # the main area beside the menu at 1440 px (978 px, less the grid's borders); halve it in two columns


def _text_px(text: str, per_char: float) -> int:
    return int(len(str(text)) * per_char) + 24


def header_px(label: str, editable: bool = False) -> int:
    """The width a grid header needs to show its text whole (Source Sans 14 px, padding, and the pencil
    of an editable column)."""
    return int(len(str(label)) * 7.2) + 20 + (20 if editable else 0)


def fit_columns(frame, room: int = ROOM_PX, config: dict | None = None) -> dict:
    """Column widths for a table so it fits `room` pixels with every header whole: each column gets at
    least its header's width, and what is left goes to the columns whose values are longer, in proportion
    (a long value is cut in its cell, never the header or a column off the edge). Merged into `config`."""
    config = dict(config or {})
    columns = [c for c in frame.columns if config.get(c) is not None or c not in config]
    header = {c: header_px(config[c].get("label") or c) if isinstance(config.get(c), dict) else header_px(c)
              for c in columns}
    natural = {c: min(420, max(header[c], max((_text_px(v, 7.0) for v in frame[c].head(200)), default=0)))
               for c in columns}
    if sum(natural.values()) > room:
        natural = _shared(natural, header, room)
    for c in columns:
        entry = dict(config.get(c) or {})
        entry["width"] = natural[c]
        config[c] = entry
    return config


LINE_PX, MAX_LINES = 20, 5  # a wrapped line of grid text (14 px × 1.4), and the most lines a row grows to


def wrapped_lines(frame, config: dict) -> int:
    """How many lines the longest cell needs at its column's width, at most MAX_LINES: one where it fits as
    fit_columns measures (so a column at its natural width never wraps), else about 7.4 px a character
    once words are wrapped (Source Sans 14 px, 16 px of padding)."""
    lines = 1
    for column in frame.columns:
        width = (config.get(column) or {}).get("width")
        if not isinstance(width, int):
            continue
        longest = max((str(v) for v in frame[column].head(200)), key=len, default="")
        if _text_px(longest, 7.0) > width:
            lines = max(lines, -(-len(longest) // max(1, int((width - 16) / 7.4))))
    return min(lines, MAX_LINES)


def _shared(natural: dict, header: dict, room: int) -> dict:
    """Widths that fit `room`: a column whose values are short keeps its natural width (a date, a kind, a
    count stay whole); the longest ones share what is left alike, each at least its header."""
    widths, left, remaining = {}, sorted(natural, key=natural.get), room
    while left and natural[left[0]] <= remaining / len(left):
        widths[left[0]] = natural[left[0]]
        remaining -= natural[left.pop(0)]
    while left:  # a header wider than its share takes its width; the others share the rest
        fair = remaining / len(left)
        wide = [c for c in left if header[c] > fair]
        if not wide:
            widths.update({c: int(fair) for c in left})
            break
        for c in wide:
            widths[c] = header[c]
            remaining -= header[c]
            left.remove(c)
    return widths


def wrap_height(frame, config: dict) -> int | None:
    """A row height in which the longest cell wraps whole, or None when every cell fits on one line.
    Streamlit wraps cell text only in rows taller than 4 rem (64 px)."""
    lines = wrapped_lines(frame, config)
    return max(65, 8 + LINE_PX * lines) if lines > 1 else None


def show_table(frame, room: int = ROOM_PX, where=None, column_config: dict | None = None, wrap: bool = True,
               **kwargs):
    """A read-only table that fits its room at 1440 px (see fit_columns), without the index. With `wrap` (the
    default: nothing is cut), a value longer than its column wraps onto more lines (every row grows alike, up to MAX_LINES) rather than
    being cut, and the table grows with its rows to `height` or 560 px, whichever is more, before it scrolls."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    config = fit_columns(frame, room, column_config)
    if wrap and (row := wrap_height(frame, config)):
        kwargs["row_height"] = row
        kwargs["height"] = min(max(kwargs.get("height") or 0, 560), 38 + row * len(frame) + 2)
    return (where or st).dataframe(frame, column_config=config, **kwargs)


def show_history(lines) -> None:
    """The change history (core.audit.history) as sentences, newest first, each with its time."""
    if not lines:
        st.caption(t("audit.empty"))
        return
    st.markdown("\n".join(f"- :gray[{moment(line.at)}] · {plain(line.text)}" for line in lines))


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
    upload = where.file_uploader(label, type=types, key=key, max_upload_size=megabytes)
    # Under it, in our words: Streamlit's own line of limits is English and hidden (app.py).
    where.caption(t("import.limits", mb=num(megabytes), rows=num(limits.max_rows)) + " "
                  + t("import.types", types=", ".join(f".{ext}" for ext in types)))
    return upload


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
