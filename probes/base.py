"""The one small contract every probe kind implements, and the result it hands back."""

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.i18n import encode_reason

UP, DOWN, DEGRADED = "UP", "DOWN", "DEGRADED"


@dataclass(frozen=True)
class Check:
    """What to check, as the worker read it from the store."""

    target_id: int
    kind: str
    host: str
    port: int | None
    timeout_s: float
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """What a probe saw: UP, DOWN or DEGRADED, with a reason a person can act on."""

    status: str
    latency_ms: float | None = None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class ProbeFailure(Exception):
    """A failed check. `key` and `params` name a catalogue message, so the reason reads in any language."""

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(f"{key} {params}")

    def reason(self) -> str:
        return encode_reason(self.key, **self.params)


class Probe(Protocol):
    kind: str

    async def check(self, check: Check, previous: dict[str, Any]) -> Outcome:
        """Run one check; raise ProbeFailure for a failure. `previous` holds the last check's details."""
        ...


class Stopwatch:
    """Elapsed milliseconds on the monotonic clock."""

    def __init__(self):
        self.started = time.perf_counter()

    def ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 3)
