"""What every alert channel kind declares: how its address and secret are checked, and how it sends."""

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from core.alerts.messages import Message
from core.config import Settings
from db.monitoring import AlertChannel


class SendFailed(Exception):
    """A channel refused or could not be reached; the text says why, for the delivery log."""


@dataclass(frozen=True)
class ChannelKind:
    """One channel kind, declared in its own module as `CHANNEL`; `core.alerts.channels` finds it there."""

    name: str  # stored on the channel; its label is the catalogue entry channel.<name>
    # The cleaned (address, secret), or core.errors.ValidationError naming the field that is wrong.
    check: Callable[[str, str], tuple[str, str]]
    # Deliver one message or raise SendFailed (other errors of the network are turned into SendFailed).
    send: Callable[[AlertChannel, Message, Settings, httpx.Client], None]
    order: int = 100
