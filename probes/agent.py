"""`python -m probes.agent`: a probe agent inside a unit's own network, talking to the app outbound only.

    python -m probes.agent --server https://monev.example.go.id --state /var/lib/monev-agent --enrol CODE

The first run trades the one-time code (Admin → Agen & API) for a credential, kept in STATE/credential
(mode 0600); later runs need neither the code nor anything else. The agent pulls its target list every
few minutes (a conditional request), checks each target with the same probe modules as the central
workers, keeps every result in a SQLite outbox (STATE/outbox.sqlite) with a sequence number, and pushes
batches; a result leaves the outbox only when the server has acknowledged its sequence number, so a cut
link or a restart loses nothing and the server stores nothing twice.
"""

import argparse
import asyncio
import hashlib
import json
import logging
import os
import signal
import sqlite3
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from db.types import utcnow
from probes.kinds import PROBES
from probes.kinds.base import Check, run

log = logging.getLogger("monev.agent")
VERSION = "1"
BATCH = 1000  # results per push
MAX_OUTBOX = 2_000_000  # the oldest results go past this many (weeks of a small unit's checks)


class Outbox:
    """Results waiting for the server, in a SQLite file: sequence numbers never reused (AUTOINCREMENT)."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)")
        self.lock = threading.Lock()

    def start_after(self, seq: int) -> None:
        """Number the next results above `seq` (the server's acknowledged one, at enrolment)."""
        with self.lock:
            self.db.execute("INSERT INTO outbox (seq, body) VALUES (?, '{}')", (max(seq, self.last()) + 1,))
            self.db.execute("DELETE FROM outbox WHERE body = '{}'")

    def last(self) -> int:
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
        return row[0] if row else 0

    def add(self, result: dict) -> None:
        with self.lock:
            self.db.execute("INSERT INTO outbox (body) VALUES (?)", (json.dumps(result),))
            if self.size() > MAX_OUTBOX:
                self.db.execute("DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT ?)",
                                (self.size() - MAX_OUTBOX,))

    def batch(self, limit: int = BATCH) -> list[dict]:
        with self.lock:
            rows = self.db.execute("SELECT seq, body FROM outbox ORDER BY seq LIMIT ?", (limit,)).fetchall()
        return [{"seq": seq, **json.loads(body)} for seq, body in rows]

    def acknowledge(self, seq: int) -> None:
        with self.lock:
            self.db.execute("DELETE FROM outbox WHERE seq <= ?", (seq,))

    def size(self) -> int:
        return self.db.execute("SELECT count(*) FROM outbox").fetchone()[0]


class Refused(Exception):
    """The server said no (HTTP 4xx): a wrong code, a revoked credential."""

    def __init__(self, status: int, body: dict):
        self.status, self.body = status, body
        error = body.get("error", {}) if isinstance(body, dict) else {}
        super().__init__(f"HTTP {status}: {error.get('message') or error.get('code') or body}")


class Server:
    def __init__(self, base: str, ca_file: str | None = None, timeout: float = 20):
        self.base, self.timeout = base.rstrip("/"), timeout
        self.context = ssl.create_default_context(cafile=ca_file) if ca_file else None
        self.credential = ""

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        """(status, JSON body or None, response headers); Refused for 4xx, OSError when unreachable."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Content-Type": "application/json", "X-Agent-Version": VERSION, **(headers or {}),
            **({"Authorization": f"Bearer {self.credential}"} if self.credential else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None, dict(response.headers)
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return 304, None, dict(exc.headers)
            try:
                answer = json.loads(exc.read() or b"{}")
            except ValueError:
                answer = {}
            if 400 <= exc.code < 500:
                raise Refused(exc.code, answer) from None
            raise OSError(f"HTTP {exc.code}") from None


@dataclass
class Scheduled:
    check: Check
    interval_s: int
    due: float
    details: dict = field(default_factory=dict)


class Agent:
    def __init__(self, server: Server, state: Path, *, concurrency: int = 200):
        self.server, self.state = server, state
        state.mkdir(parents=True, exist_ok=True)
        self.outbox = Outbox(state / "outbox.sqlite")
        self.probes = {name: kind.probe() for name, kind in PROBES.items()}
        self.targets: dict[int, Scheduled] = {}
        self.etag = ""
        self.push_interval_s, self.pull_s = 10.0, 120.0
        self.limit = asyncio.Semaphore(concurrency)
        self.running: set[int] = set()
        self.link_ok = True

    # -- credential ----------------------------------------------------------------------------
    @property
    def credential_file(self) -> Path:
        return self.state / "credential"

    def enrol(self, code: str) -> None:
        _, answer, _ = self.server.call("POST", "/agent/v1/enrol", {"code": code, "version": VERSION})
        fd = os.open(self.credential_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(answer["credential"])
        (self.state / "enrolled-with").write_text(hashlib.sha256(code.strip().upper().encode()).hexdigest())
        self.outbox.start_after(int(answer.get("acked_seq", 0)))
        log.info("enrolled as %s", answer["name"])

    def used(self, code: str) -> bool:
        """This code enrolled the agent before (kept as its hash beside the credential)."""
        mark = self.state / "enrolled-with"
        return mark.exists() and mark.read_text().strip() == hashlib.sha256(code.strip().upper().encode()).hexdigest()

    def load_credential(self) -> bool:
        if self.credential_file.exists():
            self.server.credential = self.credential_file.read_text().strip()
        return bool(self.server.credential)

    # -- steps ---------------------------------------------------------------------------------
    def pull(self) -> bool:
        """Ask for the target list; True when it changed."""
        status, body, headers = self.server.call("GET", "/agent/v1/targets",
                                                 headers={"If-None-Match": self.etag} if self.etag else None)
        if status == 304:
            return False
        self.etag = headers.get("ETag", "")
        self.push_interval_s, self.pull_s = float(body["push_interval_s"]), float(body["pull_s"])
        now, fresh = time.monotonic(), {}
        for item in body["targets"]:
            check = Check(item["id"], item["kind"], item["host"], item["port"], item["timeout_s"], item["options"])
            held = self.targets.get(check.target_id)
            if held is not None and held.check == check and held.interval_s == item["interval_s"]:
                fresh[check.target_id] = held
            else:  # new or changed: checked at once
                fresh[check.target_id] = Scheduled(check, item["interval_s"], now,
                                                   held.details if held else {})
        self.targets = fresh
        log.info("%d targets", len(fresh))
        return True

    async def check(self, item: Scheduled) -> None:
        try:
            async with self.limit:
                at = utcnow()
                outcome = await run(self.probes[item.check.kind], item.check, item.details)
            item.details = {k: v for k, v in outcome.details.items() if k != "rebooted"}
            self.outbox.add({"target_id": item.check.target_id, "at": at.isoformat(), "status": str(outcome.status),
                             "latency_ms": outcome.latency_ms, "reason": outcome.reason,
                             "details": outcome.details})
        finally:
            self.running.discard(item.check.target_id)

    def due(self, now: float) -> list[Scheduled]:
        found = []
        for item in self.targets.values():
            if item.due <= now and item.check.target_id not in self.running and item.check.kind in self.probes:
                item.due += item.interval_s * max(1, int((now - item.due) // item.interval_s) + 1)
                self.running.add(item.check.target_id)
                found.append(item)
        return found

    def push(self) -> int:
        """Send what the outbox holds, batch after batch; returns how many the server acknowledged."""
        sent = 0
        while batch := self.outbox.batch():
            _, ack, _ = self.server.call("POST", "/agent/v1/results",
                                         {"results": batch, "backlog": max(0, self.outbox.size() - len(batch))})
            if ack["refused"]:
                log.warning("server refused %d results, first: %s", len(ack["refused"]), ack["refused"][0])
            self.outbox.acknowledge(ack["ack"])
            sent += len(batch)
            if len(batch) < BATCH:
                break
        return sent

    # -- loop ----------------------------------------------------------------------------------
    async def run(self, stop: threading.Event) -> None:
        """Checks on the loop; pulls and pushes each on a loop of their own, so a hanging server or a cut
        link never holds up a check. A refused credential (revoked, rotated) ends the agent."""
        self.refused: Refused | None = None
        await asyncio.gather(self._schedule(stop), self._every(self.pull, lambda: self.pull_s, "pull", stop),
                             self._every(self.push, lambda: self.push_interval_s, "push", stop))
        if self.refused is not None:
            raise self.refused

    async def _schedule(self, stop: threading.Event) -> None:
        loop, tasks = asyncio.get_running_loop(), set()
        while not stop.is_set():
            for item in self.due(time.monotonic()):
                task = loop.create_task(self.check(item))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            await asyncio.sleep(0.2)
        for task in list(tasks):
            task.cancel()

    async def _every(self, action, every, name: str, stop: threading.Event) -> None:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            wait = every()
            try:
                await loop.run_in_executor(None, action)
                if not self.link_ok:
                    log.info("%s works again; outbox %d", name, self.outbox.size())
                self.link_ok = True
            except Refused as exc:
                log.error("%s refused: %s", name, exc)
                if exc.status == 401:
                    self.refused = exc
                    stop.set()
                    return
            except (OSError, ValueError, KeyError) as exc:  # unreachable, cut, a broken answer: try again soon
                if self.link_ok:
                    log.warning("%s failed (%s); results stay in the outbox (%d)", name, exc, self.outbox.size())
                self.link_ok = False
                wait = min(wait, 5.0)
            deadline = time.monotonic() + wait
            while not stop.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m probes.agent", description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=os.environ.get("MONEV_AGENT_SERVER", ""),
                        help="the app's address, e.g. https://monev.example.go.id (MONEV_AGENT_SERVER)")
    parser.add_argument("--state", default=os.environ.get("MONEV_AGENT_STATE", "agent-state"),
                        help="folder for the credential and the outbox (MONEV_AGENT_STATE)")
    parser.add_argument("--enrol", default=os.environ.get("MONEV_AGENT_CODE", ""),
                        help="the one-time code from Admin → Agen & API (first run, or after a rotation)")
    parser.add_argument("--ca-file", default=os.environ.get("MONEV_AGENT_CA_FILE") or None,
                        help="a private CA to trust for the server's certificate")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not args.server:
        print("--server is required (or MONEV_AGENT_SERVER)", file=sys.stderr)
        return 2
    agent = Agent(Server(args.server, args.ca_file), Path(args.state))
    try:
        if args.enrol and not agent.used(args.enrol):  # a code left in the service's settings is used once
            agent.enrol(args.enrol)
    except (Refused, OSError) as exc:
        print(f"enrolment failed: {exc}", file=sys.stderr)
        return 2
    if not agent.load_credential():
        print(f"no credential in {agent.credential_file}: run once with --enrol CODE", file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        asyncio.run(agent.run(stop))
    except Refused as exc:
        print(f"the server refused this agent ({exc}); ask for a new code", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
