"""The probe kinds. Every module in this package that declares `PROBE` (a `base.ProbeKind`) is one kind:
adding a kind is adding a module (and its test and its catalogue entries), nothing else."""

import importlib
import pkgutil

from probes.kinds.base import ProbeKind


def _discover() -> dict[str, ProbeKind]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        kind = getattr(importlib.import_module(f"{__name__}.{info.name}"), "PROBE", None)
        if isinstance(kind, ProbeKind):
            found.append(kind)
    return {kind.name: kind for kind in sorted(found, key=lambda k: (k.order, k.name))}


PROBES: dict[str, ProbeKind] = _discover()
KINDS: tuple[str, ...] = tuple(PROBES)
