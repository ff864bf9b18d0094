"""`python -m probes`: the probe worker as a process of its own (production, several machines)."""

import logging
import signal
import sys
import threading

from core.alerts.notify import Notifier
from core.config import load_settings
from core.errors import MonevError
from core.startup import NOTIFIER_ROUNDS, open_store
from probes.store import Retention
from probes.worker import ProbeWorker


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per HTTP check is noise
    try:
        settings = load_settings()
        engine = open_store(settings)
    except MonevError as exc:
        print(exc.message(settings.language if "settings" in locals() else "id"), file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker = ProbeWorker(engine, zone=settings.zone, name=settings.worker_name or None,
                         lease_s=settings.probe_lease_s, keep=Retention(**settings.retention()))
    logging.getLogger("monev.probes").info("worker %s started on %s", worker.name, engine.url.render_as_string())
    notifier = Notifier(engine, settings, rounds=NOTIFIER_ROUNDS).start()  # alerts go out on a thread of their own
    try:
        worker.run(stop)
    finally:
        notifier.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
