"""Name resolution for every probe kind, on pools of its own with a timeout of its own: a resolver that
never answers costs its lookups, not the worker's other checks or its store calls (the event loop's
default pool, which asyncio and httpx resolve on, is where they would otherwise queue).

Answers are kept for a minute and failures for half a minute, so a dead name is not asked again every
cycle. A name whose last lookup failed is asked on a small pool of its own, so a wall of dead names (a
zone gone, a resolver that never answers them) cannot keep the good ones waiting. No stale answers are
served: a website whose name stops resolving is down for its visitors, and the monitor says so."""

import asyncio
import ipaddress
import socket
import time
from concurrent.futures import ThreadPoolExecutor

from probes.kinds.base import ProbeFailure

THREADS, SUSPECT_THREADS = 16, 8
TIMEOUT_S = 3.0  # a lookup longer than this is a DNS failure, whatever the check's own timeout
KEEP_S, KEEP_FAILED_S = 60.0, 30.0

_pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="monev-dns")
_suspect_pool = ThreadPoolExecutor(max_workers=SUSPECT_THREADS, thread_name_prefix="monev-dns-failing")
_known: dict[str, tuple[float, str | ProbeFailure]] = {}


def is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def _lookup(host: str) -> str:
    """The first address of `host`, IPv4 before IPv6 (blocking: runs on a DNS pool)."""
    found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    found.sort(key=lambda entry: entry[0] != socket.AF_INET)
    return found[0][4][0]


async def resolve(host: str, timeout_s: float = TIMEOUT_S) -> str:
    """An address to connect to for `host`; ProbeFailure("probe.dns" or "probe.dns_timeout") otherwise."""
    if is_address(host):
        return host.strip("[]")
    now = time.monotonic()
    kept = _known.get(host)
    if kept is not None and kept[0] > now:
        if isinstance(kept[1], ProbeFailure):
            raise kept[1]
        return kept[1]
    pool = _suspect_pool if kept is not None and isinstance(kept[1], ProbeFailure) else _pool
    seconds = min(timeout_s, TIMEOUT_S)
    try:
        address = await asyncio.wait_for(asyncio.wrap_future(pool.submit(_lookup, host)), seconds)
    except TimeoutError:
        failure = ProbeFailure("probe.dns_timeout", host=host, seconds=seconds)
    except (socket.gaierror, UnicodeError, OSError):
        failure = ProbeFailure("probe.dns", host=host)
    else:
        _known[host] = (now + KEEP_S, address)
        return address
    _known[host] = (now + KEEP_FAILED_S, failure)
    raise failure


def forget() -> None:
    """Drop what the resolver keeps (tests, and a worker told the network changed)."""
    _known.clear()
