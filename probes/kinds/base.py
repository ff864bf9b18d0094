"""The one small contract every probe kind implements: what it declares (name, options, address, port,
concurrency) and the check it runs, with the result it hands back or the failure it raises."""

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField

from core.i18n import encode_reason
from db.monitoring import State


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
    """What a probe saw: UP or DEGRADED (a failure is raised, never returned), with a reason a person can act on."""

    status: State
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


async def run(probe: "Probe", check: Check, previous: dict[str, Any]) -> Outcome:
    """One check as a central worker or an agent runs it: every failure, a hung or broken probe included,
    comes back as a DOWN outcome with a reason, never as an exception."""
    limit = check.timeout_s * 2 + 5  # the probe has its own timeout; this one catches a probe that hangs anyway
    try:
        return await asyncio.wait_for(probe.check(check, previous), limit)
    except ProbeFailure as failure:
        return Outcome(State.DOWN, None, failure.reason())
    except TimeoutError:
        return Outcome(State.DOWN, None, encode_reason("probe.hung", seconds=limit))
    except Exception as exc:  # noqa: BLE001 - a probe bug must not stop the worker
        logging.getLogger("monev.probes").exception("probe %s failed on target %s", check.kind, check.target_id)
        return Outcome(State.DOWN, None, encode_reason("probe.internal", error=repr(exc)))


class Options(BaseModel):
    """A kind's options: each field's type, default and limits are the whole schema. The admin form and the
    import read it; a field's label is the catalogue entry `option.<kind>.<field>`."""

    model_config = ConfigDict(extra="forbid")


def option(default: Any, *, secret: bool = False, error: str = "", **limits) -> Any:
    """A field of an Options model: `secret` keeps it out of exports and from non-admins; `error` is the
    catalogue key that says what is wrong with a bad value (else a general one)."""
    return PydanticField(default, json_schema_extra={"secret": secret, "error": error}, **limits)


class Probe(Protocol):
    async def check(self, check: Check, previous: dict[str, Any]) -> Outcome:
        """Run one check; raise ProbeFailure for a failure. `previous` holds the last check's details."""
        ...


def _no_rules(options: Options) -> None:
    return None


@dataclass(frozen=True)
class ProbeKind:
    """One probe kind, declared in its own module as `PROBE`; `probes.kinds` finds it there."""

    name: str  # stored on the target; also the catalogue prefix of its options
    probe: Callable[[], Probe]  # makes the probe a worker keeps (a pool, a client, an SNMP engine)
    options: type[Options]
    address: Literal["host", "url"] = "host"  # a host name or IP address, or an http(s) URL
    port: Literal["required", "optional", "unused"] = "optional"
    default_port: int | None = None  # the port checked when a target names none
    concurrency: int = 100  # checks of this kind in flight at once in one worker
    order: int = 100  # where it stands in lists
    rules: Callable[[Options], None] = _no_rules  # rules across options; raise core.errors.ValidationError

    def parse(self, stored: dict[str, Any]) -> Options:
        """The options as stored on a target, read with the schema (unknown keys left out)."""
        return self.options.model_validate({k: v for k, v in stored.items() if k in self.options.model_fields})

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(name for name, f in self.options.model_fields.items()
                         if (f.json_schema_extra or {}).get("secret"))


class Stopwatch:
    """Elapsed milliseconds on the monotonic clock."""

    def __init__(self):
        self.started = time.perf_counter()

    def ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 3)
