"""Run inside a namespace whose resolver never answers (tests/test_resolve.py): 40 TCP checks of dead
names beside 20 of a listening loopback port; prints one JSON line of what each got and how long it took."""

import asyncio
import json
import sys
import time

from probes.kinds.base import Check, ProbeFailure
from probes.kinds.tcp import PROBE
from tests.peers import tcp_listener


async def timed(probe, check):
    started = time.monotonic()
    try:
        await probe.check(check, {})
        reason = "UP"
    except ProbeFailure as failure:
        reason = failure.key
    return reason, time.monotonic() - started


async def main(port: int) -> dict:
    probe = PROBE.probe()
    dead = [Check(i, "tcp", f"svc{i}.skpd.malangkota.invalid", 443, 8, {}) for i in range(40)]
    good = [Check(100 + i, "tcp", "127.0.0.1", port, 8, {}) for i in range(20)]
    await asyncio.sleep(0)
    dead_tasks = [asyncio.create_task(timed(probe, c)) for c in dead]
    await asyncio.sleep(0.2)  # the dead lookups are running: now the healthy checks
    good_results = await asyncio.gather(*(timed(probe, c) for c in good))
    loop_free = time.monotonic()
    await asyncio.get_running_loop().run_in_executor(None, time.sleep, 0)  # the default pool is not blocked
    default_pool_s = time.monotonic() - loop_free
    dead_results = await asyncio.gather(*dead_tasks)
    return {"dead": dead_results, "good": good_results, "default_pool_s": default_pool_s}


if __name__ == "__main__":
    with tcp_listener() as port:
        print(json.dumps(asyncio.run(main(port))), flush=True)
    sys.exit(0)
