"""The one message catalogue: every string a user reads, in Indonesian (default) and English.

A message is a text with `{placeholders}`. An English message that counts something is a plural message,
as gettext's msgid_plural and uptime-kuma's "{n} day | {n} days": a dict `{"one": ..., "other": ...}`
whose form is chosen by the count parameter named under "n" ("n" itself when not named), so one
reads "1 problem" and three read "3 problems". A form may be a plural message itself, on another count.
Indonesian does not mark the plural: its messages stay plain texts.
"""

import json

from core.i18n import (
    en,
    en_agents,
    en_budget,
    en_deps,
    en_evaluation,
    en_incidents,
    en_inventory,
    en_needs,
    en_ops,
    en_public,
    en_review,
    en_tickets,
    id_agents,
    id_budget,
    id_deps,
    id_evaluation,
    id_incidents,
    id_inventory,
    id_needs,
    id_ops,
    id_public,
    id_review,
    id_tickets,
)
from core.i18n import id as id_

Message = str | dict  # a text, or a plural message {"n": count parameter, "one": form, "other": form}
CATALOGUES: dict[str, dict[str, Message]] = {
    "id": {**id_.MESSAGES, **id_inventory.MESSAGES, **id_evaluation.MESSAGES, **id_needs.MESSAGES,
           **id_agents.MESSAGES, **id_budget.MESSAGES, **id_ops.MESSAGES, **id_public.MESSAGES,
           **id_incidents.MESSAGES, **id_deps.MESSAGES, **id_tickets.MESSAGES, **id_review.MESSAGES},
    "en": {**en.MESSAGES, **en_inventory.MESSAGES, **en_evaluation.MESSAGES, **en_needs.MESSAGES,
           **en_agents.MESSAGES, **en_budget.MESSAGES, **en_ops.MESSAGES, **en_public.MESSAGES,
           **en_incidents.MESSAGES, **en_deps.MESSAGES, **en_tickets.MESSAGES, **en_review.MESSAGES},
}
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT = "id"


def t(key: str, lang: str = DEFAULT, **params) -> str:
    """The message for `key` in `lang`, falling back to Indonesian, then to the key itself."""
    text = form(CATALOGUES.get(lang, {}).get(key) or CATALOGUES[DEFAULT].get(key) or key, params)
    return text.format(**params) if params else text


def form(message: Message, params: dict) -> str:
    """The form of a message for its counts: a plural message's "one" when its count is 1, else "other"."""
    while isinstance(message, dict):
        message = message["one"] if is_one(params.get(message.get("n", "n"))) else message["other"]
    return message


def is_one(count) -> bool:
    """Whether a count reads as exactly one: 1, or "1" as a page passes a formatted figure."""
    if isinstance(count, bool) or count is None:
        return False
    if isinstance(count, int | float):
        return count == 1
    return str(count).strip() == "1"


def has_key(key: str, lang: str = DEFAULT) -> bool:
    return key in CATALOGUES.get(lang, {}) or key in CATALOGUES[DEFAULT]


def encode_reason(key: str, **params) -> str:
    """A reason as stored: a catalogue key and its values, rendered later in the reader's language."""
    return json.dumps([key, params], separators=(",", ":"), ensure_ascii=False)[:300]


def reason_text(raw: str, lang: str = DEFAULT) -> str:
    """A stored probe reason (a key and its values, as JSON) in the reader's language."""
    if not raw or not raw.startswith("["):
        return raw or ""
    try:
        key, params = json.loads(raw)
        return t(key, lang, **params)
    except (ValueError, TypeError, KeyError):
        return raw
