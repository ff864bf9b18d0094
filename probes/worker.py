"""The probe worker: claim due targets, check them concurrently, write results in batches.

The loop is a handful of small steps (`claim_due`, `check`, `flush`, `housekeeping`) that tests call
one at a time; `run` strings them together on an asyncio loop until the stop event is set.
"""

import asyncio
import logging
import os
import socket
import threading
import time
from collections import deque
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from core.alerts.notify import Notifier
from core.i18n import encode_reason
from db.monitoring import State
from db.types import utcnow
from probes import store
from probes.kinds import PROBES
from probes.kinds.base import ProbeFailure

log = logging.getLogger("monev.probes")


class ProbeWorker:
    def __init__(self, engine: Engine, *, zone: ZoneInfo, name: str | None = None, lease_s: float = 45,
                 max_in_flight: int = 2000, batch: int = 1000, flush_s: float = 1.0,
                 keep: store.Retention | None = None, buffer_limit: int = 200_000):
        self.engine, self.zone = engine, zone
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self) % 10_000}"
        self.lease = timedelta(seconds=lease_s)
        self.max_in_flight, self.batch, self.flush_s = max_in_flight, batch, flush_s
        self.keep, self.buffer_limit = keep or store.Retention(), buffer_limit
        self.probes = {name: kind.probe() for name, kind in PROBES.items()}
        self.windows: list = []
        self.done: list[store.Result] = []
        self.in_flight: set[asyncio.Task] = set()
        self.checks_since_beat = 0
        self._limits: dict[str, asyncio.Semaphore] = {}
        self._last = {"flush": 0.0, "beat": 0.0, "windows": 0.0, "prune": 0.0}
        self.write_failures = 0
        self.lateness: deque[float] = deque(maxlen=100_000)  # seconds each check started after it was due

    # -- steps ---------------------------------------------------------------------------------
    def claim_due(self, limit: int | None = None) -> list[store.Claimed]:
        room = self.max_in_flight - len(self.in_flight) if limit is None else limit
        return store.claim(self.engine, worker=self.name, now=utcnow(), limit=room, lease=self.lease)

    async def check(self, claimed: store.Claimed) -> store.Result:
        """Run one check; every failure becomes a DOWN result with a reason, never an exception."""
        kind = claimed.check.kind
        limit = self._limits.setdefault(kind, asyncio.Semaphore(PROBES[kind].concurrency if kind in PROBES else 1))
        async with limit:
            at = utcnow()
            self.lateness.append((at - claimed.due_at).total_seconds())
            try:
                # The probe has its own timeout; this outer one catches a probe that hangs anyway.
                outcome = await asyncio.wait_for(self.probes[kind].check(claimed.check, claimed.details),
                                                 claimed.check.timeout_s * 2 + 5)
            except ProbeFailure as failure:
                return store.Result(claimed, at, State.DOWN, None, failure.reason(), {})
            except TimeoutError:
                reason = encode_reason("probe.hung", seconds=claimed.check.timeout_s * 2 + 5)
                return store.Result(claimed, at, State.DOWN, None, reason, {})
            except Exception as exc:  # noqa: BLE001 - a probe bug must not stop the worker
                log.exception("probe %s failed on target %s", kind, claimed.check.target_id)
                return store.Result(claimed, at, State.DOWN, None, encode_reason("probe.internal", error=repr(exc)), {})
        return store.Result(claimed, at, outcome.status, outcome.latency_ms, outcome.reason, outcome.details)

    def flush(self) -> int:
        """Write what is done. On a store error keep every result and try again later."""
        if not self.done:
            return 0
        results, self.done = self.done, []
        try:
            written = store.write(self.engine, results, zone=self.zone, windows=self.windows, now=utcnow())
        except Exception:  # noqa: BLE001 - locked SQLite, PostgreSQL restart, full disk: retry, never drop
            self.write_failures += 1
            log.warning("writing %d results failed; keeping them for the next try", len(results), exc_info=True)
            self.done = (results + self.done)[-self.buffer_limit:]
            return 0
        self.write_failures = 0
        self.checks_since_beat += written
        return written

    def housekeeping(self, force: bool = False) -> bool:
        """Worker heartbeat every 5 s, maintenance windows every 30 s, retention every hour."""
        now, did = time.monotonic(), False
        for step, every, action in (("beat", 5, self._beat), ("windows", 30, self._load_windows),
                                    ("prune", 3600, self._prune)):
            if force or now - self._last[step] >= every:
                try:
                    action()
                    self._last[step], did = now, True
                except Exception:  # noqa: BLE001 - housekeeping waits for the store like writes do
                    log.warning("%s failed", step, exc_info=True)
        return did

    def _beat(self):
        store.beat(self.engine, self.name, self.checks_since_beat)
        self.checks_since_beat = 0

    def _load_windows(self):
        self.windows = store.windows(self.engine)

    def _prune(self):
        store.prune(self.engine, now=utcnow(), keep=self.keep)

    # -- loop ----------------------------------------------------------------------------------
    async def run_async(self, stop: threading.Event) -> None:
        await asyncio.to_thread(self._register_until_ok, stop)
        self.housekeeping(force=True)
        while not stop.is_set():
            try:
                claimed = await asyncio.to_thread(self.claim_due)
            except Exception:  # noqa: BLE001 - the store is away; try again shortly
                log.warning("claiming targets failed", exc_info=True)
                claimed = []
            for item in claimed:
                task = asyncio.create_task(self.check(item))
                self.in_flight.add(task)
                task.add_done_callback(self._finished)
            if len(self.done) >= self.batch or (self.done and time.monotonic() - self._last["flush"] >= self.flush_s):
                await asyncio.to_thread(self.flush)
                self._last["flush"] = time.monotonic()
            await asyncio.to_thread(self.housekeeping)
            await asyncio.sleep(0.2 if self.write_failures == 0 else min(30, 2 ** self.write_failures))
        if self.in_flight:
            await asyncio.wait(self.in_flight, timeout=10)
        await asyncio.to_thread(self.flush)
        await self._close_probes()

    def _finished(self, task: asyncio.Task) -> None:
        self.in_flight.discard(task)
        if not task.cancelled() and task.exception() is None:
            self.done.append(task.result())

    def _register_until_ok(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                store.register(self.engine, self.name)
                return
            except Exception:  # noqa: BLE001
                log.warning("registering the worker failed; retrying", exc_info=True)
                stop.wait(5)

    async def _close_probes(self) -> None:
        for probe in self.probes.values():
            closing = getattr(probe, "close", None)
            if closing is not None:
                result = closing()
                if asyncio.iscoroutine(result):
                    await result

    def run(self, stop: threading.Event) -> None:
        asyncio.run(self.run_async(stop))


class WorkerThread:
    """The worker on a daemon thread, as the Streamlit process runs it, with the alert sender beside it."""

    running: list["WorkerThread"] = []  # every started one in this process, for shutdown and tests

    def __init__(self, worker: ProbeWorker, notifier: Notifier | None = None):
        self.worker, self.notifier = worker, notifier
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=worker.run, args=(self.stop_event,), name="monev-probes", daemon=True)

    def start(self) -> "WorkerThread":
        self.thread.start()
        if self.notifier is not None:
            self.notifier.start()
        WorkerThread.running.append(self)
        return self

    def stop(self, timeout: float = 15) -> None:
        self.stop_event.set()
        if self.notifier is not None:
            self.notifier.stop(timeout)
        self.thread.join(timeout)
        if self in WorkerThread.running:
            WorkerThread.running.remove(self)
