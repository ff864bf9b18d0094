"""The alert channel kinds. Every module in this package that declares `CHANNEL` (a `base.ChannelKind`) is
one kind, as with the probe kinds: adding a channel is adding a module, its test and its catalogue entries."""

import importlib
import pkgutil

from core.alerts.channels.base import ChannelKind


def _discover() -> dict[str, ChannelKind]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        kind = getattr(importlib.import_module(f"{__name__}.{info.name}"), "CHANNEL", None)
        if isinstance(kind, ChannelKind):
            found.append(kind)
    return {kind.name: kind for kind in sorted(found, key=lambda k: (k.order, k.name))}


CHANNELS: dict[str, ChannelKind] = _discover()
