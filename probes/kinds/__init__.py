"""The probe kinds. Every module in this package that declares `PROBE` (a `base.ProbeKind`) is one kind:
adding a kind is adding a module (and its test and its catalogue entries), nothing else."""

import sys

from core.registry import discover
from probes.kinds.base import ProbeKind

PROBES: dict[str, ProbeKind] = discover(sys.modules[__name__], "PROBE", ProbeKind)
KINDS: tuple[str, ...] = tuple(PROBES)
