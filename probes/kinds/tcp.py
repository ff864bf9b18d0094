"""TCP connect with a timeout."""

import asyncio
import socket

from db.monitoring import State
from probes.kinds.base import Check, Options, Outcome, ProbeFailure, ProbeKind, Stopwatch
from probes.kinds.resolve import resolve


class TcpOptions(Options):
    """A TCP check needs only the host and its port."""


class TcpProbe:
    async def check(self, check: Check, previous: dict) -> Outcome:
        address = await resolve(check.host, check.timeout_s)
        watch = Stopwatch()
        writer = None
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(address, check.port), check.timeout_s)
            return Outcome(State.UP, latency_ms=watch.ms())
        except TimeoutError:
            raise ProbeFailure("probe.timeout", host=check.host, port=check.port, seconds=check.timeout_s) from None
        except OSError as exc:
            raise connection_failure(exc, check.host, check.port) from None
        finally:
            if writer is not None:
                writer.close()


def connection_failure(exc: OSError, host: str, port: int | None) -> ProbeFailure:
    """The plain-words reason for a failed connect."""
    if isinstance(exc, ConnectionRefusedError):
        return ProbeFailure("probe.refused", host=host, port=port)
    if isinstance(exc, socket.gaierror):
        return ProbeFailure("probe.dns", host=host)
    return ProbeFailure("probe.unreachable_port", host=host, port=port, error=exc.strerror or str(exc))


PROBE = ProbeKind("tcp", TcpProbe, TcpOptions, port="required", concurrency=300, order=40)
