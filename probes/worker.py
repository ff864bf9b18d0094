"""The probe worker: claim due targets, check them concurrently, write results in batches.

The loop is a handful of small steps (`claim_due`, `check`, `flush`, `housekeeping`) that tests call
one at a time; `run` strings them together on an asyncio loop until the stop event is set. The loop never
waits for the store: its calls run on threads of their own, and while the store is away the targets the
worker holds keep their schedule, their results kept until it is back.
"""

import asyncio
import logging
import os
import socket
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from core.alerts.notify import Notifier
from db.monitoring import State
from db.types import utcnow
from probes import silence, store
from probes.kinds import PROBES
from probes.kinds.base import run

log = logging.getLogger("monev.probes")


STORE_THREADS = 3  # claims, writes and housekeeping each wait on the store apart from the checks
IO_THREADS = 64  # the loop's default pool: what libraries resolve and read on (never the store's calls)
# A claim taking longer than this means the store is slow or away (a locked SQLite waits out its busy
# timeout): the held targets due by then are checked from the roster instead of waiting for the answer.
STORE_PATIENCE_S = 2.0


class ProbeWorker:
    def __init__(self, engine: Engine, *, zone: ZoneInfo, name: str | None = None, lease_s: float = 45,
                 max_in_flight: int = 2000, batch: int = 1000, flush_s: float = 1.0,
                 keep: store.Retention | None = None, buffer_limit: int = 200_000, slice_size: int = 100):
        self.engine, self.zone = engine, zone
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self) % 10_000}"
        self.lease = timedelta(seconds=lease_s)
        self.max_in_flight, self.batch, self.flush_s = max_in_flight, batch, flush_s
        self.keep, self.buffer_limit, self.slice_size = keep or store.Retention(), buffer_limit, slice_size
        self.probes = {name: kind.probe() for name, kind in PROBES.items()}
        self.windows: list = []
        self.done: list[store.Result] = []
        self.in_flight: set[asyncio.Task] = set()
        self.checking: set[int] = set()  # target ids with a check in flight
        # The targets this worker has checked lately, each with when it is due next: while the store is
        # away (no claims), these keep their schedule and their results wait in `done`.
        self.roster: dict[int, store.Claimed] = {}
        self._held_since: dict[int, float] = {}
        self.store_ok = True
        self.checks_since_beat = 0
        self._lanes: dict[tuple[str, bool], asyncio.Semaphore] = {}
        self._last = {"flush": 0.0, "beat": 0.0, "agents": 0.0, "windows": 0.0, "prune": 0.0}
        self._next_flush = 0.0
        self._claim_since = 0.0
        self._writing: list[store.Result] = []  # a batch on its way to the store
        self.write_failures = 0
        self.lateness: deque[float] = deque(maxlen=100_000)  # seconds each check started after it was due
        self.started: deque[tuple[int, float]] = deque(maxlen=200_000)  # (target id, lateness) of each check
        self._store_pool = ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="monev-store")

    # -- steps ---------------------------------------------------------------------------------
    def _claim(self, limit: int | None = None) -> list[store.Claimed]:
        room = min(self.slice_size, self.max_in_flight - len(self.in_flight)) if limit is None else limit
        return store.claim(self.engine, worker=self.name, now=utcnow(), limit=room, lease=self.lease)

    def claim_due(self, limit: int | None = None) -> list[store.Claimed]:
        """Lease a slice of due targets (at most `slice_size`, so several workers share the load and a killed
        one strands no more than a slice) and hold them on the roster."""
        return self._hold(self._claim(limit))

    def _hold(self, claimed: list[store.Claimed]) -> list[store.Claimed]:
        """Put the claimed targets on the roster; returns those to check now. A target whose slot the roster
        already checked while the store was away comes back with the store's lagging schedule until that
        result is written (which releases its lease): it stays held, with the roster's schedule."""
        now = time.monotonic()
        unwritten = self._unwritten()
        fresh = []
        for item in claimed:
            target_id = item.check.target_id
            self._held_since[target_id] = now
            held = self.roster.get(target_id)
            if target_id in unwritten and held is not None and held.due_at > item.due_at:
                continue
            self.roster[target_id] = item
            fresh.append(item)
        # A target no claim has brought for a while went to another worker or was disabled.
        for target_id, item in list(self.roster.items()):
            if now - self._held_since.get(target_id, now) > 3 * item.interval_s + self.lease.total_seconds():
                self.roster.pop(target_id, None)
                self._held_since.pop(target_id, None)
        return fresh

    def due_from_roster(self, now) -> list[store.Claimed]:
        """The held targets due by `now` and not being checked: what the worker checks while it cannot claim."""
        return [item for target_id, item in self.roster.items()
                if item.due_at <= now and target_id not in self.checking]

    def _lane(self, kind: str, suspect: bool) -> asyncio.Semaphore:
        """A kind's checks share its concurrency; targets failing lately (often hanging until their timeout)
        get a lane of their own, so they cannot hold up the healthy ones."""
        lane = self._lanes.get((kind, suspect))
        if lane is None:
            size = PROBES[kind].concurrency if kind in PROBES else 1
            lane = self._lanes[(kind, suspect)] = asyncio.Semaphore(max(1, size // 2) if suspect else size)
        return lane

    async def check(self, claimed: store.Claimed) -> store.Result:
        """Run one check; every failure becomes a DOWN result with a reason, never an exception."""
        kind = claimed.check.kind
        async with self._lane(kind, claimed.failing):
            at = utcnow()
            late = (at - claimed.due_at).total_seconds()
            self.lateness.append(late)
            self.started.append((claimed.check.target_id, late))
            outcome = await run(self.probes[kind], claimed.check, claimed.details)
        return store.Result(claimed, at, outcome.status, outcome.latency_ms, outcome.reason, outcome.details)

    def _write(self, results: list[store.Result]) -> int:
        return store.write(self.engine, results, zone=self.zone, windows=self.windows, now=utcnow())

    def flush(self) -> int:
        """Write what is done. On a store error keep every result and try again later."""
        if not self.done:
            return 0
        results, self.done = self.done, []
        try:
            written = self._write(results)
        except Exception:  # noqa: BLE001 - locked SQLite, PostgreSQL restart, full disk: retry, never drop
            self._written_failed(results)
            return 0
        self._written(written)
        return written

    def _written(self, written: int) -> None:
        self.write_failures, self._next_flush = 0, 0.0
        self.checks_since_beat += written

    def _written_failed(self, results: list[store.Result]) -> None:
        self.write_failures += 1
        self._next_flush = time.monotonic() + min(30, 2 ** self.write_failures)
        log.warning("writing %d results failed; keeping them for the next try", len(results), exc_info=True)
        self.done = (results + self.done)[-self.buffer_limit:]

    def housekeeping(self, force: bool = False) -> bool:
        """Worker heartbeat every 5 s, silent agents every 5 s, maintenance windows every 30 s, retention every
        hour."""
        now, did = time.monotonic(), False
        for step, every, action in (("beat", 5, self._beat), ("agents", 5, self._agents),
                                    ("windows", 30, self._load_windows),
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

    def _agents(self):
        for name in silence.sweep(self.engine):
            log.warning("agent %s stopped reporting: its targets are unknown until it does", name)

    def _load_windows(self):
        self.windows = store.windows(self.engine)

    def _prune(self):
        store.prune(self.engine, now=utcnow(), keep=self.keep)

    # -- loop ----------------------------------------------------------------------------------
    async def run_async(self, stop: threading.Event) -> None:
        loop = asyncio.get_running_loop()
        io = ThreadPoolExecutor(max_workers=IO_THREADS, thread_name_prefix="monev-io")
        loop.set_default_executor(io)
        await loop.run_in_executor(self._store_pool, self._register_until_ok, stop)
        self.housekeeping(force=True)
        jobs: dict[str, asyncio.Future] = {}
        while not stop.is_set():
            self._round(loop, jobs)
            await asyncio.sleep(0.1)
        for job in jobs.values():
            await asyncio.wait([job], timeout=15)
        if self.in_flight:
            await asyncio.wait(self.in_flight, timeout=10)
        await loop.run_in_executor(self._store_pool, self.flush)
        await self._close_probes()
        self._store_pool.shutdown(wait=False)
        io.shutdown(wait=False, cancel_futures=True)

    def _round(self, loop: asyncio.AbstractEventLoop, jobs: dict[str, asyncio.Future]) -> None:
        """One turn of the loop. Store calls run on the store's own threads as jobs the loop looks in on, so
        the loop never waits for the store: while it is away, the held targets keep their schedule."""
        claim = jobs.get("claim")
        if claim is not None and claim.done():
            jobs.pop("claim")
            try:
                claimed = self._hold(claim.result())
                if not self.store_ok:  # back: write what waited now rather than after the backoff
                    self.store_ok, self._next_flush = True, 0.0
            except Exception:  # noqa: BLE001 - the store is away: the held targets carry on
                if self.store_ok:
                    log.warning("claiming targets failed; checking the %d targets held", len(self.roster),
                                exc_info=True)
                self.store_ok = False
                claimed = []
            self._start(claimed)
            if len(claimed) >= self.slice_size:  # more are due: the next slice at once
                self._claim_job(loop, jobs)
        if "claim" not in jobs and len(self.in_flight) < self.max_in_flight:
            self._claim_job(loop, jobs)
        waited = time.monotonic() - self._claim_since if "claim" in jobs else 0.0
        if not self.store_ok or waited > STORE_PATIENCE_S:
            self._start(self.due_from_roster(utcnow()))
        else:  # claims do not bring a target whose last result is still unwritten: the roster keeps it going
            unwritten = self._unwritten()
            self._start([item for item in self.due_from_roster(utcnow()) if item.check.target_id in unwritten])

        write = jobs.get("write")
        if write is not None and write.done():
            jobs.pop("write")
            batch, self._writing = self._writing, []
            try:
                self._written(write.result())
            except Exception:  # noqa: BLE001 - kept and written when the store is back
                self._written_failed(batch)
        now = time.monotonic()
        if "write" not in jobs and self.done and now >= self._next_flush and (
                len(self.done) >= self.batch or now - self._last["flush"] >= self.flush_s):
            self._writing, self.done = self.done, []
            jobs["write"] = loop.run_in_executor(self._store_pool, self._write, self._writing)
            self._last["flush"] = now

        chores = jobs.get("chores")
        if chores is not None and chores.done():
            jobs.pop("chores")
        if "chores" not in jobs:
            jobs["chores"] = loop.run_in_executor(self._store_pool, self.housekeeping)

    def _claim_job(self, loop: asyncio.AbstractEventLoop, jobs: dict[str, asyncio.Future]) -> None:
        self._claim_since = time.monotonic()
        jobs["claim"] = loop.run_in_executor(self._store_pool, self._claim)

    def _unwritten(self) -> set[int]:
        return {result.claimed.check.target_id for result in (*self.done, *self._writing)}

    def _start(self, claimed: list[store.Claimed]) -> None:
        for item in claimed:
            if item.check.target_id in self.checking:
                continue
            self.checking.add(item.check.target_id)
            task = asyncio.create_task(self.check(item))
            self.in_flight.add(task)
            task.add_done_callback(partial(self._finished, item.check.target_id))

    def _finished(self, target_id: int, task: asyncio.Task) -> None:
        self.in_flight.discard(task)
        self.checking.discard(target_id)
        if task.cancelled() or task.exception() is not None:
            return
        result = task.result()
        self.done.append(result)
        held = result.claimed
        # Its next slot on the roster, as the store would set it, with what this check saw (counters, time).
        details = {**result.details, "_last_at": result.at.timestamp()}
        self.roster[held.check.target_id] = replace(held, due_at=store.next_due(held.due_at, held.interval_s, utcnow()),
                                                    details=details, failing=result.status == State.DOWN)

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
