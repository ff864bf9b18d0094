"""ICMP echo with ping3. ping3 blocks, so checks run on a thread pool of their own."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import ping3
from ping3 import errors

from db.monitoring import State
from probes.kinds.base import Check, Options, Outcome, ProbeFailure, ProbeKind
from probes.kinds.resolve import resolve

ping3.EXCEPTIONS = True  # typed errors give reasons a person can act on
THREADS = 300  # the kind's steady and suspect lanes together (probes.worker)


class PingOptions(Options):
    """Ping has nothing to set beyond the host and the timeout."""


class PingProbe:
    def __init__(self, threads: int = THREADS):
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ping")

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def check(self, check: Check, previous: dict) -> Outcome:
        loop = asyncio.get_running_loop()
        address = await resolve(check.host, check.timeout_s)
        delay = await loop.run_in_executor(self._pool, _ping, address, check.timeout_s, check.host)
        return Outcome(State.UP, latency_ms=round(delay, 3))


def _ping(address: str, timeout: float, host: str) -> float:
    try:
        delay = ping3.ping(address, timeout=timeout, unit="ms")
    except errors.Timeout:
        raise ProbeFailure("probe.ping_timeout", host=host, seconds=timeout) from None
    except errors.HostUnknown:
        raise ProbeFailure("probe.dns", host=host) from None
    except (errors.DestinationUnreachable, errors.DestinationHostUnreachable, errors.AddressUnreachable):
        raise ProbeFailure("probe.unreachable", host=host) from None
    except (errors.TimeToLiveExpired, errors.TimeExceeded):
        raise ProbeFailure("probe.ttl_expired", host=host) from None
    except errors.PingError as exc:
        raise ProbeFailure("probe.ping_error", host=host, error=str(exc)) from None
    except PermissionError:
        raise ProbeFailure("probe.ping_permission") from None
    except OSError as exc:  # ping3 raises OSError for send errors even when asked for typed errors
        raise ProbeFailure("probe.socket_error", host=host, error=exc.strerror or str(exc)) from None
    if delay is None or delay is False:
        raise ProbeFailure("probe.ping_timeout", host=host, seconds=timeout)
    return float(delay)


PROBE = ProbeKind("ping", PingProbe, PingOptions, port="unused", concurrency=200, order=10)
