"""The alert channel kinds. Every module in this package that declares `CHANNEL` (a `base.ChannelKind`) is
one kind, as with the probe kinds: adding a channel is adding a module, its test and its catalogue entries."""

import sys

from core.alerts.channels.base import ChannelKind
from core.registry import discover

CHANNELS: dict[str, ChannelKind] = discover(sys.modules[__name__], "CHANNEL", ChannelKind)
